// Documented variants of HTTP itself (RULES.md revision 2, general principles), applied to every reply: a conformant
// environment may write media types in another case with parameters, start JSON with a byte order mark, add headers,
// members and elements a client must ignore, write XML with a prefixed namespace and character references, and spell
// any character of a JSON string as an escape (RFC 8259 §7) or of an XML value as a character reference.
import type { Switches } from "../src/api-module.ts";
import type { ReplyShaper } from "./http.ts";
import type { GeneralVariantName } from "./variants.ts";

const capitalised = (mime: string) => mime.replace(/[a-z]+/g, (w) => w[0]!.toUpperCase() + w.slice(1));

export function transportVariants(switches: Switches<GeneralVariantName>): ReplyShaper | undefined {
  const caseAndCharset = switches.has("media-type-case-and-charset");
  const bom = switches.has("json-bom");
  const extra = switches.has("extra-members-and-headers");
  const xmlForms = switches.has("xml-namespaces-and-references");
  // Which characters of strings and values are written escaped: every one, or about one in three.
  const escape = switches.has("strings-escaped-every-character") ? () => true : switches.has("strings-escaped-at-random") ? () => Math.random() < 1 / 3 : undefined;
  if (!caseAndCharset && !bom && !extra && !xmlForms && !escape) return undefined;
  return (headersIn, bodyIn) => {
    const headers = { ...headersIn };
    let body = bodyIn;
    const type = headers["Content-Type"];
    const json = !!type && /json/i.test(type.split(";")[0]!);
    const xml = !!type && /xml/i.test(type.split(";")[0]!);
    if (type && caseAndCharset) headers["Content-Type"] = `${capitalised(type.split(";")[0]!.trim())}; Charset="utf-8"`;
    if (extra) {
      headers["X-Spine-Assure-Extra"] = "a header a client must ignore";
      if (json && body) {
        try {
          const doc = JSON.parse(body) as unknown;
          if (doc && typeof doc === "object" && !Array.isArray(doc)) body = JSON.stringify({ ...doc, spineAssureExtra: "a member a client must ignore" });
        } catch {
          // not JSON after all: left as it is
        }
      }
      if (xml && body) body = body.replace(/(<[A-Za-z]+ xmlns="http:\/\/hl7\.org\/fhir">)/, '$1<spineAssureExtra value="an element a client must ignore"/>');
    }
    if (xmlForms && xml && body) body = xmlOtherForms(body);
    if (escape && json && body) body = escapeJsonStrings(body, escape);
    if (escape && xml && body) body = escapeXmlValues(body, escape);
    if (bom && json && body) body = `\uFEFF${body}`;
    return { headers, body };
  };
}

/**
 * The same FHIR XML written other ways XML allows (RULES.md revision 2): the FHIR namespace under a prefix, other
 * namespaces and xsi:schemaLocation declared on the root, and characters in values as character references.
 */
function xmlOtherForms(body: string): string {
  return body
    .replace(/<(\/?)([A-Za-z][A-Za-z0-9]*)(?=[\s/>])/g, "<$1f:$2")
    .replace(/<f:div xmlns="http:\/\/www\.w3\.org\/1999\/xhtml"/g, '<div xmlns="http://www.w3.org/1999/xhtml"').replace(/<\/f:div>/g, "</div>")
    .replace(/^(<\?xml[^>]*\?>\s*)?<f:([A-Za-z]+) xmlns="http:\/\/hl7\.org\/fhir"/, (_m, decl: string | undefined, root: string) =>
      `${decl ?? ""}<f:${root} xmlns:f="http://hl7.org/fhir" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://hl7.org/fhir ../../schema/fhir-single.xsd"`)
    .replace(/ value="([^"]*)"/g, (_m, v: string) => ` value="${v.replace(/[ /:.-]/g, (c) => `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`)}"`);
}

/** Every JSON string literal (members' names included) rewritten with the chosen characters as \uXXXX escapes. */
function escapeJsonStrings(body: string, chosen: () => boolean): string {
  return body.replace(/"(?:[^"\\]|\\.)*"/g, (literal) => {
    let value: string;
    try {
      value = JSON.parse(literal) as string;
    } catch {
      return literal;
    }
    let out = "";
    for (let i = 0; i < value.length; i++) {
      const unit = value.charCodeAt(i);
      out += chosen() || unit < 0x20 || unit === 0x22 || unit === 0x5c ? `\\u${unit.toString(16).padStart(4, "0")}` : value[i];
    }
    return `"${out}"`;
  });
}

/** Every value attribute rewritten with the chosen characters as character references (references kept as they are). */
function escapeXmlValues(body: string, chosen: () => boolean): string {
  return body.replace(/ value="([^"]*)"/g, (_m, value: string) => {
    const tokens = value.match(/&[^;]*;|[\s\S]/gu) ?? [];
    const written = tokens.map((t) => (t.startsWith("&") || !chosen() ? t : `&#x${t.codePointAt(0)!.toString(16).toUpperCase()};`));
    return ` value="${written.join("")}"`;
  });
}
