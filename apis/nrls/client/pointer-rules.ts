// The payload rules of the client catalogue (NRLS-CLI-19 to 29, 38 and 39): a pointer as a provider system must send
// it, judged element by element so each failure names the rule and the path of the offending element. Shared by assess-client
// (a create's body) and validate (a file). Written from the profile and pages (client-rules/catalogue.yaml), not from
// the sandbox's server-side checks: the sandbox stops at the first problem, a supplier wants every one.
import { isValidNhsNumber } from "../../../src/fhir/nhs-number.ts";
import { DATETIME, INSTANT, primitiveProblem } from "../../../src/fhir/stu3-lexical.ts";
import { stu3JsonProblems, type Stu3Problem } from "../../../src/fhir/stu3-strict.ts";
import { FhirXmlError, fhirXmlToJson } from "../../../src/fhir/xml-codec.ts";
import type { Directory } from "../../../sandbox/directory.ts";
import { ORG_BASE, PATIENT_BASE, RECORD_TYPE } from "../../../src/spine/nrls.ts";
import { NOT_IN_DIRECTORY, ruleOf, shown, type Finding } from "../../../src/model/finding.ts";

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);
const filled = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";

export type PointerFormat = "json" | "xml";

// The create page's "Ensuring that masterIdentifier is unique": under urn:ietf:rfc:3986, an OID or UUID URI.
const RFC3986 = "urn:ietf:rfc:3986";
/** An OID or UUID URI, in the STU3 forms of the oid and uuid types (a UUID's hex digits in either case). */
const oidOrUuid = (v: string) => primitiveProblem("oid", v) === undefined || (v.startsWith("urn:uuid:") && primitiveProblem("uuid", v.toLowerCase()) === undefined);
/** document-relationship-type (STU3), the values the resources reference lists. */
const RELATIONSHIPS = ["replaces", "transforms", "signs", "appends"];

// Values a payload rule of its own judges (indexed: NRLS-CLI-25; an attachment's url and creation: NRLS-CLI-26) are
// that rule's failure, not the reading's; so is an empty or malformed value under an element a payload rule judges
// (status "" fails NRLS-CLI-21). One mistake is blamed on one rule; an unknown element or a wrong JSON type is the
// reading's alone.
const OWN_RULE = /^DocumentReference\.(indexed|content\[\d+\]\.attachment\.(url|creation))$/;
const JUDGED = /^DocumentReference\.(id|masterIdentifier|status|type|subject|author|custodian|indexed|content)(\.|\[|$)/;
const readingsOwn = (p: Stu3Problem) => !OWN_RULE.test(p.path) && !((p.kind === "empty" || p.kind === "form") && JUDGED.test(p.path));

/**
 * A body read as a pointer: the resource, or why it is not one (NRLS-CLI-19) and where. Read as strictly as FHIR
 * writes it (src/fhir/stu3-strict.ts; XML also in the STU3 element order): Spine's parser refuses what this refuses.
 */
export function readPointer(text: string, format: PointerFormat): { resource: Json } | { problem: string; path?: string } {
  let parsed: unknown;
  try {
    parsed = format === "json" ? JSON.parse(text.replace(/^\uFEFF/, "")) : fhirXmlToJson(text);
  } catch (err) {
    const why = err instanceof FhirXmlError ? err.message : `not well-formed ${format === "json" ? "JSON" : "XML"} (${(err as Error).message})`;
    return { problem: why };
  }
  const resource = obj(parsed);
  if (!resource) return { problem: `not a JSON object but ${Array.isArray(parsed) ? "an array" : typeof parsed}` };
  if (resource.resourceType !== "DocumentReference") return { problem: `resourceType is ${shown(resource.resourceType)}, not "DocumentReference"` };
  const problems = stu3JsonProblems(resource).filter(readingsOwn);
  if (problems.length) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more: ${problems.slice(1, 4).map((p) => p.path).join(", ")}${problems.length > 4 ? ", …" : ""})` : "";
    return { problem: `${problems[0]!.problem}${more}`, path: problems[0]!.path };
  }
  return { resource };
}

/** JSON or XML, from the first character that is not white space (or a byte order mark). */
export function sniffFormat(text: string): PointerFormat | undefined {
  const first = /^[\uFEFF\s]*(.)/.exec(text)?.[1];
  return first === "{" || first === "[" ? "json" : first === "<" ? "xml" : undefined;
}

export interface PointerContext {
  /** The sender's ASID (the fromASID header, or validate's --from-asid): NRLS-CLI-28 is judged only with one. */
  fromAsid?: string;
  directory?: Directory;
}

/** Every payload rule the pointer exercises, NRLS-CLI-20 to 29 (19 is the reading itself: readPointer). */
export function pointerFindings(p: Json, ctx: PointerContext = {}): Finding[] {
  const out: Finding[] = [];
  const at = (path: string) => `DocumentReference.${path}`;

  // NRLS-CLI-20: type from NRLS-RecordType-1, exactly one coding.
  const type = ruleOf("NRLS-CLI-20", `type with exactly one coding ${RECORD_TYPE.system}|${RECORD_TYPE.code} with a display, and no version`);
  const codings = Array.isArray(obj(p.type)?.coding) ? (obj(p.type)!.coding as unknown[]) : undefined;
  if (!obj(p.type)) out.push(type.fail(p.type === undefined ? "no type" : shown(p.type), at("type")));
  else if (!codings || codings.length !== 1) out.push(type.fail(`${codings?.length ?? 0} codings`, at("type.coding")));
  else {
    const c = obj(codings[0]);
    if (!c) out.push(type.fail(shown(codings[0]), at("type.coding[0]")));
    else if (c.system !== RECORD_TYPE.system) out.push(type.fail(shown(c.system), at("type.coding[0].system")));
    else if (c.code !== RECORD_TYPE.code) out.push(type.fail(`${shown(c.code)} (not in NRLS-RecordType-1)`, at("type.coding[0].code")));
    else if (!filled(c.display)) out.push(type.fail(shown(c.display), at("type.coding[0].display")));
    else if (c.version !== undefined) out.push(type.fail(shown(c.version), at("type.coding[0].version")));
    else out.push(type.pass());
  }

  // NRLS-CLI-21: status current.
  out.push(ruleOf("NRLS-CLI-21", 'status "current"').check(p.status === "current", shown(p.status), at("status")));

  // NRLS-CLI-22: subject a Patient URL with a valid NHS number, a literal reference only.
  const subjectRule = ruleOf("NRLS-CLI-22", `subject.reference ${PATIENT_BASE}<NHS number>, a valid NHS number, and no subject.identifier or display`);
  const subject = obj(p.subject);
  const ref = subject?.reference;
  if (!subject) out.push(subjectRule.fail(p.subject === undefined ? "no subject" : shown(p.subject), at("subject")));
  else if (subject.identifier !== undefined || subject.display !== undefined) out.push(subjectRule.fail(shown(subject.identifier ?? subject.display), at(subject.identifier !== undefined ? "subject.identifier" : "subject.display")));
  else if (!filled(ref) || !ref.startsWith(PATIENT_BASE)) out.push(subjectRule.fail(shown(ref), at("subject.reference")));
  else {
    const nhs = ref.slice(PATIENT_BASE.length);
    out.push(subjectRule.check(isValidNhsNumber(nhs), `${shown(ref)} (${/^\d{10}$/.test(nhs) ? "the Modulus 11 check digit is wrong" : "not 10 digits"})`, at("subject.reference")));
  }

  // NRLS-CLI-23 and 24: author (exactly one) and custodian, Organization URLs.
  const orgFinding = (rule: string, what: string, value: unknown, path: string): Finding => {
    const r = ruleOf(rule, `${what} a reference ${ORG_BASE}<ODS code>, not an identifier, no display`);
    const o = obj(value);
    if (!o) return r.fail(value === undefined ? `no ${what}` : shown(value), at(path));
    if (o.identifier !== undefined) return r.fail(`an identifier ${shown(o.identifier)}`, at(`${path}.identifier`));
    if (o.display !== undefined) return r.fail(shown(o.display), at(`${path}.display`));
    const text = o.reference;
    return r.check(filled(text) && text.startsWith(ORG_BASE) && /^[A-Za-z0-9]+$/.test(text.slice(ORG_BASE.length)), shown(text), at(`${path}.reference`));
  };
  const authors = Array.isArray(p.author) ? p.author : undefined;
  if (!authors || authors.length !== 1) out.push(ruleOf("NRLS-CLI-23", "exactly one author").fail(authors ? `${authors.length} authors` : shown(p.author), at("author")));
  else out.push(orgFinding("NRLS-CLI-23", "author", authors[0], "author[0]"));
  out.push(orgFinding("NRLS-CLI-24", "custodian", p.custodian, "custodian"));

  // NRLS-CLI-25: indexed an instant.
  out.push(ruleOf("NRLS-CLI-25", "indexed, an instant (YYYY-MM-DDThh:mm:ss with a time zone)").check(typeof p.indexed === "string" && INSTANT.test(p.indexed), shown(p.indexed), at("indexed")));

  // NRLS-CLI-26: content with attachments that have a contentType and an absolute url.
  const contentRule = ruleOf("NRLS-CLI-26", "at least one content item, each attachment with a contentType and an absolute url (creation a dateTime)");
  const content = Array.isArray(p.content) ? p.content : undefined;
  if (!content || content.length === 0) out.push(contentRule.fail(shown(p.content), at("content")));
  else {
    let bad: Finding | undefined;
    content.forEach((item, i) => {
      if (bad) return;
      const a = obj(obj(item)?.attachment);
      const here = `content[${i}].attachment`;
      if (!a) bad = contentRule.fail(shown(obj(item)?.attachment), at(here));
      else if (!filled(a.contentType)) bad = contentRule.fail(shown(a.contentType), at(`${here}.contentType`));
      else if (!filled(a.url) || !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(a.url) || !URL.canParse(a.url)) bad = contentRule.fail(shown(a.url), at(`${here}.url`));
      else if (a.creation !== undefined && !(typeof a.creation === "string" && DATETIME.test(a.creation))) bad = contentRule.fail(shown(a.creation), at(`${here}.creation`));
    });
    out.push(bad ?? contentRule.pass());
  }

  // NRLS-CLI-27: masterIdentifier, when sent, with system (a URI) and value; under urn:ietf:rfc:3986 an OID or UUID URI.
  if (p.masterIdentifier !== undefined) {
    const mi = obj(p.masterIdentifier);
    const r = ruleOf("NRLS-CLI-27", "masterIdentifier with both system (a URI) and value (urn:oid:<OID> or urn:uuid:<UUID> under urn:ietf:rfc:3986)");
    if (!mi) out.push(r.fail(shown(p.masterIdentifier), at("masterIdentifier")));
    else if (!filled(mi.system) || !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(mi.system)) out.push(r.fail(shown(mi.system), at("masterIdentifier.system")));
    else if (!filled(mi.value)) out.push(r.fail(shown(mi.value), at("masterIdentifier.value")));
    else if (mi.system === RFC3986) out.push(r.check(oidOrUuid(mi.value), `${shown(mi.value)} under system ${RFC3986}`, at("masterIdentifier.value")));
    else out.push(r.pass());
  }

  // NRLS-CLI-39: each relatesTo with a code from document-relationship-type and a target.
  if (Array.isArray(p.relatesTo)) {
    const r = ruleOf("NRLS-CLI-39", `each relatesTo with a code (${RELATIONSHIPS.join(", ")}) and a target`);
    const bad = p.relatesTo.map((x, i) => [obj(x), i] as const).find(([x]) => !x || !RELATIONSHIPS.includes(String(x.code)) || !obj(x.target));
    out.push(!bad ? r.pass() : !bad[0] || !RELATIONSHIPS.includes(String(bad[0].code)) ? r.fail(shown(bad[0]?.code), at(`relatesTo[${bad[1]}].code`)) : r.fail("no target", at(`relatesTo[${bad[1]}].target`)));
  }

  // NRLS-CLI-38: the author an organisation Spine knows. Judged with a directory, for an author in the right form (a
  // wrong form is NRLS-CLI-23's failure).
  const author = Array.isArray(p.author) && p.author.length === 1 ? obj(p.author[0]) : undefined;
  const authorRef = author?.reference;
  if (ctx.directory && filled(authorRef) && authorRef.startsWith(ORG_BASE) && author?.identifier === undefined) {
    const ods = authorRef.slice(ORG_BASE.length);
    out.push(ruleOf("NRLS-CLI-38", "an author ODS code Spine knows").check(Object.hasOwn(ctx.directory.nrls.organisations, ods), `${ods}, an organisation Spine does not know (it answers ORGANISATION_NOT_FOUND): ${NOT_IN_DIRECTORY}`, at("author[0].reference")));
  }

  // NRLS-CLI-28: the custodian affiliated with the sender. Judged only with a sender and a directory to ask, and a
  // custodian in the right form (a wrong form is NRLS-CLI-24's failure, not this rule's).
  const custodianRef = obj(p.custodian)?.reference;
  if (ctx.fromAsid !== undefined && ctx.directory && filled(custodianRef) && custodianRef.startsWith(ORG_BASE)) {
    const ods = custodianRef.slice(ORG_BASE.length);
    const owner = Object.hasOwn(ctx.directory.nrls.asids, ctx.fromAsid) ? ctx.directory.nrls.asids[ctx.fromAsid]!.ods : undefined;
    const r = ruleOf("NRLS-CLI-28", `the custodian is the organisation of ASID ${ctx.fromAsid}${owner ? ` (${owner})` : ""}`);
    if (owner) out.push(r.check(owner === ods, `custodian ${ods}, which ASID ${ctx.fromAsid} is not affiliated with`, at("custodian.reference")));
  }

  // NRLS-CLI-29: no client-assigned id.
  out.push(ruleOf("NRLS-CLI-29", "no id (the server assigns it)").check(p.id === undefined, shown(p.id), at("id")));
  return out;
}
