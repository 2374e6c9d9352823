// The NRLS request rules of the client catalogue (NRLS-CLI-01 to 18): the Authorization header and its Spine JWT, the
// ASID headers and the media types, judged on one request as the sandbox received it. A rule whose subject is missing
// altogether is left to the rule about that subject (no token: only NRLS-CLI-01 fails; no claim: only NRLS-CLI-03), so
// a request with one mistake is blamed for that one mistake.
import { bareMediaType, FHIR_MEDIA_TYPES } from "../../../src/fhir/media-types.ts";
import type { Directory } from "../../../sandbox/directory.ts";
import { MANDATORY_CLAIMS } from "../../../src/spine/jwt.ts";
import { ruleOf, shown, type Finding } from "../../../src/model/finding.ts";
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
  const auth = { value: req.headers.find(([n]) => n.toLowerCase() === "authorization")?.[1] } as { value?: string; otherSpelling?: string };
  const bearer = auth.value !== undefined ? /^Bearer\s+(\S*)\s*$/i.exec(auth.value) : null;
  out.push(ruleOf("NRLS-CLI-01", "an Authorization header: Bearer <JWT>").check(!!bearer, auth.value === undefined ? missing("Authorization", auth) : "a value without the Bearer scheme", "header Authorization"));

  // The token: after "Bearer ", or the bare value (the reference implementation takes one; NRLS-CLI-01 has said so).
  const tokenText = bearer ? bearer[1]! : auth.value?.trim();
  const token = tokenText ? readToken(tokenText) : undefined;
  if (token) {
    const r = ruleOf("NRLS-CLI-02", 'three base64url sections, header {"alg":"none","typ":"JWT"}, claims a JSON object, an empty signature');
    const h = token.header as Record<string, unknown> | undefined;
    if (token.sections.length !== 3) out.push(r.fail(`${token.sections.length} section(s)${token.sections.length === 2 ? ": the trailing \".\" is missing" : ""}`, "JWT"));
    else if (!h || typeof h !== "object") out.push(r.fail("a header that is not base64url-encoded JSON", "JWT header"));
    else if (h.alg !== "none" || (h.typ !== undefined && h.typ !== "JWT")) out.push(r.fail(shown(h), "JWT header"));
    else if (!token.claims) out.push(r.fail("claims that are not a base64url-encoded JSON object", "JWT claims"));
    else out.push(r.check(token.sections[2] === "", `a signature of ${token.sections[2]!.length} characters`, "JWT signature"));
  }
  const c = token?.claims;
  if (c) judgeClaims(c, req, interaction, ctx, out);

  // The ASID headers.
  const from = header(req, "fromASID");
  const fromRule = ruleOf("NRLS-CLI-13", "a fromASID header with the system's ASID, known to Spine");
  out.push(from.value === undefined ? fromRule.fail(missing("fromASID", from), "header fromASID") : fromRule.check(Object.hasOwn(ctx.directory.nrls.asids, from.value), `${shown(from.value)}, an ASID Spine does not know`, "header fromASID"));
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
  const format = new URL(req.url, "http://x").searchParams.get("_format");
  if (accept !== undefined || format !== null) {
    const r = ruleOf("NRLS-CLI-17", "Accept and _format, when sent, name a supported FHIR, DSTU2 or generic JSON or XML type");
    const formatOk = format === null || known(format.replace(/ /g, "+")) || format === "json" || format === "xml";
    const acceptOk = accept === undefined || accept.split(",").some(known);
    out.push(!formatOk ? r.fail(`_format=${format}`, "query _format") : r.check(acceptOk, `Accept: ${accept}${accept?.includes("*/*") ? " (*/* names no FHIR type: the reference implementation answers 415)" : ""}`, "header Accept"));
  }
  return out;
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
  if (systemForm && orgForm) {
    const asid = (system as string).slice(SYSTEM_PREFIX.length);
    const ods = (org as string).slice(ORG_PREFIX.length);
    const owner = Object.hasOwn(ctx.directory.nrls.asids, asid) ? ctx.directory.nrls.asids[asid]!.ods : undefined;
    if (owner) out.push(ruleOf("NRLS-CLI-16", `requesting_organization the organisation of ASID ${asid} (${owner})`).check(owner === ods, shown(ods), "JWT claim requesting_organization"));
  }
}
