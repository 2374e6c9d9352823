// FHIR STU3 XML <-> JSON. fast-xml-parser tokenises the XML; this module does what FHIR XML needs on top: namespaces
// (FHIR's, prefixed or not; other declarations ignored), entity and character references, attribute-value
// normalisation, and the STU3 model (fhirpath's) for what JSON needs that XML does not say: arrays, numbers, booleans,
// and the element order XML must be written in (stu3-element-order.generated.json). Strict on purpose: a server under
// test must not get away with malformed or unknown XML because our parser guessed. Decimals keep their exact text where
// the caller asks (fhirXmlToJsonText, fhirJsonTextToXml): FHIR decimals carry precision, JavaScript numbers do not.
import { XMLBuilder, XMLParser, XMLValidator } from "fast-xml-parser";
import { isLosslessNumber, LosslessNumber, parse as parseLossless, stringify as stringifyLossless } from "lossless-json";
import { elementOrder, isNumberType, isPrimitive, isResourceType, lookupElement, type Context } from "./stu3-model.ts";

export const FHIR_NS = "http://hl7.org/fhir";
const XHTML_NS = "http://www.w3.org/1999/xhtml";
const XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";

export class FhirXmlError extends Error {
  constructor(message: string, readonly line?: number) {
    super(line ? `${message} (line ${line})` : message);
    this.name = "FhirXmlError";
  }
}

type XmlNode = Record<string, unknown> & { ":@"?: Record<string, string> };
type Json = Record<string, unknown>;
/** In-scope namespace declarations: prefix ("" for the default) → URI. */
type Scope = ReadonlyMap<string, string>;

const ATTR = "@_";
// Entities are decoded here, not by the parser: attribute values must be normalised before references are expanded.
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: ATTR,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: "#comment",
});
const xhtmlBuilder = new XMLBuilder({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: ATTR, commentPropName: "#comment", processEntities: false });

export interface ReadOptions {
  /**
   * Leave out elements STU3 does not define instead of refusing them: a client reading a response ignores members it
   * does not know (RULES.md revision 2), as JSON.parse keeps them without complaint. A server reading a request refuses.
   */
  ignoreUnknownElements?: boolean;
  /**
   * Take elements in any order. FHIR XML must follow the STU3 definition order ("Elements must always appear in the
   * order documented"): a request out of order is refused; a response is read whatever its order (RULES.md revision 2).
   */
  ignoreElementOrder?: boolean;
}

/** How the reader treats what it meets: decimals' text to a JSON value, unknown elements. */
interface ReaderOptions extends ReadOptions {
  decimal: (text: string) => unknown;
}

/** Parses a FHIR XML resource into FHIR JSON (decimals as JavaScript numbers). Throws FhirXmlError naming the fault. */
export function fhirXmlToJson(xml: string, options: ReadOptions = {}): Json {
  return readResource(xml, { ...options, decimal: Number });
}

/** Parses a FHIR XML resource into FHIR JSON text, each decimal written exactly as the XML gave it (1.50 stays 1.50). */
export function fhirXmlToJsonText(xml: string, options: ReadOptions = {}): string {
  return stringifyLossless(readResource(xml, { ...options, decimal: (text) => new LosslessNumber(text) })) ?? "";
}

function readResource(xml: string, options: ReaderOptions): Json {
  if (/<!DOCTYPE/i.test(xml)) throw new FhirXmlError("DOCTYPE declarations are not allowed in FHIR XML");
  const valid = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (valid !== true) throw new FhirXmlError(`XML is not well-formed: ${valid.err.msg}`, valid.err.line);
  const nodes = (parser.parse(xml) as XmlNode[]).filter((n) => !("#comment" in n) && !isBlank(n));
  if (nodes.length !== 1 || "#text" in nodes[0]!) throw new FhirXmlError(`expected exactly one root element, found ${nodes.filter((n) => !("#text" in n)).length}`);
  const root = nodes[0]!;
  const scope = scopeOf(root, new Map([["xml", "http://www.w3.org/XML/1998/namespace"]]));
  const { ns, local } = resolveName(root, scope);
  if (ns !== FHIR_NS) throw new FhirXmlError(`root element <${elementName(root)}> is not in the FHIR namespace ${FHIR_NS}`);
  return new Reader(options).resource(local, root, scope, local, true);
}

function elementName(node: XmlNode): string {
  const name = Object.keys(node).find((k) => k !== ":@");
  if (!name) throw new FhirXmlError("empty XML node");
  return name;
}

const isBlank = (n: XmlNode): boolean => "#text" in n && /^[ \t\r\n]*$/.test(String(n["#text"]));

/** The element's children: comments and whitespace between elements dropped. */
function children(node: XmlNode): XmlNode[] {
  return ((node[elementName(node)] as XmlNode[] | undefined) ?? []).filter((c) => !("#comment" in c) && !isBlank(c));
}

/** The scope inside `node`: its own xmlns declarations added to its parent's. */
function scopeOf(node: XmlNode, parent: Scope): Scope {
  const attrs = node[":@"] ?? {};
  const declared = Object.entries(attrs).filter(([a]) => a === `${ATTR}xmlns` || a.startsWith(`${ATTR}xmlns:`));
  if (!declared.length) return parent;
  const scope = new Map(parent);
  for (const [a, v] of declared) scope.set(a === `${ATTR}xmlns` ? "" : a.slice(`${ATTR}xmlns:`.length), attributeValue(v));
  return scope;
}

function resolveName(node: XmlNode, scope: Scope): { ns: string | undefined; local: string } {
  const qname = elementName(node);
  const colon = qname.indexOf(":");
  const prefix = colon < 0 ? "" : qname.slice(0, colon);
  const ns = scope.get(prefix);
  if (prefix && ns === undefined) throw new FhirXmlError(`element <${qname}> uses the undeclared namespace prefix "${prefix}"`);
  return { ns, local: colon < 0 ? qname : qname.slice(colon + 1) };
}

/**
 * An attribute's value as XML defines it: literal tabs and line breaks become spaces (XML 1.0 §3.3.3), then entity and
 * character references are expanded — so a line break survives only when written as &#xA;.
 */
function attributeValue(raw: string): string {
  return decodeReferences(raw.replace(/[\t\n\r]/g, " "));
}

const PREDEFINED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeReferences(text: string): string {
  return text.replace(/&([^;&\s]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(";")) throw new FhirXmlError(`"&" must start an entity or character reference: ${JSON.stringify(whole)}`);
    if (ref in PREDEFINED) return PREDEFINED[ref]!;
    const code = /^#x([0-9a-fA-F]+)$/.exec(ref)?.[1] ?? /^#([0-9]+)$/.exec(ref)?.[1];
    if (code !== undefined) {
      const n = ref[1] === "x" ? parseInt(code, 16) : parseInt(code, 10);
      if (n === 0x9 || n === 0xa || n === 0xd || (n >= 0x20 && n <= 0xd7ff) || (n >= 0xe000 && n <= 0xfffd) || (n >= 0x10000 && n <= 0x10ffff)) return String.fromCodePoint(n);
      throw new FhirXmlError(`&${ref}; is not a character XML allows`);
    }
    throw new FhirXmlError(`&${ref}; is not an entity FHIR XML may use (no DTD: only amp, lt, gt, quot, apos and character references)`);
  });
}

class Reader {
  constructor(private readonly options: ReaderOptions) {}

  resource(type: string, node: XmlNode, scope: Scope, where: string, root = false): Json {
    if (!isResourceType(type)) throw new FhirXmlError(`<${type}> at ${where} is not a FHIR STU3 resource type`);
    return { resourceType: type, ...this.complex(type, node, scope, where, root) };
  }

  private complex(context: Context, node: XmlNode, scope: Scope, where: string, root = false): Json {
    const out: Json = {};
    for (const [attr, raw] of Object.entries(node[":@"] ?? {})) {
      const bare = attr.slice(ATTR.length);
      if (bare === "xmlns" || bare.startsWith("xmlns:")) continue;
      // xsi:schemaLocation and its kind on the root are XML Schema's, not FHIR content (RULES.md revision 2).
      if (root && bare.includes(":") && scope.get(bare.slice(0, bare.indexOf(":"))) === XSI_NS) continue;
      // Only Element.id and Extension.url are attributes in FHIR XML.
      if (bare === "id" || (bare === "url" && context === "Extension")) out[bare] = attributeValue(raw);
      else throw new FhirXmlError(`unexpected attribute ${bare}="${raw}" on ${where}`);
    }
    const order = this.options.ignoreElementOrder ? undefined : elementOrder(context);
    let last: { name: string; place: number } | undefined;
    for (const child of children(node)) {
      if ("#text" in child) throw new FhirXmlError(`unexpected text content in ${where}`);
      const inner = scopeOf(child, scope);
      const { ns, local: name } = resolveName(child, inner);
      const path = `${where}.${name}`;
      const info = lookupElement(context, name);
      if (!info && this.options.ignoreUnknownElements) continue;
      if (!info) throw new FhirXmlError(`unknown element <${name}> at ${path}`);
      const place = order?.get(name);
      if (place !== undefined) {
        if (last && place < last.place) throw new FhirXmlError(`<${name}> at ${path} is out of order: STU3 puts ${name} before ${last.name}`);
        last = { name, place };
      }
      if (info.type === "xhtml" ? ns !== XHTML_NS : ns !== FHIR_NS) throw new FhirXmlError(`<${elementName(child)}> at ${path} is not in the ${info.type === "xhtml" ? "XHTML" : "FHIR"} namespace`);
      const primitive = isPrimitive(info.type);
      let value: unknown;
      let extra: Json | undefined;
      if (info.type === "xhtml") value = xhtml(child, path);
      else if (primitive) [value, extra] = this.primitive(info.type, child, inner, path);
      else if (info.type === "Resource") value = this.contained(child, inner, path);
      else value = this.complex(info.context, child, inner, path);
      if (info.repeating) {
        const list = (out[name] ??= []) as unknown[];
        list.push(value ?? null);
        if (primitive) {
          const extras = (out[`_${name}`] ??= []) as unknown[];
          extras[list.length - 1] = extra ?? null;
        }
      } else {
        if (name in out || `_${name}` in out) throw new FhirXmlError(`element <${name}> repeats at ${path} but is not a repeating element`);
        if (value !== undefined) out[name] = value;
        if (extra) out[`_${name}`] = extra;
      }
    }
    // Drop `_name` arrays that carry no id or extension at all.
    for (const key of Object.keys(out)) {
      const v = out[key];
      if (key.startsWith("_") && Array.isArray(v)) {
        if (v.every((x) => x == null)) delete out[key];
        else for (let i = 0; i < v.length; i++) v[i] ??= null;
      }
    }
    return out;
  }

  private primitive(type: string, node: XmlNode, scope: Scope, path: string): [unknown, Json | undefined] {
    const attrs = node[":@"] ?? {};
    const raw = attrs[`${ATTR}value`];
    const rest = this.complex("Element", { [elementName(node)]: node[elementName(node)], ":@": omit(attrs, `${ATTR}value`) }, scope, path);
    if (raw === undefined && Object.keys(rest).length === 0) throw new FhirXmlError(`element <${elementName(node)}> at ${path} has no value and no extension`);
    const extra = Object.keys(rest).length ? rest : undefined;
    if (raw === undefined) return [undefined, extra];
    const text = attributeValue(raw);
    if (text === "") throw new FhirXmlError(`element at ${path} has an empty value attribute`);
    return [this.value(type, text, path), extra];
  }

  private value(type: string, text: string, path: string): unknown {
    if (type === "boolean") {
      if (text !== "true" && text !== "false") throw new FhirXmlError(`boolean at ${path} is "${text}", not true or false`);
      return text === "true";
    }
    if (isNumberType(type)) {
      const lexical = type === "decimal" ? DECIMAL : INTEGER;
      if (!lexical.test(text) || !Number.isFinite(Number(text))) throw new FhirXmlError(`${type} at ${path} is "${text}", not ${type === "decimal" ? "a decimal" : "an integer"}`);
      return type === "decimal" ? this.options.decimal(text) : Number(text);
    }
    return text;
  }

  private contained(node: XmlNode, scope: Scope, path: string): Json {
    const inner = children(node);
    if (inner.length !== 1 || "#text" in inner[0]!) throw new FhirXmlError(`${path} must hold exactly one resource`);
    const innerScope = scopeOf(inner[0]!, scope);
    const { ns, local } = resolveName(inner[0]!, innerScope);
    if (ns !== FHIR_NS) throw new FhirXmlError(`<${elementName(inner[0]!)}> at ${path} is not in the FHIR namespace`);
    return this.resource(local, inner[0]!, innerScope, `${path}.${local}`);
  }
}

// FHIR's lexical forms (STU3 datatypes page): integers without leading zeros or a plus sign; decimals may add a
// fraction and an exponent.
const INTEGER = /^-?(0|[1-9][0-9]*)$/;
const DECIMAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/** The narrative, as FHIR JSON holds it: the div's XML, declaring the XHTML namespace itself. */
function xhtml(node: XmlNode, path: string): string {
  const name = elementName(node);
  if (name !== "div") throw new FhirXmlError(`${path} must be an unprefixed <div> (found <${name}>)`);
  const attrs = node[":@"] ?? {};
  const own = attrs[`${ATTR}xmlns`] ? node : { ...node, ":@": { [`${ATTR}xmlns`]: XHTML_NS, ...attrs } };
  return xhtmlBuilder.build([own]) as string;
}

function omit<T extends Record<string, unknown>>(o: T, key: string): T {
  const { [key]: _dropped, ...rest } = o;
  return rest as T;
}

// ---- JSON -> XML ----

/**
 * Serialises FHIR JSON as FHIR XML, elements in the STU3 definition order whatever the JSON's member order. Numbers may
 * be lossless-json's LosslessNumber, written exactly. Throws FhirXmlError for what FHIR XML cannot carry (an empty
 * string, a null with no extension), naming the element.
 */
export function fhirJsonToXml(resource: unknown): string {
  if (!isObject(resource) || typeof resource.resourceType !== "string") throw new FhirXmlError("not a FHIR resource: no resourceType");
  return `<?xml version="1.0" encoding="UTF-8"?>\n${resourceToXml(resource, resource.resourceType, true)}\n`;
}

/** FHIR JSON text to FHIR XML, each decimal written exactly as the JSON gave it. */
export function fhirJsonTextToXml(json: string): string {
  return fhirJsonToXml(parseFhirJson(json));
}

/** JSON text parsed with every number kept as its exact text (a LosslessNumber), for fhirJsonToXml and stringifyFhirJson. */
export function parseFhirJson(json: string): unknown {
  return parseLossless(json);
}

/** JSON text from parseFhirJson's values: numbers written exactly as they were read. */
export function stringifyFhirJson(value: unknown, indent?: number): string {
  return stringifyLossless(value, undefined, indent) ?? "";
}

function resourceToXml(resource: Json, where: string, root: boolean): string {
  const type = resource.resourceType as string;
  if (!isResourceType(type)) throw new FhirXmlError(`${type} at ${where} is not a FHIR STU3 resource type`);
  const ns = root ? ` xmlns="${FHIR_NS}"` : ""; // contained resources inherit the namespace
  return `<${type}${ns}>${complexToXml(type, resource, where)}</${type}>`;
}

function complexToXml(context: Context, obj: Json, where: string): string {
  const order = elementOrder(context);
  const names = new Set<string>();
  for (const key of Object.keys(obj)) {
    if (key === "resourceType" || obj[key] === undefined) continue;
    if ((key === "id" && context !== "Resource" && !isResourceType(context)) || (key === "url" && context === "Extension")) continue; // attributes
    names.add(key.startsWith("_") ? key.slice(1) : key);
  }
  // Unknown names sort last; elementToXml rejects them by name.
  const place = (name: string) => order.get(name) ?? Number.MAX_SAFE_INTEGER;
  return [...names].sort((a, b) => place(a) - place(b)).map((name) => elementToXml(context, name, obj[name], obj[`_${name}`], where)).join("");
}

function elementToXml(context: Context, name: string, value: unknown, extra: unknown, where: string): string {
  const path = `${where}.${name}`;
  const info = lookupElement(context, name);
  if (!info) throw new FhirXmlError(`unknown element ${path}`);
  if (info.repeating !== Array.isArray(value ?? extra)) {
    throw new FhirXmlError(`${path} must ${info.repeating ? "be" : "not be"} an array`);
  }
  const values = info.repeating ? (value as unknown[] | undefined) ?? [] : [value];
  const extras = info.repeating ? (extra as unknown[] | undefined) ?? [] : [extra];
  let out = "";
  const n = Math.max(values.length, extras.length);
  for (let i = 0; i < n; i++) out += oneElementToXml(info.type, info.context, name, values[i], extras[i], info.repeating ? `${path}[${i}]` : path);
  return out;
}

function oneElementToXml(type: string, context: Context, name: string, value: unknown, extra: unknown, path: string): string {
  if (type === "xhtml") {
    if (typeof value !== "string" || !value.trim()) throw new FhirXmlError(`${path} must be an XHTML <div>`);
    return value;
  }
  if (isPrimitive(type)) {
    const ext = isObject(extra) ? extra : {};
    const idAttr = typeof ext.id === "string" ? ` id="${escapeXml(ext.id)}"` : "";
    const inner = complexToXml("Element", omit(ext, "id"), path);
    const text = primitiveText(type, value, path);
    // A null (or absent) value is kept only with an id or extension to carry; otherwise the element would be unreadable.
    if (text === undefined && !idAttr && !inner) throw new FhirXmlError(`${path} has no value and no extension: FHIR XML cannot carry it`);
    const valueAttr = text === undefined ? "" : ` value="${escapeXml(text)}"`;
    return inner ? `<${name}${idAttr}${valueAttr}>${inner}</${name}>` : `<${name}${idAttr}${valueAttr}/>`;
  }
  if (!isObject(value)) throw new FhirXmlError(`${path} must be an object`);
  if (type === "Resource") return `<${name}>${resourceToXml(value, path, false)}</${name}>`;
  const idAttr = typeof value.id === "string" ? ` id="${escapeXml(value.id)}"` : "";
  const urlAttr = context === "Extension" && typeof value.url === "string" ? ` url="${escapeXml(value.url)}"` : "";
  return `<${name}${idAttr}${urlAttr}>${complexToXml(context, value, path)}</${name}>`;
}

/** A primitive's value attribute text, checked against its type; undefined for null (or no value). */
function primitiveText(type: string, value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (type === "boolean") {
    if (typeof value !== "boolean") throw new FhirXmlError(`${path} must be true or false, not ${JSON.stringify(value)}`);
    return String(value);
  }
  if (isNumberType(type)) {
    const text = isLosslessNumber(value) ? value.value : typeof value === "number" ? String(value) : undefined;
    if (text === undefined || !(type === "decimal" ? DECIMAL : INTEGER).test(text)) throw new FhirXmlError(`${path} must be ${type === "decimal" ? "a decimal" : "an integer"}, not ${JSON.stringify(value)}`);
    return text;
  }
  if (typeof value !== "string") throw new FhirXmlError(`${path} must be a string, not ${JSON.stringify(value)}`);
  if (value === "") throw new FhirXmlError(`${path} is an empty string: FHIR allows no empty values`);
  return value;
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !isLosslessNumber(v);
}

/** Text for XML content or an attribute: markup escaped, and tabs and line breaks as references so they survive. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;")
    .replace(/\n/g, "&#xA;").replace(/\r/g, "&#xD;").replace(/\t/g, "&#x9;");
}
