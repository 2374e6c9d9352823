// The NRLS request rules of the client catalogue (NRLS-CLI-01 to 18, 31 to 37): the Authorization header and its Spine
// JWT, the ASID headers and their rights, the media types, and the query's parameters, judged on one request as the
// sandbox received it. A rule whose subject is missing
// altogether is left to the rule about that subject (no token: only NRLS-CLI-01 fails; no claim: only NRLS-CLI-03), so
// a request with one mistake is blamed for that one mistake.
import { bareMediaType, FHIR_MEDIA_TYPES, formatParamFormat } from "../../../src/fhir/media-types.ts";
import { isValidNhsNumber } from "../../../src/fhir/nhs-number.ts";
import { PATIENT_BASE } from "../../../src/spine/nrls.ts";
import type { Directory } from "../../../sandbox/directory.ts";
import { MANDATORY_CLAIMS } from "../../../src/spine/jwt.ts";
import { NOT_IN_DIRECTORY, ruleOf, shown, type Finding } from "../../../src/model/finding.ts";
import { headerIn, type ReceivedRequest } from "../../../src/model/received-request.ts";

const SYSTEM_PREFIX = "https://fhir.nhs.uk/Id/accredited-system|";
const ORG_PREFIX = "https://fhir.nhs.uk/Id/ods-organization-code|";
/** Clock difference allowed between the supplier's system and the sandbox. */
export const CLOCK_SKEW_S = 60;
const LIFETIME_S = 300;

/** A header by its exact (documented) name, and the same header under another spelling if that is what was sent. */
function header(req: ReceivedRequest, name: string): { value?: string; otherSpelling?: string } {
  let otherSpelling: string | undefined;
  for (const [n, v] of req.headers) {
    if (n === name) return { value: v };
    if (n.toLowerCase() === name.toLowerCase()) otherSpelling = n;
  }
  return otherSpelling ? { otherSpelling } : {};
}

const missing = (name: string, h: { otherSpelling?: string }) =>
  h.otherSpelling ? `the header sent as "${h.otherSpelling}": NRLS header names are case-sensitive` : "no such header";

interface Token {
  sections: string[];
  header?: unknown;
  claims?: Record<string, unknown>;
}

function readToken(text: string): Token {
  const sections = text.split(".");
  const json = (s: string | undefined): unknown => {
    if (s === undefined || !/^[A-Za-z0-9_-]*$/.test(s)) return undefined;
    try {
      return JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as unknown;
    } catch {
      return undefined;
    }
  };
  const claims = json(sections[1]);
  return { sections, header: json(sections[0]), ...(claims && typeof claims === "object" && !Array.isArray(claims) ? { claims: claims as Record<string, unknown> } : {}) };
}

export interface NrlsRequestContext {
  directory: Directory;
  /** The NRLS base URL the client was given, as it reached the sandbox. */
  baseUrl: string;
}

export function nrlsRequestFindings(req: ReceivedRequest, interaction: "nrls-create" | "nrls-read" | "nrls-delete", ctx: NrlsRequestContext): Finding[] {
  const out: Finding[] = [];
  // The standard HTTP header: its name in any letter case (the catalogue's note). fromASID and toASID stay exact.
  const auth = headerIn(req, "Authorization");
  const bearer = auth !== undefined ? /^Bearer\s+(\S*)\s*$/i.exec(auth) : null;
  out.push(ruleOf("NRLS-CLI-01", "an Authorization header: Bearer <JWT>").check(!!bearer, auth === undefined ? "no such header" : "a value without the Bearer scheme", "header Authorization"));

  // The token: after "Bearer ", or the bare value (the reference implementation takes one; NRLS-CLI-01 has said so).
  const tokenText = bearer ? bearer[1]! : auth?.trim();
  const token = tokenText ? readToken(tokenText) : undefined;
  if (token) {
    const r = ruleOf("NRLS-CLI-02", 'three base64url sections, header {"alg":"none","typ":"JWT"}, claims a JSON object, an empty signature');
    const h = token.header as Record<string, unknown> | undefined;
    if (token.sections.length !== 3) out.push(r.fail(`${token.sections.length} section(s)${token.sections.length === 2 ? ": the trailing \".\" is missing" : ""}`, "JWT"));
    else if (!h || typeof h !== "object") out.push(r.fail("a header that is not base64url-encoded JSON", "JWT header"));
    else if (h.alg !== "none" || (h.typ !== undefined && h.typ !== "JWT")) out.push(r.fail(shown(h), "JWT header"));
    else if (!token.claims) out.push(r.fail("claims that are not a base64url-encoded JSON object", "JWT claims"));
    else out.push(r.check(token.sections[2] === "", `a signature of ${token.sections[2]!.length} characters`, "JWT signature"));
    // typ absent is the example's difference, not the SHALL's (a wrong typ is NRLS-CLI-02's).
    if (h && typeof h === "object" && h.alg === "none" && h.typ === undefined) out.push(ruleOf("NRLS-CLI-31", 'a JWT header {"alg":"none","typ":"JWT"}').fail(shown(h), "JWT header typ"));
    else if (h && typeof h === "object" && h.typ === "JWT") out.push(ruleOf("NRLS-CLI-31", 'a JWT header {"alg":"none","typ":"JWT"}').pass());
  }
  const c = token?.claims;
  if (c) judgeClaims(c, req, interaction, ctx, out);

  // The ASID headers.
  const from = header(req, "fromASID");
  const fromRule = ruleOf("NRLS-CLI-13", "a fromASID header with the system's ASID, known to Spine");
  out.push(from.value === undefined ? fromRule.fail(missing("fromASID", from), "header fromASID") : fromRule.check(Object.hasOwn(ctx.directory.nrls.asids, from.value), `${shown(from.value)}, an ASID Spine does not know: ${NOT_IN_DIRECTORY}`, "header fromASID"));
  // Its rights, for a known ASID (an unknown one is NRLS-CLI-13's failure).
  const rights = from.value !== undefined && Object.hasOwn(ctx.directory.nrls.asids, from.value) ? ctx.directory.nrls.asids[from.value]!.interactions : undefined;
  if (rights) {
    const query = new URL(req.url, "http://x").searchParams;
    const needs = interaction === "nrls-create" ? "create" : interaction === "nrls-delete" ? "delete" : query.has("_id") ? "read" : "search";
    out.push(ruleOf("NRLS-CLI-37", `fromASID ${from.value} authorised to ${needs} (its rights: ${rights.join(", ")})`).check(rights.includes(needs), `ASID ${from.value} has no ${needs} rights: Spine answers 403 ASID_CHECK_FAILED`, "header fromASID"));
  }
  const to = header(req, "toASID");
  const toRule = ruleOf("NRLS-CLI-14", `a toASID header with the Spine ASID (${ctx.directory.spineAsid})`);
  out.push(to.value === undefined ? toRule.fail(missing("toASID", to), "header toASID") : toRule.check(to.value === ctx.directory.spineAsid, shown(to.value), "header toASID"));
  if (c && from.value !== undefined && typeof c.requesting_system === "string" && c.requesting_system.startsWith(SYSTEM_PREFIX)) {
    const asid = c.requesting_system.slice(SYSTEM_PREFIX.length);
    out.push(ruleOf("NRLS-CLI-15", `requesting_system names the fromASID ASID (${from.value})`).check(asid === from.value, `requesting_system names ${asid}`, "JWT claim requesting_system"));
  }

  // Media types.
  const known = (v: string) => Object.hasOwn(FHIR_MEDIA_TYPES, bareMediaType(v));
  if (interaction === "nrls-create") {
    const ct = headerIn(req, "Content-Type");
    out.push(ruleOf("NRLS-CLI-18", "Content-Type a FHIR, DSTU2 or generic JSON or XML type").check(ct !== undefined && known(ct), ct === undefined ? "no Content-Type" : shown(ct), "header Content-Type"));
  }
  const accept = headerIn(req, "Accept");
  if (accept !== undefined) {
    out.push(ruleOf("NRLS-CLI-17", "Accept, when sent, names a supported FHIR, DSTU2 or generic JSON or XML type").check(accept.split(",").some(known), `Accept: ${accept}${accept.includes("*/*") ? " (*/* names no FHIR type: the reference implementation answers 415)" : ""}`, "header Accept"));
  }
  const query = new URL(req.url, "http://x").searchParams;
  const format = query.get("_format");
  if (format !== null) out.push(ruleOf("NRLS-CLI-32", "_format a media type NRLS recognises (or json, xml)").check(formatParamFormat(format) !== undefined, `_format=${format}`, "query _format"));
  if (interaction !== "nrls-create") out.push(parameterFinding(query, interaction));
  return out;
}

const SNOMED = "http://snomed.info/sct|";
const ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code|";

/** NRLS-CLI-34: a read, search or delete's parameters in their documented forms; the first one that is not, named. */
function parameterFinding(query: URLSearchParams, interaction: "nrls-read" | "nrls-delete"): Finding {
  const r = ruleOf("NRLS-CLI-34", interaction === "nrls-delete" ? "a delete naming the pointer: _id=<id>" : "a read (_id) or a search (subject=<Patient URL>), each parameter in its documented form");
  const names = [...query.keys()];
  const value = (name: string) => query.get(name) ?? "";
  const id = query.get("_id");
  if (interaction === "nrls-delete") return r.check(id !== null && id.trim() !== "", id === null ? "no _id" : "an empty _id", "query _id");
  if (query.has("_summary")) {
    if (value("_summary") !== "count") return r.fail(`_summary=${value("_summary")} (only count)`, "query _summary");
    const others = names.filter((n) => n !== "_summary" && n !== "_format");
    return r.check(others.length === 0, `_summary with ${others.join(", ")} (only _format may come with it)`, "query _summary");
  }
  if (id !== null) return r.check(id.trim() !== "", "an empty _id", "query _id");
  const subject = query.get("subject");
  if (subject === null) return r.fail("neither _id nor subject (subject is mandatory for a search)", "query subject");
  if (!subject.startsWith(PATIENT_BASE) || !isValidNhsNumber(subject.slice(PATIENT_BASE.length))) return r.fail(`subject=${subject}`, "query subject");
  const custodian = query.get("custodian");
  if (custodian !== null && !(custodian.startsWith(ODS_SYSTEM) && /^[A-Za-z0-9]+$/.test(custodian.slice(ODS_SYSTEM.length)))) return r.fail(`custodian=${custodian}`, "query custodian");
  for (const name of ["type", "type.coding"]) {
    const t = query.get(name);
    if (t !== null && !(t.startsWith(SNOMED) && /^\d+$/.test(t.slice(SNOMED.length)))) return r.fail(`${name}=${t}`, `query ${name}`);
  }
  const mi = query.get("masterIdentifier");
  if (mi !== null && !/^[^|]+\|[^|]+$/.test(mi)) return r.fail(`masterIdentifier=${mi} (system|value, both)`, "query masterIdentifier");
  return r.pass();
}

function judgeClaims(c: Record<string, unknown>, req: ReceivedRequest, interaction: string, ctx: NrlsRequestContext, out: Finding[]): void {
  const present = (k: string) => c[k] !== undefined && c[k] !== null && c[k] !== "";
  const absent = MANDATORY_CLAIMS.filter((k) => !present(k));
  const misspelt = !present("requesting_organization") && present("requesting_organisation") ? " (requesting_organisation is the v1 page's misspelling: the claim is requesting_organization)" : "";
  out.push(ruleOf("NRLS-CLI-03", `every mandatory claim: ${MANDATORY_CLAIMS.join(", ")}`).check(absent.length === 0, `missing ${absent.join(", ")}${misspelt}`, `JWT claim ${absent[0] ?? ""}`.trim()));

  if (present("reason_for_request")) out.push(ruleOf("NRLS-CLI-04", 'reason_for_request "directcare"').check(c.reason_for_request === "directcare", shown(c.reason_for_request), "JWT claim reason_for_request"));
  const scope = `patient/DocumentReference.${interaction === "nrls-read" ? "read" : "write"}`;
  if (present("scope")) out.push(ruleOf("NRLS-CLI-05", `scope "${scope}" for ${req.method}`).check(c.scope === scope, shown(c.scope), "JWT claim scope"));
  if (present("sub") && (present("requesting_user") || present("requesting_system"))) {
    const against = present("requesting_user") ? "requesting_user" : "requesting_system";
    out.push(ruleOf("NRLS-CLI-06", `sub equal to ${against}`).check(c.sub === c[against], `sub ${shown(c.sub)}, ${against} ${shown(c[against])}`, "JWT claim sub"));
  }
  const system = c.requesting_system;
  const systemForm = typeof system === "string" && system.startsWith(SYSTEM_PREFIX) && /^\d+$/.test(system.slice(SYSTEM_PREFIX.length));
  if (present("requesting_system")) out.push(ruleOf("NRLS-CLI-07", `requesting_system "${SYSTEM_PREFIX}<ASID>"`).check(systemForm, shown(system), "JWT claim requesting_system"));
  const org = c.requesting_organization;
  const orgForm = typeof org === "string" && org.startsWith(ORG_PREFIX) && /^[A-Za-z0-9]+$/.test(org.slice(ORG_PREFIX.length));
  if (present("requesting_organization")) out.push(ruleOf("NRLS-CLI-08", `requesting_organization "${ORG_PREFIX}<ODS code>"`).check(orgForm, shown(org), "JWT claim requesting_organization"));

  const whole = (v: unknown) => typeof v === "number" && Number.isInteger(v);
  if (present("exp") && present("iat")) {
    const r = ruleOf("NRLS-CLI-09", `exp and iat whole numbers of seconds, exp = iat + ${LIFETIME_S}`);
    out.push(!whole(c.exp) || !whole(c.iat) ? r.fail(`exp ${shown(c.exp)}, iat ${shown(c.iat)}${(c.exp as number) > 1e11 || (c.iat as number) > 1e11 ? " (milliseconds?)" : ""}`, "JWT claims exp, iat") : r.check((c.exp as number) - (c.iat as number) === LIFETIME_S, `exp − iat = ${(c.exp as number) - (c.iat as number)} s`, "JWT claims exp, iat"));
    if (whole(c.exp) && whole(c.iat)) {
      const now = Math.floor(req.receivedAt / 1000);
      const r10 = ruleOf("NRLS-CLI-10", `iat not after the request arrived (${CLOCK_SKEW_S} s allowed) and exp not before it`);
      const iat = c.iat as number;
      const exp = c.exp as number;
      out.push(iat > now + CLOCK_SKEW_S ? r10.fail(`iat ${iat - now} s in the future`, "JWT claim iat") : r10.check(exp + CLOCK_SKEW_S >= now, `the token expired ${now - exp} s before the request arrived`, "JWT claim exp"));
    }
  }
  if (present("iss")) out.push(ruleOf("NRLS-CLI-35", "iss the issuer's URI, absolute").check(typeof c.iss === "string" && /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(c.iss) && URL.canParse(c.iss), shown(c.iss), "JWT claim iss"));
  if (present("aud")) {
    const absolute = typeof c.aud === "string" && /^[A-Za-z][A-Za-z0-9+.-]*:\/\/./.test(c.aud) && URL.canParse(c.aud);
    out.push(ruleOf("NRLS-CLI-11", "aud an absolute URI").check(absolute, shown(c.aud), "JWT claim aud"));
    if (absolute) {
      const norm = (u: string) => {
        const x = new URL(u);
        return `${x.protocol}//${x.host.toLowerCase()}${x.pathname.replace(/\/+$/, "")}`;
      };
      const requested = norm(new URL(req.url, ctx.baseUrl).href);
      const ok = [norm(ctx.baseUrl), requested].includes(norm(c.aud as string));
      out.push(ruleOf("NRLS-CLI-12", `aud the endpoint requested (${ctx.baseUrl})`).check(ok, shown(c.aud), "JWT claim aud"));
    }
  }
  if (systemForm || orgForm) {
    const asid = systemForm ? (system as string).slice(SYSTEM_PREFIX.length) : undefined;
    const ods = orgForm ? (org as string).slice(ORG_PREFIX.length) : undefined;
    const unknownAsid = asid !== undefined && !Object.hasOwn(ctx.directory.nrls.asids, asid);
    const unknownOds = ods !== undefined && !Object.hasOwn(ctx.directory.nrls.organisations, ods);
    out.push(ruleOf("NRLS-CLI-36", "requesting_system's ASID and requesting_organization's ODS code known to Spine").check(!unknownAsid && !unknownOds, unknownAsid ? `ASID ${asid}, unknown to Spine: ${NOT_IN_DIRECTORY}` : `ODS code ${ods}, unknown to Spine: ${NOT_IN_DIRECTORY}`, unknownAsid ? "JWT claim requesting_system" : "JWT claim requesting_organization"));
  }
  if (systemForm && orgForm) {
    const asid = (system as string).slice(SYSTEM_PREFIX.length);
    const ods = (org as string).slice(ORG_PREFIX.length);
    const owner = Object.hasOwn(ctx.directory.nrls.asids, asid) ? ctx.directory.nrls.asids[asid]!.ods : undefined;
    // An unknown ODS code is NRLS-CLI-36's failure, not this rule's.
    if (owner && Object.hasOwn(ctx.directory.nrls.organisations, ods)) out.push(ruleOf("NRLS-CLI-16", `requesting_organization the organisation of ASID ${asid} (${owner})`).check(owner === ods, shown(ods), "JWT claim requesting_organization"));
  }
}
