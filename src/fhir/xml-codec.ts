// FHIR STU3 XML <-> JSON. fast-xml-parser does the XML; fhirpath's STU3 model says which elements repeat and which
// primitives are numbers or booleans. Strict on purpose: a server under test must not get away with malformed or
// unknown XML because our parser guessed, and a lenient parse would hide INVALID_REQUEST_MESSAGE cases. Both
// directions stay in one module (a little over 200 lines): they share the model lookups and must agree exactly.
import { XMLBuilder, XMLParser, XMLValidator } from "fast-xml-parser";
import { isNumberType, isPrimitive, isResourceType, lookupElement, type Context } from "./stu3-model.ts";

export const FHIR_NS = "http://hl7.org/fhir";
const XHTML_NS = "http://www.w3.org/1999/xhtml";

export class FhirXmlError extends Error {
  constructor(message: string, readonly line?: number) {
    super(line ? `${message} (line ${line})` : message);
    this.name = "FhirXmlError";
  }
}

type XmlNode = Record<string, unknown> & { ":@"?: Record<string, string> };
type Json = Record<string, unknown>;

const ATTR = "@_";
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: ATTR,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: "#comment",
});
const xhtmlBuilder = new XMLBuilder({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: ATTR, commentPropName: "#comment" });

/** Parses a FHIR XML resource into FHIR JSON. Throws FhirXmlError naming the fault (and line, for syntax errors). */
export function fhirXmlToJson(xml: string): Json {
  if (/<!DOCTYPE/i.test(xml)) throw new FhirXmlError("DOCTYPE declarations are not allowed in FHIR XML");
  const valid = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (valid !== true) throw new FhirXmlError(`XML is not well-formed: ${valid.err.msg}`, valid.err.line);
  const nodes = (parser.parse(xml) as XmlNode[]).filter((n) => !("#comment" in n));
  const elements = nodes.filter((n) => !("#text" in n));
  if (elements.length !== 1) throw new FhirXmlError(`expected exactly one root element, found ${elements.length}`);
  const root = elements[0]!;
  const name = elementName(root);
  if (root[":@"]?.[`${ATTR}xmlns`] !== FHIR_NS) throw new FhirXmlError(`root element <${name}> is not in the FHIR namespace ${FHIR_NS}`);
  return resourceFromXml(name, root, name);
}

function elementName(node: XmlNode): string {
  const name = Object.keys(node).find((k) => k !== ":@");
  if (!name) throw new FhirXmlError("empty XML node");
  return name;
}

function children(node: XmlNode): XmlNode[] {
  const name = elementName(node);
  return ((node[name] as XmlNode[] | undefined) ?? []).filter((c) => !("#comment" in c));
}

function resourceFromXml(type: string, node: XmlNode, where: string): Json {
  if (!isResourceType(type)) throw new FhirXmlError(`<${type}> at ${where} is not a FHIR STU3 resource type`);
  return { resourceType: type, ...complexFromXml(type, node, where) };
}

function complexFromXml(context: Context, node: XmlNode, where: string): Json {
  const out: Json = {};
  const attrs = node[":@"] ?? {};
  for (const [attr, value] of Object.entries(attrs)) {
    const bare = attr.slice(ATTR.length);
    if (bare === "xmlns") continue;
    // Only Element.id and Extension.url are attributes in FHIR XML.
    if (bare === "id" || (bare === "url" && context === "Extension")) out[bare] = value;
    else throw new FhirXmlError(`unexpected attribute ${bare}="${value}" on ${where}`);
  }
  for (const child of children(node)) {
    if ("#text" in child) throw new FhirXmlError(`unexpected text content in ${where}`);
    const name = elementName(child);
    const path = `${where}.${name}`;
    const info = lookupElement(context, name);
    if (!info) throw new FhirXmlError(`unknown element <${name}> at ${path}`);
    const primitive = isPrimitive(info.type);
    let value: unknown;
    let extra: Json | undefined;
    if (info.type === "xhtml") value = xhtmlFromXml(child, path);
    else if (primitive) [value, extra] = primitiveFromXml(info.type, child, path);
    else if (info.type === "Resource") value = containedFromXml(child, path);
    else value = complexFromXml(info.context, child, path);
    if (info.repeating) {
      const list = (out[name] ??= []) as unknown[];
      list.push(value ?? null);
      if (primitive) {
        const extras = (out[`_${name}`] ??= []) as unknown[];
        extras[list.length - 1] = extra ?? null;
      }
    } else {
      if (name in out) throw new FhirXmlError(`element <${name}> repeats at ${path} but is not a repeating element`);
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

function primitiveFromXml(type: string, node: XmlNode, path: string): [unknown, Json | undefined] {
  const attrs = node[":@"] ?? {};
  const raw = attrs[`${ATTR}value`];
  const rest = complexFromXml("Element", { [elementName(node)]: children(node), ":@": omit(attrs, `${ATTR}value`) }, path);
  if (raw === undefined && Object.keys(rest).length === 0) throw new FhirXmlError(`element <${elementName(node)}> at ${path} has no value and no extension`);
  const extra = Object.keys(rest).length ? rest : undefined;
  if (raw === undefined) return [undefined, extra];
  if (raw === "") throw new FhirXmlError(`element at ${path} has an empty value attribute`);
  return [primitiveValue(type, raw, path), extra];
}

function primitiveValue(type: string, raw: string, path: string): unknown {
  if (type === "boolean") {
    if (raw !== "true" && raw !== "false") throw new FhirXmlError(`boolean at ${path} is "${raw}", not true or false`);
    return raw === "true";
  }
  if (isNumberType(type)) {
    const n = Number(raw);
    if (!/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(raw) || !Number.isFinite(n)) throw new FhirXmlError(`${type} at ${path} is "${raw}", not a number`);
    return n;
  }
  return raw;
}

function containedFromXml(node: XmlNode, path: string): Json {
  const inner = children(node).filter((c) => !("#text" in c));
  if (inner.length !== 1) throw new FhirXmlError(`${path} must hold exactly one resource`);
  const name = elementName(inner[0]!);
  return resourceFromXml(name, inner[0]!, `${path}.${name}`);
}

function xhtmlFromXml(node: XmlNode, path: string): string {
  if (node[":@"]?.[`${ATTR}xmlns`] !== XHTML_NS) throw new FhirXmlError(`${path} must be in the XHTML namespace`);
  return xhtmlBuilder.build([node]) as string;
}

function omit<T extends Record<string, unknown>>(o: T, key: string): T {
  const { [key]: _dropped, ...rest } = o;
  return rest as T;
}

// ---- JSON -> XML ----

/** Serialises FHIR JSON as FHIR XML. Members are written in the JSON object's order: keep fixtures in FHIR element order. */
export function fhirJsonToXml(resource: unknown): string {
  if (!isObject(resource) || typeof resource.resourceType !== "string") throw new FhirXmlError("not a FHIR resource: no resourceType");
  return `<?xml version="1.0" encoding="UTF-8"?>\n${resourceToXml(resource, resource.resourceType, true)}\n`;
}

function resourceToXml(resource: Json, where: string, root: boolean): string {
  const type = resource.resourceType as string;
  if (!isResourceType(type)) throw new FhirXmlError(`${type} at ${where} is not a FHIR STU3 resource type`);
  const ns = root ? ` xmlns="${FHIR_NS}"` : ""; // contained resources inherit the namespace
  return `<${type}${ns}>${complexToXml(type, resource, where)}</${type}>`;
}

function complexToXml(context: Context, obj: Json, where: string): string {
  let out = "";
  for (const [key, value] of Object.entries(obj)) {
    if (key === "resourceType" || value === undefined) continue;
    if (key.startsWith("_")) {
      if (!(key.slice(1) in obj)) out += elementToXml(context, key.slice(1), undefined, value, where);
      continue;
    }
    if ((key === "id" && context !== "Resource" && !isResourceType(context)) || (key === "url" && context === "Extension")) continue; // attributes
    out += elementToXml(context, key, value, obj[`_${key}`], where);
  }
  return out;
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
  for (let i = 0; i < n; i++) out += oneElementToXml(info.type, info.context, name, values[i], extras[i], path);
  return out;
}

function oneElementToXml(type: string, context: Context, name: string, value: unknown, extra: unknown, path: string): string {
  if (type === "xhtml") return typeof value === "string" ? value : "";
  if (isPrimitive(type)) {
    const ext = isObject(extra) ? extra : {};
    const idAttr = typeof ext.id === "string" ? ` id="${escapeXml(ext.id)}"` : "";
    const valueAttr = value === undefined || value === null ? "" : ` value="${escapeXml(String(value))}"`;
    const inner = complexToXml("Element", omit(ext, "id"), path);
    return inner ? `<${name}${idAttr}${valueAttr}>${inner}</${name}>` : `<${name}${idAttr}${valueAttr}/>`;
  }
  if (!isObject(value)) throw new FhirXmlError(`${path} must be an object`);
  if (type === "Resource") return `<${name}>${resourceToXml(value, path, false)}</${name}>`;
  const idAttr = typeof value.id === "string" ? ` id="${escapeXml(value.id)}"` : "";
  const urlAttr = context === "Extension" && typeof value.url === "string" ? ` url="${escapeXml(value.url)}"` : "";
  return `<${name}${idAttr}${urlAttr}>${complexToXml(context, value, path)}</${name}>`;
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}
