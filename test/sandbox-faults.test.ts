// Each sandbox fault, and each documented variant, changes the behaviour it names: the same probe against a clean
// sandbox and against one with it on gives the documented value and then the other one. And every MUST rule of
// RULES.md has a fault.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FAULTS } from "../sandbox/faults.ts";
import { VARIANTS } from "../sandbox/variants.ts";
import { SANDBOX_CLIENT_TLS, startSandbox, type RunningSandbox } from "../sandbox/server.ts";
import { fhirXmlToJson } from "../src/fhir/xml-codec.ts";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { loadSuites } from "../src/suite/load-suites.ts";
import { apiOf, TARGETS } from "../src/targets.ts";
import * as https from "node:https";
import { randomUUID } from "node:crypto";
import { call, nrlsCreate, nrlsHeaders, POINTER, readBack, readHeaders, type CreateOptions, type Reply } from "./helpers/sandbox-client.ts";

const TOKEN = "AQIC5wM2LY4Sfcyw62EbAOsRpdfbGYUOyvkfZ4M6U7W52lM=@AAJTSQACMDE=#";
const SESSION_TYPE = "uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession";
const ORG = "https://directory.spineservices.nhs.uk/STU3/Organization/";
const PATIENT = "https://demographics.spineservices.nhs.uk/STU3/Patient/";

// ---- e-RS probes ----
const ersCreate = (sb: RunningSandbox, body: unknown = { token: TOKEN }) =>
  call(`${sb.baseUrls.ers!}/v1/ProfessionalSession`, { method: "POST", headers: { XAPI_ASID: "200000000220", "Content-Type": "application/json" }, body: JSON.stringify(body) });
const session = async (sb: RunningSandbox) => (await ersCreate(sb)).json();
const keyed = (s: Record<string, unknown>) => ({ XAPI_ASID: "200000000220", HTTP_X_SESSION_KEY: String(s.id), "Content-Type": "application/json" });
const selectRole = (sb: RunningSandbox, s: Record<string, unknown>) =>
  call(`${sb.baseUrls.ers!}/v1/ProfessionalSession/${String(s.id)}`, { method: "PUT", headers: keyed(s), body: JSON.stringify({ ...s, permission: { businessFunction: "SERVICE_PROVIDER_CLINICIAN", orgIdentifier: "R01" } }) });
const user = async (sb: RunningSandbox) => ((await session(sb)).user ?? {}) as Record<string, unknown>;

const issue = (r: Reply) => ((r.json().issue as Record<string, unknown>[] | undefined) ?? [])[0] ?? {};
const coding = (r: Reply) => ((issue(r).details as { coding?: { code?: string }[] } | undefined)?.coding ?? [])[0]?.code;
// A 415 for an unknown _format is answered in XML, the default format.
const xmlIssue = (r: Reply) => ((fhirXmlToJson(r.text) as { issue?: Record<string, unknown>[] }).issue ?? [])[0] ?? {};
const contentType = (r: Reply) => String(r.headers["content-type"]).split(";")[0];

type Probe = (sb: RunningSandbox) => Promise<unknown>;
const status = (o: CreateOptions = {}): Probe => async (sb) => (await nrlsCreate(sb, o)).status;

/** fault → [probe, value without the fault, value with it]. */
const PROBES: Record<string, [Probe, unknown, unknown]> = {
  "ers-create-200": [async (sb) => (await ersCreate(sb)).status, 201, 200],
  "ers-no-user": [async (sb) => "user" in (await session(sb)), true, false],
  "ers-empty-id": [async (sb) => String((await session(sb)).id).length > 0, true, false],
  "ers-no-permissions": [async (sb) => ((await user(sb)).permissions as unknown[]).length, 5, 0],
  "ers-bad-business-function": [async (sb) => ((await user(sb)).permissions as { businessFunction: string }[]).at(-1)!.businessFunction, "SERVICE_PROVIDER_CLINICIAN_ADMIN", "DOCTOR"],
  "ers-no-last-name": [async (sb) => "lastName" in (await user(sb)), true, false],
  "ers-permission-preselected": [async (sb) => (await session(sb)).permission === null, true, false],
  "ers-text-json": [async (sb) => contentType(await ersCreate(sb)), "application/json", "text/json"],
  "ers-validation-400": [async (sb) => (await ersCreate(sb, { token: "" })).status, 422, 400],
  "ers-outcome-text": [async (sb) => "text" in ((issue(await ersCreate(sb, {})).details ?? {}) as object), false, true],
  "ers-any-token": [async (sb) => (await ersCreate(sb, { token: "someone-elses-token" })).status, 403, 201],
  "ers-no-type-info": [async (sb) => "typeInfo" in (await session(sb)), true, false],
  "ers-token-altered": [async (sb) => (await session(sb)).token === TOKEN, true, false],
  "ers-non-json-500": [async (sb) => (await call(`${sb.baseUrls.ers!}/v1/ProfessionalSession`, { method: "POST", headers: { XAPI_ASID: "200000000220", "Content-Type": "application/json" }, body: "not json" })).status, 400, 500],
  "ers-asid-unchecked": [async (sb) => (await call(`${sb.baseUrls.ers!}/v1/ProfessionalSession`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token: TOKEN }) })).status, 403, 201],
  "ers-select-role-201": [async (sb) => (await selectRole(sb, await session(sb))).status, 200, 201],
  "ers-a004-404-before-role": [async (sb) => (await call(`${sb.baseUrls.ers!}/v1/ValueSet/SPECIALTY`, { headers: keyed(await session(sb)) })).status, 403, 404],
  "ers-select-role-ignored": [async (sb) => (await selectRole(sb, await session(sb))).json().permission === null, false, true],
  "ers-delete-200": [async (sb) => {
    const s = await session(sb);
    return (await call(`${sb.baseUrls.ers!}/v1/ProfessionalSession/${String(s.id)}`, { method: "DELETE", headers: keyed(s) })).status;
  }, 204, 200],
  "ers-delete-keeps-session": [async (sb) => {
    const s = await session(sb);
    await call(`${sb.baseUrls.ers!}/v1/ProfessionalSession/${String(s.id)}`, { method: "DELETE", headers: keyed(s) });
    return (await selectRole(sb, s)).status;
  }, 403, 200],

  "nrls-create-200": [status(), 201, 200],
  "nrls-bundle-body": [async (sb) => (await nrlsCreate(sb)).json().resourceType, "OperationOutcome", "Bundle"],
  "nrls-wrong-created-code": [async (sb) => issue(await nrlsCreate(sb)).severity, "information", "warning"],
  "nrls-no-message-id": [async (sb) => /^[0-9a-f-]{36}$/.test(String((issue(await nrlsCreate(sb)).details as { text?: string }).text)), true, false],
  "nrls-wrong-diagnostics": [async (sb) => issue(await nrlsCreate(sb)).diagnostics, "Successfully created resource DocumentReference", "Created"],
  "nrls-no-location": [async (sb) => "location" in (await nrlsCreate(sb)).headers, true, false],
  "nrls-location-path-id": [async (sb) => {
    const loc = String((await nrlsCreate(sb)).headers.location);
    const read = await call(loc, { headers: readHeaders(sb) });
    return `${loc.includes("?_id=") ? "query" : "path"}:${read.status}`;
  }, "query:200", "path:200"],
  "nrls-location-unresolvable": [async (sb) => (await readBack(sb)) !== undefined, true, false],
  "nrls-client-id-kept": [async (sb) => String((await nrlsCreate(sb, { edit: (p) => (p.id = "client-chosen-id") })).headers.location).endsWith("client-chosen-id"), false, true],
  "nrls-version-2": [async (sb) => ((await readBack(sb))!.meta as { versionId: string }).versionId, "1", "2"],
  "nrls-client-version-kept": [async (sb) => ((await readBack(sb, { edit: (p) => (p.meta = { versionId: "7" }) }))!.meta as { versionId: string }).versionId, "1", "7"],
  "nrls-stores-less": [async (sb) => "author" in (await readBack(sb))!, true, false],
  "nrls-duplicate-accepted": [async (sb) => {
    const edit = (p: Record<string, unknown>) => (p.masterIdentifier = { system: "urn:ietf:rfc:3986", value: "urn:oid:1.2.3.4" });
    await nrlsCreate(sb, { edit });
    return (await nrlsCreate(sb, { edit })).status;
  }, 400, 201],
  "nrls-always-xml": [async (sb) => contentType(await nrlsCreate(sb)), "application/fhir+json", "application/fhir+xml"],
  "nrls-always-json": [async (sb) => contentType(await nrlsCreate(sb, { headers: { Accept: "application/fhir+xml" } })), "application/fhir+xml", "application/fhir+json"],
  "nrls-default-json": [async (sb) => contentType(await nrlsCreate(sb, { headers: { Accept: undefined } })), "application/fhir+xml", "application/fhir+json"],
  "nrls-accept-over-format": [async (sb) => contentType(await nrlsCreate(sb, { headers: { Accept: "application/fhir+xml" }, query: "?_format=application%2Ffhir%2Bjson" })), "application/fhir+json", "application/fhir+xml"],
  "nrls-no-dstu2": [status({ headers: { Accept: "application/json+fhir" } }), 201, 415],
  "nrls-no-generic": [status({ headers: { Accept: "application/json" } }), 201, 415],
  "nrls-format-unchecked": [status({ query: "?_format=text%2Fplain" }), 415, 201],
  "nrls-no-xml-body": [status({ xml: true }), 201, 415],
  "nrls-no-fromasid-check": [status({ headers: { fromASID: undefined } }), 400, 201],
  "nrls-no-toasid-check": [status({ headers: { toASID: undefined } }), 400, 201],
  "nrls-no-jwt-check": [status({ headers: { Authorization: undefined } }), 400, 201],
  "nrls-jwt-two-sections": [status({ jwt: { sections: 2 } }), 400, 201],
  "nrls-jwt-claims-optional": [status({ jwt: { remove: ["iss"] } }), 400, 201],
  "nrls-jwt-values-unchecked": [status({ jwt: { set: { reason_for_request: "secondaryuses" } } }), 400, 201],
  "nrls-jwt-org-unchecked": [status({ jwt: { set: { requesting_organization: "https://fhir.nhs.uk/Id/ods-organization-code|AMS01" } } }), 400, 201],
  "nrls-malformed-invalid-resource": [async (sb) => coding(await nrlsCreate(sb, { raw: '{"resourceType": "DocumentRef' })), "INVALID_REQUEST_MESSAGE", "INVALID_RESOURCE"],
  "nrls-type-optional": [status({ edit: (p) => delete p.type }), 400, 201],
  "nrls-content-unchecked": [status({ edit: (p) => delete p.content }), 400, 201],
  "nrls-any-type-code": [status({ edit: (p) => ((p.type as { coding: { code: string }[] }).coding[0]!.code = "718347000") }), 400, 201],
  "nrls-any-status": [status({ edit: (p) => (p.status = "superseded") }), 400, 201],
  "nrls-unaffiliated-accepted": [status({ edit: (p) => (p.custodian = { reference: `${ORG}AMS01` }) }), 400, 201],
  "nrls-unknown-org-accepted": [status({ edit: (p) => (p.author = [{ reference: `${ORG}ZZZ99` }]) }), 400, 201],
  "nrls-nhs-number-unchecked": [status({ edit: (p) => (p.subject = { reference: "https://demographics.spineservices.nhs.uk/STU3/Patient/9876543211" }) }), 400, 201],
  "ers-select-role-bare": [async (sb) => "id" in (await selectRole(sb, await session(sb))).json(), true, false],
  "ers-outcome-version": [async (sb) => "version" in ((issue(await ersCreate(sb, { token: "" })).details as { coding: object[] }).coding[0]!), false, true],
  "nrls-duplicate-stored": [async (sb) => {
    const subject = "https://demographics.spineservices.nhs.uk/STU3/Patient/9464250321";
    const same = (p: Record<string, unknown>) => ((p.subject = { reference: subject }), (p.masterIdentifier = { system: "urn:ietf:rfc:3986", value: "urn:uuid:0f3b4a5e-dup" }));
    await nrlsCreate(sb, { edit: same });
    const again = await nrlsCreate(sb, { edit: same });
    const found = await call(`${sb.baseUrls.nrls!}/DocumentReference?subject=${encodeURIComponent(subject)}`, { headers: readHeaders(sb) });
    return `${again.status}:${String(found.json().total)}`;
  }, "400:1", "400:2"],
  "nrls-jwt-org-wrong-reason": [async (sb) => /not associated/.test(String(issue(await nrlsCreate(sb, { jwt: { set: { requesting_organization: "https://fhir.nhs.uk/Id/ods-organization-code|AMS01" } } })).diagnostics)), true, false],
  "nrls-header-error-information": [async (sb) => issue(await nrlsCreate(sb, { headers: { toASID: undefined } })).severity, "error", "information"],
  "nrls-jwt-code-processing": [async (sb) => issue(await nrlsCreate(sb, { jwt: { remove: ["iss"] } })).code, "structure", "processing"],
  "nrls-415-severity-warning": [async (sb) => xmlIssue(await nrlsCreate(sb, { query: "?_format=text%2Fplain" })).severity, "error", "warning"],
  "nrls-org-url-unchecked": [status({ edit: (p) => (p.author = [{ reference: "https://ods.example.org/Organization/RGD" }]) }), 400, 201],
  "nrls-patient-url-unchecked": [status({ edit: (p) => (p.subject = { reference: "https://patients.example.org/Patient/9876543210" }) }), 400, 201],
  "nrls-errors-no-profile": [async (sb) => "meta" in (await nrlsCreate(sb, { edit: (p) => delete p.type })).json(), true, false],
  "nrls-empty-content-type": [status({ edit: (p) => (((p.content as { attachment: Record<string, unknown> }[])[0]!.attachment.contentType = "")) }), 400, 201],
  // Revision 3: faults on another path than a JSON body — an XML body, the state a flow leaves behind, a token's shape.
  "nrls-xml-skips-business-rules": [async (sb) => (await nrlsCreate(sb, { xml: true, edit: (p) => delete p.type })).status, 400, 201],
  "nrls-xml-not-stored": [async (sb) => {
    const created = await nrlsCreate(sb, { xml: true });
    return [created.status, (await call(String(created.headers.location), { headers: readHeaders(sb) })).status];
  }, [201, 200], [201, 404]],
  "nrls-xml-body-answered-xml": [async (sb) => contentType(await nrlsCreate(sb, { xml: true })), "application/fhir+json", "application/fhir+xml"],
  "nrls-errors-always-json": [async (sb) => contentType(await nrlsCreate(sb, { headers: { Accept: "application/fhir+xml" }, edit: (p) => delete p.type })), "application/fhir+xml", "application/fhir+json"],
  "ers-grants-first-permission": [async (sb) => {
    const s = await session(sb);
    const last = ((s.user as { permissions: { businessFunction: string; orgIdentifier: string }[] }).permissions).at(-1)!;
    const r = await call(`${sb.baseUrls.ers!}/v1/ProfessionalSession/${String(s.id)}`, { method: "PUT", headers: keyed(s), body: JSON.stringify({ ...s, permission: last }) });
    return (r.json().permission as { businessFunction: string }).businessFunction;
  }, "SERVICE_PROVIDER_CLINICIAN_ADMIN", "REFERRING_CLINICIAN"],
  "ers-permission-org-unchecked": [async (sb) => {
    const s = await session(sb);
    return (await call(`${sb.baseUrls.ers!}/v1/ProfessionalSession/${String(s.id)}`, { method: "PUT", headers: keyed(s), body: JSON.stringify({ ...s, permission: { businessFunction: "REFERRING_CLINICIAN", orgIdentifier: "ELSEWHERE" } }) })).status;
  }, 403, 200],
  "ers-a004-after-a003": [async (sb) => {
    const s = await session(sb);
    await selectRole(sb, s);
    await call(`${sb.baseUrls.ers!}/v1/ProfessionalSession/${String(s.id)}`, { method: "DELETE", headers: keyed(s) });
    return (await call(`${sb.baseUrls.ers!}/v1/ValueSet/SPECIALTY`, { headers: keyed(s) })).status;
  }, 403, 200],
  "ers-second-create-keeps-role": [async (sb) => {
    await selectRole(sb, await session(sb));
    return (await session(sb)).permission === null;
  }, true, false],
  "ers-odd-token-accepted": [async (sb) => (await ersCreate(sb, { token: "not-a-smartcard-token" })).status, 403, 201],
  "nrls-jwt-four-sections": [status({ jwt: { sections: 4 } }), 400, 201],
  "nrls-scope-prefix-only": [status({ jwt: { set: { scope: "patient/DocumentReference.read" } } }), 400, 201],
  "nrls-nhs-check-10-accepted": [status({ edit: (p) => (p.subject = { reference: `${PATIENT}1000000010` }) }), 400, 201],
  "nrls-type-system-unchecked": [status({ edit: (p) => ((p.type as { coding: { system: string }[] }).coding[0]!.system = "http://read.info/readv2") }), 400, 201],
  "nrls-dstu2-body-refused": [status({ headers: { "Content-Type": "application/json+fhir" } }), 201, 415],
  "nrls-location-names-another": [async (sb) => {
    const created = await nrlsCreate(sb, { edit: (p) => (p.masterIdentifier = { system: "urn:ietf:rfc:3986", value: "urn:uuid:6d1c0e2a-probe" }) });
    const read = (await call(String(created.headers.location), { headers: readHeaders(sb) })).json();
    return ((read.entry as { resource: { masterIdentifier?: { value: string } } }[])[0]!.resource.masterIdentifier?.value);
  }, "urn:uuid:6d1c0e2a-probe", "urn:uuid:00000000-0000-4000-8000-000000000000"],
  // The connection path: a good request first, then one without Authorization on the same kept-alive connection
  // (one socket at most, kept alive: the second request is sure to reuse it).
  "nrls-auth-first-request-only": [async (sb) => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: readFileSync(SANDBOX_CLIENT_TLS.ca), cert: readFileSync(SANDBOX_CLIENT_TLS.cert), key: readFileSync(SANDBOX_CLIENT_TLS.key) });
    const post = (headers: Record<string, string>, body: string) => new Promise<number>((resolve, reject) => {
      const req = https.request(`${sb.baseUrls.nrls!}/DocumentReference`, { method: "POST", agent, headers }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end(body);
    });
    const headers = nrlsHeaders(sb.baseUrls.nrls!, "write", { "Content-Type": "application/fhir+json", Accept: "application/fhir+json" });
    const pointer = (value: string) => JSON.stringify({ ...POINTER, masterIdentifier: { system: "urn:ietf:rfc:3986", value } });
    try {
      await post(headers, pointer("urn:uuid:first-on-the-connection"));
      const { Authorization: _dropped, ...without } = headers;
      return await post(without, pointer("urn:uuid:second-on-the-connection"));
    } finally {
      agent.destroy();
    }
  }, 400, 201],
  "nrls-read-bundle-collection": [async (sb) => (await call(String((await nrlsCreate(sb)).headers.location), { headers: readHeaders(sb) })).json().type, "searchset", "collection"],
  "nrls-drops-type-system": [async (sb) => {
    const created = await nrlsCreate(sb);
    const read = (await call(String(created.headers.location), { headers: readHeaders(sb) })).json();
    return ((read.entry as { resource: { type: { coding: { system?: string }[] } } }[])[0]!.resource.type.coding[0]!.system);
  }, "http://snomed.info/sct", undefined],
  "nrls-stores-on-error": [async (sb) => {
    const r = await nrlsCreate(sb, { edit: (p) => ((p.custodian = { reference: `${ORG}AMS01` }), (p.subject = { reference: "https://demographics.spineservices.nhs.uk/STU3/Patient/9464250321" })) });
    const found = await call(`${sb.baseUrls.nrls!}/DocumentReference?subject=${encodeURIComponent("https://demographics.spineservices.nhs.uk/STU3/Patient/9464250321")}`, { headers: readHeaders(sb) });
    return `${r.status}:${String(found.json().total)}`;
  }, "400:0", "400:1"],
  // Two creates at once, each with its own masterIdentifier: one id between them under the fault.
  "nrls-concurrent-creates-share-id": [async (sb) => {
    const mi = (p: Record<string, unknown>) => (p.masterIdentifier = { system: "urn:ietf:rfc:3986", value: `urn:uuid:${randomUUID()}` });
    const [a, b] = await Promise.all([nrlsCreate(sb, { edit: mi }), nrlsCreate(sb, { edit: mi })]);
    return a.headers.location === b.headers.location;
  }, false, true],
};

/** The probes an API module carries for its own faults and variants, in this file's form. */
const MODULE_PROBES: Record<string, [Probe, unknown, unknown]> = Object.fromEntries(TARGETS.flatMap((t) =>
  Object.entries(t.sandbox?.probes ?? {}).map(([name, p]) => [name, [(sb: RunningSandbox) => p.probe(sb.baseUrls[t.name]!, call), p.before, p.after]]),
));

/** One test per switch: the probe gives `before` on a clean sandbox and `after` with the switch on. */
function probeEach(kind: "faults" | "variants", switches: readonly { name: string; description: string }[], local: Record<string, [Probe, unknown, unknown]>): void {
  const names = new Set(switches.map((s) => s.name));
  const probes = { ...local, ...Object.fromEntries(Object.entries(MODULE_PROBES).filter(([n]) => names.has(n))) };
  it(`has a probe for every one of the ${kind}`, () => {
    expect(Object.keys(probes).sort()).toEqual(switches.map((f) => f.name).sort());
  });
  for (const sw of switches) {
    const [probe, before, after] = probes[sw.name] ?? [async () => undefined, "a probe", "missing"];
    it(`${sw.name}: ${sw.description}`, async () => {
      const clean = await startSandbox({ faults: "", variants: "" });
      const on = await startSandbox({ faults: "", variants: "", [kind]: sw.name });
      try {
        expect(await probe(clean), `without ${sw.name}`).toEqual(before);
        expect(await probe(on), `with ${sw.name}`).toEqual(after);
      } finally {
        await Promise.all([clean.close(), on.close()]);
      }
    });
  }
}

describe("sandbox faults", () => {
  probeEach("faults", FAULTS, PROBES);

  const RULES = join(PROJECT_ROOT, "..", "shared", "spec", "RULES.md");
  // Each API's rules are its catalogue's: RULES.md's for the modules that name it, the suite's own for the others.
  const suites = loadSuites();
  const ownRules = suites.filter((s) => apiOf(s.target).ruleCatalogue.file !== "RULES.md").flatMap((s) => s.requirements);
  it.skipIf(!existsSync(RULES))("names only rules of a catalogue, in faults and documented variants alike", () => {
    const ids = new Set([...[...readFileSync(RULES, "utf8").matchAll(/^\| ([A-Z][A-Z0-9]*-[A-Z0-9]+-\d+) \|/gm)].map((m) => m[1]!), ...ownRules.map((r) => r.id)]);
    expect([...FAULTS.flatMap((f) => f.breaks), ...VARIANTS.flatMap((v) => v.rules)].filter((id) => !ids.has(id))).toEqual([]);
  });
  it.skipIf(!existsSync(RULES))("breaks every MUST rule of every catalogue with at least one fault", () => {
    const must = [...[...readFileSync(RULES, "utf8").matchAll(/^\| ([A-Z][A-Z0-9]*-[A-Z0-9]+-\d+) \| MUST \|/gm)].map((m) => m[1]!), ...ownRules.filter((r) => r.level === "MUST").map((r) => r.id)];
    expect(must.length).toBeGreaterThan(40);
    const broken = new Set(FAULTS.flatMap((f) => f.breaks));
    expect(must.filter((id) => !broken.has(id))).toEqual([]);
  });
});

const deadSessionStatus: Probe = async (sb) => {
  const s = await session(sb);
  await call(`${sb.baseUrls.ers!}/v1/ProfessionalSession/${String(s.id)}`, { method: "DELETE", headers: keyed(s) });
  return (await selectRole(sb, s)).status;
};

/** documented variant → [probe, value without it, value with it]. */
const VARIANT_PROBES: Record<string, [Probe, unknown, unknown]> = {
  "nrls-authorization-general-guidance": [async (sb) => issue(await nrlsCreate(sb, { headers: { Authorization: undefined } })).diagnostics, "The Authorisation header must be supplied", "Authorization HTTP Header is missing"],
  "nrls-jwt-errors-invalid": [async (sb) => issue(await nrlsCreate(sb, { jwt: { remove: ["iss"] } })).code, "structure", "invalid"],
  "nrls-claim-organisation-spelling": [async (sb) => /requesting_organisation\b/.test(String(issue(await nrlsCreate(sb, { jwt: { remove: ["requesting_organization"] } })).diagnostics)), false, true],
  "nrls-415-nhs-net-system": [async (sb) => ((xmlIssue(await nrlsCreate(sb, { query: "?_format=text%2Fplain" })).details as { coding: { system: string }[] }).coding[0]!.system), "https://fhir.nhs.uk/STU3/ValueSet/spine-response-code-1-0", "http://fhir.nhs.net/ValueSet/spine-response-code-1-0"],
  "nrls-jwt-signature-not-validated": [status({ jwt: { signature: "c2lnbmVk" } }), 400, 201],
  "nrls-search-forbidden": [async (sb) => (await call(`${sb.baseUrls.nrls!}/DocumentReference?subject=${encodeURIComponent(`${PATIENT}9464250321`)}`, { headers: readHeaders(sb) })).status, 200, 403],
  "nrls-search-no-record": [async (sb) => coding(await call(`${sb.baseUrls.nrls!}/DocumentReference?subject=${encodeURIComponent(`${PATIENT}9464250321`)}`, { headers: readHeaders(sb) })), undefined, "NO_RECORD_FOUND"],
  "nrls-client-id-refused": [status({ edit: (p) => (p.id = "client-chosen-id") }), 201, 405],
  "nrls-nhs-number-code-value": [async (sb) => issue(await nrlsCreate(sb, { edit: (p) => (p.subject = { reference: "https://demographics.spineservices.nhs.uk/STU3/Patient/987654321" }) })).code, "invalid", "value"],
  "nrls-org-url-not-found": [async (sb) => coding(await nrlsCreate(sb, { edit: (p) => (p.author = [{ reference: "https://ods.example.org/Organization/RGD" }]) })), "INVALID_PARAMETER", "ORGANISATION_NOT_FOUND"],
  "nrls-malformed-not-well-formed": [async (sb) => coding(await nrlsCreate(sb, { raw: '{"resourceType": "DocumentRef' })), "INVALID_REQUEST_MESSAGE", "MESSAGE_NOT_WELL_FORMED"],
  "nrls-bad-status-request-message": [async (sb) => coding(await nrlsCreate(sb, { edit: (p) => (p.status = "bogus") })), "INVALID_RESOURCE", "INVALID_REQUEST_MESSAGE"],
  "nrls-valueset-system": [async (sb) => ((issue(await nrlsCreate(sb, { edit: (p) => delete p.type })).details as { coding: { system: string }[] }).coding[0]!.system), "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1", "https://fhir.nhs.uk/STU3/ValueSet/Spine-ErrorOrWarningCode-1"],
  "nrls-patient-url-invalid-resource": [async (sb) => coding(await nrlsCreate(sb, { edit: (p) => (p.subject = { reference: "https://patients.example.org/Patient/9876543210" }) })), "INVALID_PARAMETER", "INVALID_RESOURCE"],
  "nrls-unknown-org-404": [status({ edit: (p) => (p.author = [{ reference: `${ORG}ZZZ99` }]) }), 400, 404],
  "ers-dead-session-other-4xx": [deadSessionStatus, 403, 405],
  "media-type-case-and-charset": [async (sb) => String((await ersCreate(sb)).headers["content-type"]), "application/json;charset=UTF-8", 'Application/Json; Charset="utf-8"'],
  // undici's text() drops a byte order mark, so its three bytes show as the difference from Content-Length.
  "json-bom": [async (sb) => { const r = await ersCreate(sb); return Number(r.headers["content-length"]) - Buffer.byteLength(r.text); }, 0, 3],
  "extra-members-and-headers": [async (sb) => {
    const r = await ersCreate(sb);
    const x = await nrlsCreate(sb, { headers: { Accept: "application/fhir+xml" } });
    return [r.headers["x-spine-assure-extra"] !== undefined, "spineAssureExtra" in r.json(), x.text.includes("<spineAssureExtra ")];
  }, [false, false, false], [true, true, true]],
  // The same outcome either way, written as other XML: read by the codec, it is the same resource.
  "xml-namespaces-and-references": [async (sb) => {
    const x = await nrlsCreate(sb, { headers: { Accept: "application/fhir+xml" } });
    const read = fhirXmlToJson(x.text) as { issue: { diagnostics: string }[] };
    return [/^(<\?xml[^>]*\?>\s*)?<f:OperationOutcome xmlns:f="http:\/\/hl7\.org\/fhir" xmlns:xsi=/.test(x.text), x.text.includes("&#x20;"), read.issue[0]!.diagnostics];
  }, [false, false, "Successfully created resource DocumentReference"], [true, true, "Successfully created resource DocumentReference"]],
  "outcome-extra-issue": [async (sb) => ((await nrlsCreate(sb, { edit: (p) => delete p.type })).json().issue as { severity: string }[]).map((i) => i.severity), ["error"], ["error", "warning"]],
  "nrls-display-full-stop": [async (sb) => ((issue(await nrlsCreate(sb, { edit: (p) => delete p.type })).details as { coding: { display: string }[] }).coding[0]!.display), "Invalid validation of resource", "Invalid validation of resource."],
  "nrls-location-relative": [async (sb) => String((await nrlsCreate(sb)).headers.location).startsWith("DocumentReference?_id="), false, true],
  "nrls-location-id-encoded": [async (sb) => String((await nrlsCreate(sb)).headers.location).includes("%2D"), false, true],
  "ers-null-members-omitted": [async (sb) => { const s = await session(sb); return ["permission" in s, "middleName" in (s.user as object)]; }, [true, true], [false, false]],
  "ers-new-business-function": [async (sb) => ((await user(sb)).permissions as { businessFunction: string }[]).at(-1)!.businessFunction, "SERVICE_PROVIDER_CLINICIAN_ADMIN", "NEW_BUSINESS_FUNCTION"],
  "ers-422-unlisted-code": [async (sb) => coding(await ersCreate(sb, { token: "" })), "MISSING_VALUE", "PAS_NOT_RESPONDING"],
  "ers-unknown-token-422": [async (sb) => (await ersCreate(sb, { token: "someone-elses-token" })).status, 403, 422],
  // Revision 3: the documented issue after an extra one; an OperationOutcome entry beside a search's matches.
  "nrls-outcome-extra-issue-first": [async (sb) => ((await nrlsCreate(sb)).json().issue as { details: { coding: { code: string }[] } }[]).map((i) => i.details.coding[0]!.code), ["RESOURCE_CREATED"], ["INVALID_ELEMENT", "RESOURCE_CREATED"]],
  // Three pointers for a fresh patient: two on the first page, the third behind link next.
  "nrls-search-paged": [async (sb) => {
    const nhs = "9464250321";
    for (let i = 0; i < 3; i++) await nrlsCreate(sb, { edit: (p) => ((p.subject = { reference: `${PATIENT}${nhs}` }), (p.masterIdentifier = { system: "urn:ietf:rfc:3986", value: `urn:uuid:${randomUUID()}` })) });
    const page = (await call(`${sb.baseUrls.nrls!}/DocumentReference?subject=${encodeURIComponent(`${PATIENT}${nhs}`)}`, { headers: readHeaders(sb) })).json();
    return [page.total, (page.entry as unknown[]).length, ((page.link ?? []) as { relation: string }[]).some((l) => l.relation === "next")];
  }, [3, 3, false], [3, 2, true]],
  "nrls-searchset-outcome-entry": [async (sb) => ((await call(`${sb.baseUrls.nrls!}/DocumentReference?subject=${encodeURIComponent(`${PATIENT}9464250321`)}`, { headers: readHeaders(sb) })).json().entry as { search: { mode: string } }[]).map((e) => e.search.mode), [], ["outcome"]],
  // The same answer, spelt with escapes: read by a JSON parser, it is the same session.
  "strings-escaped-every-character": [async (sb) => { const r = await ersCreate(sb); return [r.text.includes('"\\u0069\\u0064":'), r.json().typeInfo]; }, [false, SESSION_TYPE], [true, SESSION_TYPE]],
  "strings-escaped-at-random": [async (sb) => { const r = await ersCreate(sb); return [/\\u00[0-9a-f]{2}/.test(r.text), r.json().typeInfo]; }, [false, SESSION_TYPE], [true, SESSION_TYPE]],
};

describe("sandbox documented variants", () => {
  probeEach("variants", VARIANTS, VARIANT_PROBES);
});
