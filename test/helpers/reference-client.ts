// A reference supplier system for the client-assessment tests: a provider system that creates, reads and deletes NRLS
// pointers, and a referrer system that opens, uses and closes an e-RS Professional Session — written here from the
// NHS pages for this purpose, with undici alone, not with the harness's request builder. Every part it sends can be
// bent by a fault, so the tests can prove the assessment blames exactly the rule a fault breaks.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Agent, request } from "undici";

const ROOT = join(import.meta.dirname, "..", "..");
const TLS = join(ROOT, "fixtures", "tls");

export type Interaction = "nrls-create" | "nrls-read" | "nrls-delete" | "ers-a001" | "ers-a002" | "ers-a003" | "ers-a004";

export interface Outgoing {
  method: string;
  /** Path and query under the base URL. */
  path: string;
  headers: [string, string][];
  body?: string;
}

/** How a fault bends the client; each hook gets what the client made and returns what it sends. */
export interface ClientFault {
  name: string;
  /** The client rule it breaks. */
  breaks: string;
  /**
   * Rules its consequences break too: a request the sandbox then refuses (an A004 on a session whose A002 was refused
   * has no role) fails the API's catch-all when no MUST rule of its own does (NRLS-CLI-30, ERS-CLI-12).
   */
  alsoBreaks?: string[];
  claims?: (claims: Record<string, unknown>, interaction: Interaction) => Record<string, unknown>;
  jwtHeader?: (header: Record<string, unknown>) => Record<string, unknown>;
  signature?: string;
  pointer?: (p: Record<string, unknown>) => Record<string, unknown>;
  request?: (r: Outgoing, interaction: Interaction) => Outgoing;
  /** Another flow: a session used after it ended, left open, or used before a role was selected. */
  flow?: "reuse-ended-session" | "leave-session-open" | "a004-before-a002";
  /** Bodies sent in chunks (Transfer-Encoding: chunked) rather than with a Content-Length. */
  chunked?: boolean;
  /** Over TLS, trusting the sandbox but presenting no client certificate. */
  noCertificate?: boolean;
}

/** A documented choice a conformant client may make: the same hooks as a fault, breaking nothing. */
export type ClientVariation = Omit<ClientFault, "breaks" | "alsoBreaks" | "flow"> & { breaks?: undefined; alsoBreaks?: undefined; flow?: undefined };
type Bend = ClientFault | ClientVariation;

const mapHeaders = (r: Outgoing, f: (name: string, value: string) => [string, string]): Outgoing => ({ ...r, headers: r.headers.map(([n, v]) => f(n, v)) });
const withMediaType = (r: Outgoing, type: string): Outgoing => mapHeaders(r, (n, v) => [n, /^(content-type|accept)$/i.test(n) && /json/.test(v) ? type : v]);

export const CLIENT_VARIATIONS: ClientVariation[] = [
  { name: "authorization-lower-case", request: (r, i) => (i.startsWith("nrls") ? mapHeaders(r, (n, v) => [n === "Authorization" ? "authorization" : n, v]) : r) },
  { name: "bearer-scheme-lower-case", request: (r, i) => (i.startsWith("nrls") ? mapHeaders(r, (n, v) => [n, n === "Authorization" ? v.replace(/^Bearer /, "bearer ") : v]) : r) },
  { name: "charset-parameters", request: (r) => mapHeaders(r, (n, v) => [n, /^(content-type|accept)$/i.test(n) ? `${v}; charset=utf-8` : v]) },
  { name: "no-accept-on-nrls", request: (r, i) => (i.startsWith("nrls") ? setHeader(r, "Accept", undefined) : r) },
  { name: "accept-list-with-q", request: (r, i) => (i.startsWith("nrls") ? mapHeaders(r, (n, v) => [n, n === "Accept" ? `${v}, application/fhir+xml;q=0.5` : v]) : r) },
  { name: "dstu2-media-types", request: (r, i) => (i.startsWith("nrls") ? withMediaType(r, "application/json+fhir") : r) },
  { name: "generic-json-media-type", request: (r, i) => (i.startsWith("nrls") ? withMediaType(r, "application/json") : r) },
  { name: "format-short-form", request: (r, i) => (i === "nrls-read" ? { ...r, path: r.path.replace(/_format=[^&]*/, "_format=json") } : r) },
  { name: "claims-in-another-order", claims: (c) => Object.fromEntries(Object.entries(c).reverse()) },
  { name: "jwt-header-members-reordered", jwtHeader: () => ({ typ: "JWT", alg: "none" }) },
  {
    name: "requesting-user-present",
    claims: (c) => ({ ...c, requesting_user: "https://fhir.nhs.uk/Id/sds-role-profile-id|fakeRoleId", sub: "https://fhir.nhs.uk/Id/sds-role-profile-id|fakeRoleId" }),
  },
  { name: "oid-master-identifier", pointer: (p) => ({ ...p, masterIdentifier: { system: "urn:ietf:rfc:3986", value: `urn:oid:1.3.6.1.4.1.21367.2005.3.7.${Date.now()}` } }) },
  { name: "providers-own-master-identifier-system", pointer: (p) => ({ ...p, masterIdentifier: { system: "https://supplier.example.com/Id/crisis-plan", value: `PLAN-${crypto.randomUUID()}` } }) },
  { name: "no-master-identifier", pointer: ({ masterIdentifier: _mi, ...p }) => p },
  {
    name: "optional-pointer-elements",
    pointer: (p) => ({
      ...p, meta: { profile: ["https://fhir.nhs.uk/STU3/StructureDefinition/NRLS-DocumentReference-1"] }, description: "Crisis plan, updated after review",
      context: { period: { start: "2026-11-01T09:00:00+00:00" }, practiceSetting: { coding: [{ system: "http://snomed.info/sct", code: "892811000000109", display: "General practice" }] } },
      content: [{ attachment: { ...(p.content as { attachment: object }[])[0]!.attachment, title: "Crisis plan", size: 1024, language: "en-GB" } }],
    }),
  },
  { name: "pretty-printed-json", request: (r, i) => (i === "nrls-create" && r.body?.startsWith("{") ? { ...r, body: JSON.stringify(JSON.parse(r.body), null, 2) } : r) },
  { name: "xml-declaration-and-comments", request: (r, i) => (i === "nrls-create" && r.body?.startsWith("<") ? { ...r, body: `<?xml version="1.0" encoding="UTF-8"?>\n<!-- a crisis plan -->\n${r.body.replace("<status", "\n  <!-- status -->\n  <status")}` } : r) },
  { name: "chunked-bodies", chunked: true },
  { name: "connection-close", request: (r) => setHeader(r, "Connection", "close") },
];

const FROM_ASID = "200000000118";
const SPINE_ASID = "999999999999";
const ODS = "RR8";
const ERS_ASID = "200000000220";
const TOKEN = JSON.parse(readFileSync(join(ROOT, "fixtures", "sandbox", "directory.json"), "utf8")).ers.users[0].token as string;
const SESSION_TYPE = "uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession";
const REUSED = crypto.randomUUID();

const setHeader = (r: Outgoing, name: string, value: string | undefined): Outgoing => ({
  ...r, headers: [...r.headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase()), ...(value === undefined ? [] : [[name, value] as [string, string]])],
});

export const CLIENT_FAULTS: ClientFault[] = [
  { name: "bare-token", breaks: "NRLS-CLI-01", request: (r) => setHeader(r, "Authorization", r.headers.find(([n]) => n === "Authorization")?.[1]?.replace(/^Bearer /, "")) },
  { name: "jwt-signed", breaks: "NRLS-CLI-02", signature: "c2lnbmVk" },
  { name: "jwt-no-iss", breaks: "NRLS-CLI-03", claims: ({ iss: _iss, ...c }) => c },
  { name: "jwt-reason-secondary", breaks: "NRLS-CLI-04", claims: (c) => ({ ...c, reason_for_request: "secondaryuses" }) },
  { name: "jwt-read-scope-on-create", breaks: "NRLS-CLI-05", claims: (c, i) => (i === "nrls-create" ? { ...c, scope: "patient/DocumentReference.read" } : c) },
  { name: "jwt-sub-other-system", breaks: "NRLS-CLI-06", claims: (c) => ({ ...c, sub: "https://fhir.nhs.uk/Id/accredited-system|200000000116" }) },
  { name: "jwt-system-slash-form", breaks: "NRLS-CLI-07", claims: (c) => ({ ...c, sub: `https://fhir.nhs.uk/Id/accredited-system/${FROM_ASID}`, requesting_system: `https://fhir.nhs.uk/Id/accredited-system/${FROM_ASID}` }) },
  { name: "jwt-organization-slash-form", breaks: "NRLS-CLI-08", claims: (c) => ({ ...c, requesting_organization: `https://fhir.nhs.uk/Id/ods-organization-code/${ODS}` }) },
  { name: "jwt-one-hour", breaks: "NRLS-CLI-09", claims: (c) => ({ ...c, exp: (c.iat as number) + 3600 }) },
  { name: "jwt-from-the-future", breaks: "NRLS-CLI-10", claims: (c) => ({ ...c, iat: (c.iat as number) + 3600, exp: (c.iat as number) + 3900 }) },
  { name: "jwt-aud-not-a-uri", breaks: "NRLS-CLI-11", claims: (c) => ({ ...c, aud: "nrls" }) },
  { name: "fromasid-lower-case", breaks: "NRLS-CLI-13", request: (r, i) => (i.startsWith("nrls") ? setHeader(setHeader(r, "fromASID", undefined), "fromasid", FROM_ASID) : r) },
  { name: "toasid-wrong", breaks: "NRLS-CLI-14", request: (r, i) => (i.startsWith("nrls") ? setHeader(r, "toASID", "111111111111") : r) },
  { name: "content-type-text", breaks: "NRLS-CLI-18", request: (r, i) => (i === "nrls-create" ? setHeader(r, "Content-Type", "text/plain") : r) },
  { name: "body-truncated", breaks: "NRLS-CLI-19", request: (r, i) => (i === "nrls-create" && r.body ? { ...r, body: r.body.slice(0, 40) } : r) },
  // A body FHIR does not allow, though every value in it is right: Spine's parser refuses it before any profile check.
  { name: "master-identifier-misspelt", breaks: "NRLS-CLI-19", pointer: ({ masterIdentifier, ...p }) => ({ masterIdentifer: masterIdentifier, ...p }) },
  { name: "attachment-size-a-string", breaks: "NRLS-CLI-19", pointer: (p) => ({ ...p, content: [{ attachment: { ...(p.content as { attachment: object }[])[0]!.attachment, size: "1024" } }] }) },
  { name: "xml-status-before-master-identifier", breaks: "NRLS-CLI-19", request: (r, i) => (i === "nrls-create" && r.body?.startsWith("<") ? { ...r, body: r.body.replace(/(<masterIdentifier>.*?<\/masterIdentifier>)(<status value="current"\/>)/, "$2$1") } : r) },
  { name: "type-care-plan", breaks: "NRLS-CLI-20", pointer: (p) => ({ ...p, type: { coding: [{ system: "http://snomed.info/sct", code: "718347000", display: "Mental health care plan" }] } }) },
  { name: "status-superseded", breaks: "NRLS-CLI-21", pointer: (p) => ({ ...p, status: "superseded" }) },
  { name: "nhs-number-check-digit", breaks: "NRLS-CLI-22", pointer: (p) => ({ ...p, subject: { reference: "https://demographics.spineservices.nhs.uk/STU3/Patient/9876543211" } }) },
  { name: "author-ods-unknown", breaks: "NRLS-CLI-38", pointer: (p) => ({ ...p, author: [{ reference: "https://directory.spineservices.nhs.uk/STU3/Organization/ZZZ99" }] }) },
  { name: "author-identifier", breaks: "NRLS-CLI-23", pointer: (p) => ({ ...p, author: [{ identifier: { system: "https://fhir.nhs.uk/Id/ods-organization-code", value: "RGD" } }] }) },
  { name: "custodian-other-base", breaks: "NRLS-CLI-24", pointer: (p) => ({ ...p, custodian: { reference: `https://directory.spineservices.nhs.uk/Organization/${ODS}` } }) },
  { name: "indexed-a-date", breaks: "NRLS-CLI-25", pointer: (p) => ({ ...p, indexed: "2018-07-16" }) },
  { name: "attachment-no-url", breaks: "NRLS-CLI-26", pointer: (p) => ({ ...p, content: [{ attachment: { contentType: "application/pdf" } }] }) },
  { name: "master-identifier-no-system", breaks: "NRLS-CLI-27", pointer: (p) => ({ ...p, masterIdentifier: { value: `urn:uuid:${crypto.randomUUID()}` } }) },
  { name: "custodian-not-owned", breaks: "NRLS-CLI-28", pointer: (p) => ({ ...p, custodian: { reference: "https://directory.spineservices.nhs.uk/STU3/Organization/MHT01" } }) },
  { name: "client-id", breaks: "NRLS-CLI-29", pointer: (p) => ({ id: "my-own-id", ...p }) },
  { name: "a004-undocumented-value-set", breaks: "ERS-CLI-13", request: (r, i) => (i === "ers-a004" ? { ...r, path: r.path.replace(/ValueSet\/[^/?]+/, "ValueSet/NOT_A_VALUE_SET") } : r) },
  { name: "no-xapi-asid-on-a004", breaks: "ERS-CLI-01", request: (r, i) => (i === "ers-a004" ? setHeader(r, "XAPI_ASID", undefined) : r) },
  { name: "a002-text-plain", breaks: "ERS-CLI-02", request: (r, i) => (i === "ers-a002" ? setHeader(r, "Content-Type", "text/plain") : r) },
  { name: "a001-extra-member", breaks: "ERS-CLI-04", request: (r, i) => (i === "ers-a001" && r.body ? { ...r, body: JSON.stringify({ ...JSON.parse(r.body), permission: null }) } : r) },
  // An A002 refused selects no role: the A004 after it breaks ERS-CLI-10 too, and is refused (ERS-CLI-12).
  { name: "a002-no-session-key", breaks: "ERS-CLI-06", alsoBreaks: ["ERS-CLI-10", "ERS-CLI-12"], request: (r, i) => (i === "ers-a002" ? setHeader(r, "HTTP_X_SESSION_KEY", undefined) : r) },
  { name: "a002-permission-not-held", breaks: "ERS-CLI-07", alsoBreaks: ["ERS-CLI-10", "ERS-CLI-12"], request: (r, i) => (i === "ers-a002" && r.body ? { ...r, body: JSON.stringify({ ...JSON.parse(r.body), permission: { businessFunction: "BOOKING_MANAGER", orgIdentifier: "R01" } }) } : r) },
  { name: "session-used-after-a003", breaks: "ERS-CLI-09", flow: "reuse-ended-session" },
  { name: "master-identifier-rfc3986-plain-value", breaks: "NRLS-CLI-27", pointer: (p) => ({ ...p, masterIdentifier: { system: "urn:ietf:rfc:3986", value: "PLAN-0001" } }) },
  { name: "format-param-unknown", breaks: "NRLS-CLI-32", request: (r, i) => (i === "nrls-read" ? { ...r, path: r.path.replace(/_format=[^&]*/, "_format=application%2Fpdf") } : r) },
  { name: "create-with-put", breaks: "NRLS-CLI-33", request: (r, i) => (i === "nrls-create" && r.body?.startsWith("{") ? { ...r, method: "PUT" } : r) },
  { name: "search-bare-nhs-number", breaks: "NRLS-CLI-34", request: (r, i) => (i === "nrls-read" ? { ...r, path: "/DocumentReference?subject=9876543210" } : r) },
  { name: "jwt-iss-not-a-uri", breaks: "NRLS-CLI-35", claims: (c) => ({ ...c, iss: "provider system" }) },
  { name: "jwt-organization-unknown", breaks: "NRLS-CLI-36", claims: (c) => ({ ...c, requesting_organization: "https://fhir.nhs.uk/Id/ods-organization-code|ZZZ99" }) },
  {
    // 200000000116 may read and search, not delete: a consumer system acting as a provider.
    name: "read-only-system-deletes", breaks: "NRLS-CLI-37",
    request: (r, i) => (i === "nrls-delete" ? setHeader(r, "fromASID", "200000000116") : r),
    claims: (c, i) => (i === "nrls-delete" ? { ...c, sub: "https://fhir.nhs.uk/Id/accredited-system|200000000116", requesting_system: "https://fhir.nhs.uk/Id/accredited-system|200000000116", requesting_organization: "https://fhir.nhs.uk/Id/ods-organization-code|AMS01" } : c),
  },
  { name: "relates-to-code-unknown", breaks: "NRLS-CLI-39", pointer: (p) => ({ ...p, relatesTo: [{ code: "supersedes", target: { identifier: { system: "urn:ietf:rfc:3986", value: `urn:uuid:${crypto.randomUUID()}` } } }] }) },
  // e-RS has no rule of its own for the certificate: its refusals fail its catch-all.
  { name: "no-client-certificate", breaks: "NRLS-CLI-41", alsoBreaks: ["ERS-CLI-12"], noCertificate: true },
  { name: "a003-sent-as-get", breaks: "ERS-CLI-13", alsoBreaks: ["ERS-CLI-11"], request: (r, i) => (i === "ers-a003" ? { ...r, method: "GET" } : r) },
  // SHOULD rules: a warning, not a failure.
  { name: "jwt-aud-other-endpoint", breaks: "NRLS-CLI-12", claims: (c) => ({ ...c, aud: "https://nrls.digital.nhs.uk/" }) },
  { name: "jwt-names-another-system", breaks: "NRLS-CLI-15", claims: (c) => ({ ...c, sub: "https://fhir.nhs.uk/Id/accredited-system|200000000116", requesting_system: "https://fhir.nhs.uk/Id/accredited-system|200000000116", requesting_organization: "https://fhir.nhs.uk/Id/ods-organization-code|AMS01" }) },
  { name: "jwt-organization-not-the-systems", breaks: "NRLS-CLI-16", alsoBreaks: ["NRLS-CLI-30"], claims: (c) => ({ ...c, requesting_organization: "https://fhir.nhs.uk/Id/ods-organization-code|RGD" }) },
  { name: "accept-anything", breaks: "NRLS-CLI-17", request: (r, i) => (i.startsWith("nrls") ? setHeader(r, "Accept", "*/*") : r) },
  { name: "a001-no-accept", breaks: "ERS-CLI-03", request: (r, i) => (i === "ers-a001" ? setHeader(r, "Accept", undefined) : r) },
  { name: "a001-no-type-info", breaks: "ERS-CLI-05", request: (r, i) => (i === "ers-a001" && r.body ? { ...r, body: JSON.stringify({ token: JSON.parse(r.body).token }) } : r) },
  { name: "a002-no-token", breaks: "ERS-CLI-08", request: (r, i) => (i === "ers-a002" && r.body ? { ...r, body: JSON.stringify({ ...JSON.parse(r.body), token: undefined }) } : r) },
  { name: "jwt-no-typ", breaks: "NRLS-CLI-31", jwtHeader: () => ({ alg: "none" }) },
  {
    // The XML pointer carries the JSON pointer's masterIdentifier: Spine refuses it (DUPLICATE_REJECTED).
    name: "master-identifier-reused", breaks: "NRLS-CLI-40", alsoBreaks: ["NRLS-CLI-30"],
    pointer: (p) => ({ ...p, masterIdentifier: { system: "urn:ietf:rfc:3986", value: `urn:uuid:${REUSED}` } }),
    request: (r, i) => (i === "nrls-create" && r.body?.startsWith("<") ? { ...r, body: r.body.replace(/urn:uuid:[0-9a-f-]{36}/, `urn:uuid:${REUSED}`) } : r),
  },
  { name: "a004-before-a002", breaks: "ERS-CLI-10", alsoBreaks: ["ERS-CLI-12"], flow: "a004-before-a002" },
  { name: "session-left-open", breaks: "ERS-CLI-11", flow: "leave-session-open" },
];

export interface ClientTarget {
  ers: string;
  nrls: string;
  /** Mutual TLS with the sandbox's test client certificate (false: plain HTTP). */
  tls: boolean;
}

/** A conformant provider and referrer system, bent by `fault` if one is given. Returns the statuses it got. */
export async function runReferenceClient(target: ClientTarget, fault?: Bend): Promise<number[]> {
  const dispatcher = new Agent(target.tls ? { connect: { ca: readFileSync(join(TLS, "ca.crt")), ...(fault?.noCertificate ? {} : { cert: readFileSync(join(TLS, "client.crt")), key: readFileSync(join(TLS, "client.key")) }) } } : {});
  const statuses: number[] = [];
  const send = async (base: string, interaction: Interaction, made: Outgoing) => {
    const r = fault?.request ? fault.request(made, interaction) : made;
    const body = fault?.chunked && r.body !== undefined ? Readable.from([Buffer.from(r.body)]) : r.body;
    const res = await request(`${base}${r.path}`, { method: r.method as "GET", headers: r.headers.flat(), body, dispatcher, headersTimeout: 10_000, bodyTimeout: 10_000 });
    const text = await res.body.text();
    statuses.push(res.statusCode);
    return { status: res.statusCode, headers: res.headers, text };
  };
  try {
    await nrlsFlow(target.nrls, send, fault);
    await ersFlow(target.ers, send, fault);
  } finally {
    await dispatcher.close();
  }
  return statuses;
}

type Send = (base: string, interaction: Interaction, r: Outgoing) => Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>;

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

/** The Spine JWT (Spine Core "JWT without an Authorisation Server"): alg none, empty signature, so it ends with ".". */
function spineToken(base: string, interaction: Interaction, fault?: Bend): string {
  const iat = Math.floor(Date.now() / 1000);
  const system = `https://fhir.nhs.uk/Id/accredited-system|${FROM_ASID}`;
  let claims: Record<string, unknown> = {
    iss: "https://supplier.example.com/provider-system",
    sub: system,
    aud: base,
    exp: iat + 300,
    iat,
    reason_for_request: "directcare",
    scope: `patient/DocumentReference.${interaction === "nrls-read" ? "read" : "write"}`,
    requesting_system: system,
    requesting_organization: `https://fhir.nhs.uk/Id/ods-organization-code|${ODS}`,
  };
  if (fault?.claims) claims = fault.claims(claims, interaction);
  const header = fault?.jwtHeader ? fault.jwtHeader({ alg: "none", typ: "JWT" }) : { alg: "none", typ: "JWT" };
  return `${b64url(header)}.${b64url(claims)}.${fault?.signature ?? ""}`;
}

function nrlsHeaders(base: string, interaction: Interaction, fault?: Bend): [string, string][] {
  return [["Authorization", `Bearer ${spineToken(base, interaction, fault)}`], ["fromASID", FROM_ASID], ["toASID", SPINE_ASID], ["Accept", "application/fhir+json"]];
}

async function nrlsFlow(base: string, send: Send, fault?: Bend): Promise<void> {
  const first = `urn:uuid:${crypto.randomUUID()}`;
  let pointer: Record<string, unknown> = {
    resourceType: "DocumentReference",
    masterIdentifier: { system: "urn:ietf:rfc:3986", value: first },
    status: "current",
    type: { coding: [{ system: "http://snomed.info/sct", code: "736253002", display: "Mental health crisis plan (record artifact)" }] },
    subject: { reference: "https://demographics.spineservices.nhs.uk/STU3/Patient/9876543210" },
    indexed: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    author: [{ reference: "https://directory.spineservices.nhs.uk/STU3/Organization/RGD" }],
    custodian: { reference: `https://directory.spineservices.nhs.uk/STU3/Organization/${ODS}` },
    content: [{ attachment: { contentType: "application/pdf", url: "https://supplier.example.com/plans/0001.pdf", creation: "2026-11-01T09:00:00Z" } }],
  };
  if (fault?.pointer) pointer = fault.pointer(pointer);
  const created = await send(base, "nrls-create", { method: "POST", path: "/DocumentReference", headers: [...nrlsHeaders(base, "nrls-create", fault), ["Content-Type", "application/fhir+json"]], body: JSON.stringify(pointer) });
  // A second pointer in FHIR XML (elements in the STU3 order), as a system that speaks XML sends it, replacing the first.
  const xml = `<DocumentReference xmlns="http://hl7.org/fhir"><masterIdentifier><system value="urn:ietf:rfc:3986"/><value value="urn:uuid:${crypto.randomUUID()}"/></masterIdentifier><status value="current"/><type><coding><system value="http://snomed.info/sct"/><code value="736253002"/><display value="Mental health crisis plan (record artifact)"/></coding></type><subject><reference value="https://demographics.spineservices.nhs.uk/STU3/Patient/9876543210"/></subject><indexed value="${new Date().toISOString()}"/><author><reference value="https://directory.spineservices.nhs.uk/STU3/Organization/RGD"/></author><custodian><reference value="https://directory.spineservices.nhs.uk/STU3/Organization/${ODS}"/></custodian><relatesTo><code value="replaces"/><target><identifier><system value="urn:ietf:rfc:3986"/><value value="${first}"/></identifier></target></relatesTo><content><attachment><contentType value="application/pdf"/><url value="https://supplier.example.com/plans/0002.pdf"/></attachment></content></DocumentReference>`;
  const createdXml = await send(base, "nrls-create", { method: "POST", path: "/DocumentReference", headers: [...nrlsHeaders(base, "nrls-create", fault).filter(([n]) => n !== "Accept"), ["Accept", "application/fhir+xml"], ["Content-Type", "application/fhir+xml"]], body: xml });
  const subject = encodeURIComponent("https://demographics.spineservices.nhs.uk/STU3/Patient/9876543210");
  await send(base, "nrls-read", { method: "GET", path: `/DocumentReference?subject=${subject}&_format=${encodeURIComponent("application/fhir+json")}`, headers: nrlsHeaders(base, "nrls-read", fault) });
  for (const answer of [created, createdXml]) {
    const location = answer.headers.location;
    const id = typeof location === "string" ? new URL(location).searchParams.get("_id") : null;
    if (id) await send(base, "nrls-delete", { method: "DELETE", path: `/DocumentReference?_id=${encodeURIComponent(id)}`, headers: nrlsHeaders(base, "nrls-delete", fault) });
  }
}

async function ersFlow(base: string, send: Send, fault?: Bend): Promise<void> {
  const json: [string, string][] = [["XAPI_ASID", ERS_ASID], ["Content-Type", "application/json"], ["Accept", "application/json"]];
  const created = await send(base, "ers-a001", { method: "POST", path: "/v1/ProfessionalSession", headers: json, body: JSON.stringify({ typeInfo: SESSION_TYPE, token: TOKEN }) });
  if (created.status !== 201) return;
  const session = JSON.parse(created.text) as { id: string; token: string; user: { permissions: { businessFunction: string; orgIdentifier: string }[] } };
  const key: [string, string] = ["HTTP_X_SESSION_KEY", session.id];
  const chosen = session.user.permissions[0]!;
  const path = `/v1/ProfessionalSession/${encodeURIComponent(session.id)}`;
  const a004 = () => send(base, "ers-a004", { method: "GET", path: "/v1/ValueSet/SPECIALTY", headers: [["XAPI_ASID", ERS_ASID], ["Accept", "application/json"], key] });
  if (fault?.flow === "a004-before-a002") await a004();
  await send(base, "ers-a002", { method: "PUT", path, headers: [...json, key], body: JSON.stringify({ typeInfo: SESSION_TYPE, token: session.token, permission: { businessFunction: chosen.businessFunction, orgIdentifier: chosen.orgIdentifier } }) });
  if (fault?.flow !== "a004-before-a002") await a004();
  if (fault?.flow === "leave-session-open") return;
  await send(base, "ers-a003", { method: "DELETE", path, headers: [["XAPI_ASID", ERS_ASID], key] });
  if (fault?.flow === "reuse-ended-session") await a004();
}
