// Every NRLS error the rules name, triggered directly against the sandbox: status, Spine-OperationOutcome-1 shape,
// code, issue type and diagnostics, no Location, and nothing stored. Then delete, and latency injection.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../sandbox/server.ts";
import { call, nrlsCreate, nrlsHeaders, readHeaders, type CreateOptions } from "./helpers/sandbox-client.ts";

const ORG = "https://directory.spineservices.nhs.uk/STU3/Organization/";
const PATIENT = "https://demographics.spineservices.nhs.uk/STU3/Patient/";
const SPINE_SYSTEM = "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1";

let sb: RunningSandbox;
beforeAll(async () => {
  sb = await startSandbox({ faults: "" });
});
afterAll(async () => {
  await sb.close();
});

type Row = [string, CreateOptions, string, string, RegExp];
const drop = (path: string) => (p: Record<string, unknown>) => {
  const parts = path.split(".");
  let node = p as Record<string, unknown>;
  for (const k of parts.slice(0, -1)) node = (Array.isArray(node[k]) ? (node[k] as unknown[])[0] : node[k]) as Record<string, unknown>;
  delete node[parts[parts.length - 1]!];
};
const CLAIMS = ["iss", "sub", "aud", "exp", "iat", "reason_for_request", "scope", "requesting_system", "requesting_organization"];

const ROWS: Row[] = [
  ["malformed JSON", { raw: '{"resourceType": "DocumentReference", "status": ' }, "INVALID_REQUEST_MESSAGE", "value", /Invalid Request Message/],
  ["unclosed XML", { xml: true, raw: '<DocumentReference xmlns="http://hl7.org/fhir"><status value="current">' }, "INVALID_REQUEST_MESSAGE", "value", /Invalid Request Message/],
  ["no type", { edit: drop("type") }, "INVALID_RESOURCE", "invalid", /type/],
  ...["status", "subject", "author", "custodian", "indexed", "content", "content.attachment.contentType", "content.attachment.url"].map(
    (path): Row => [`no ${path}`, { edit: drop(path) }, "INVALID_RESOURCE", "invalid", /Resource is invalid/],
  ),
  ["empty status", { edit: (p) => (p.status = "") }, "INVALID_RESOURCE", "invalid", /status/],
  ["type code outside NRLS-RecordType-1", { edit: (p) => ((p.type as { coding: { code: string }[] }).coding[0]!.code = "718347000") }, "INVALID_RESOURCE", "invalid", /type/],
  ["status bogus", { edit: (p) => (p.status = "bogus") }, "INVALID_RESOURCE", "invalid", /status/],
  ["custodian not affiliated with fromASID", { edit: (p) => (p.custodian = { reference: `${ORG}AMS01` }) }, "INVALID_RESOURCE", "invalid", /The Custodian ODS code is not affiliated with the sender ASID\./],
  ["unknown custodian (affiliation is checked first)", { edit: (p) => (p.custodian = { reference: `${ORG}ZZZ99` }) }, "INVALID_RESOURCE", "invalid", /not affiliated/],
  ["unknown author", { edit: (p) => (p.author = [{ reference: `${ORG}ZZZ99` }]) }, "ORGANISATION_NOT_FOUND", "not-found", /not resolvable – ZZZ99/],
  ["NHS number with a bad check digit", { edit: (p) => (p.subject = { reference: `${PATIENT}9876543211` }) }, "INVALID_NHS_NUMBER", "invalid", /NHS Number format: 9876543211/],
  ["NHS number of 9 digits", { edit: (p) => (p.subject = { reference: `${PATIENT}987654321` }) }, "INVALID_NHS_NUMBER", "invalid", /987654321/],
  ["NHS number with letters", { edit: (p) => (p.subject = { reference: `${PATIENT}98765432AB` }) }, "INVALID_NHS_NUMBER", "invalid", /98765432AB/],
  ["author on the wrong Organization base URL", { edit: (p) => (p.author = [{ reference: "https://ods.example.org/Organization/RGD" }]) }, "INVALID_PARAMETER", "invalid", /expected format/],
  ["custodian on the wrong Organization base URL", { edit: (p) => (p.custodian = { reference: "https://ods.example.org/Organization/RR8" }) }, "INVALID_PARAMETER", "invalid", /expected format/],
  ["subject on the wrong Patient base URL", { edit: (p) => (p.subject = { reference: "https://pds.example.org/Patient/9876543210" }) }, "INVALID_PARAMETER", "invalid", /expected format/],
  ["no fromASID", { headers: { fromASID: undefined } }, "MISSING_OR_INVALID_HEADER", "invalid", /^fromASID HTTP Header is missing$/],
  ["no toASID", { headers: { toASID: undefined } }, "MISSING_OR_INVALID_HEADER", "invalid", /^toASID HTTP Header is missing$/],
  ["no Authorization", { headers: { Authorization: undefined } }, "MISSING_OR_INVALID_HEADER", "structure", /^The Authorisation header must be supplied$/],
  ["a JWT of two sections", { jwt: { sections: 2 } }, "MISSING_OR_INVALID_HEADER", "structure", /must have the 3 sections/],
  ["a signed JWT", { jwt: { signature: "c2ln" } }, "MISSING_OR_INVALID_HEADER", "structure", /must have the 3 sections/],
  ...CLAIMS.map((claim): Row => [`a JWT without ${claim}`, { jwt: { remove: [claim] } }, "MISSING_OR_INVALID_HEADER", "structure", new RegExp(`^The mandatory claim ${claim} from the JWT`)]),
  ["reason_for_request not directcare", { jwt: { set: { reason_for_request: "secondaryuses" } } }, "MISSING_OR_INVALID_HEADER", "structure", /reason_for_request \(secondaryuses\) must be 'directcare'/],
  ["a read scope on create", { jwt: { scope: "read" } }, "MISSING_OR_INVALID_HEADER", "structure", /scope \(patient\/DocumentReference\.read\) must match either/],
  ["sub not requesting_system", { jwt: { set: { sub: "someone" } } }, "MISSING_OR_INVALID_HEADER", "structure", /claim's values must match/],
  ["requesting_system with a slash", { jwt: { set: { requesting_system: "https://fhir.nhs.uk/Id/accredited-system/200000000118", sub: "https://fhir.nhs.uk/Id/accredited-system/200000000118" } } }, "MISSING_OR_INVALID_HEADER", "structure", /must be of the form/],
  ["requesting_organization not the ASID's", { jwt: { set: { requesting_organization: "https://fhir.nhs.uk/Id/ods-organization-code|AMS01" } } }, "MISSING_OR_INVALID_HEADER", "structure", /is not associated with the requesting_organization ODS code \(AMS01\)/],
];

async function stored(): Promise<number> {
  const found = await call(`${sb.baseUrls.nrls!}/DocumentReference?subject=${encodeURIComponent(`${PATIENT}9876543210`)}`, { headers: readHeaders(sb) });
  return found.json().total as number;
}

describe("NRLS errors, one trigger each", () => {
  for (const [name, options, code, issueType, diagnostics] of ROWS) {
    it(`${name} → 400 ${code}`, async () => {
      const before = await stored();
      const r = await nrlsCreate(sb, options);
      expect(r.status).toBe(400);
      expect(r.headers.location).toBeUndefined();
      const body = r.json() as { meta: { profile: string[] }; issue: { severity: string; code: string; diagnostics: string; details: { coding: Record<string, string>[] } }[] };
      expect(body.meta.profile).toEqual(["https://fhir.nhs.uk/STU3/StructureDefinition/Spine-OperationOutcome-1"]);
      expect(body.issue).toHaveLength(1);
      const issue = body.issue[0]!;
      expect(issue.severity).toBe("error");
      expect(issue.code).toBe(issueType);
      expect(issue.details.coding).toHaveLength(1);
      expect(issue.details.coding[0]).toMatchObject({ system: SPINE_SYSTEM, code });
      expect(issue.details.coding[0]!.display).toBeTruthy();
      expect(issue.diagnostics).toMatch(diagnostics);
      expect(await stored()).toBe(before);
    });
  }

  it("a duplicate masterIdentifier for the same patient → 400 DUPLICATE_REJECTED, naming value and system", async () => {
    const edit = (p: Record<string, unknown>) => (p.masterIdentifier = { system: "urn:ietf:rfc:3986", value: "urn:oid:1.3.6.1.4.1.21367.2005.3.7" });
    expect((await nrlsCreate(sb, { edit })).status).toBe(201);
    const r = await nrlsCreate(sb, { edit });
    expect(r.status).toBe(400);
    const issue = (r.json().issue as { code: string; diagnostics: string }[])[0]!;
    expect(issue.code).toBe("duplicate");
    expect(issue.diagnostics).toBe("Duplicate masterIdentifier value: urn:oid:1.3.6.1.4.1.21367.2005.3.7 system: urn:ietf:rfc:3986");
  });

  it("a body Content-Type that is neither JSON nor XML → 415 (spine-operationoutcome-1-0)", async () => {
    const r = await nrlsCreate(sb, { headers: { "Content-Type": "text/plain" } });
    expect(r.status).toBe(415);
    expect(JSON.stringify(r.json())).toContain("https://fhir.nhs.uk/STU3/ValueSet/spine-response-code-1-0");
  });
});

describe("the same JWT sent again", () => {
  // The sandbox remembers what it judged of each token: the memo must answer for the access each request needs.
  it("is judged for the access each request needs, however often it comes and in whatever order", async () => {
    const base = sb.baseUrls.nrls!;
    const search = `${base}/DocumentReference?subject=${encodeURIComponent(`${PATIENT}9876543210`)}`;
    const write = nrlsHeaders(base, "write", { Accept: "application/fhir+json" });
    const read = nrlsHeaders(base, "read", { Accept: "application/fhir+json" });
    const scopeRefused = (r: { status: number; text: string }) => r.status === 400 && /scope \(patient\/DocumentReference\.(read|write)\) must match either/.test(r.text);
    for (let round = 0; round < 2; round++) {
      expect((await nrlsCreate(sb, { headers: { Authorization: write.Authorization! } })).status).toBe(201);
      expect(scopeRefused(await call(search, { headers: write }))).toBe(true);
      expect((await call(search, { headers: read })).status).toBe(200);
      expect(scopeRefused(await nrlsCreate(sb, { headers: { Authorization: read.Authorization! } }))).toBe(true);
    }
  });
});

describe("NRLS delete and latency", () => {
  it("deletes by _id with RESOURCE_DELETED, after which the id is not found", async () => {
    const id = String((await nrlsCreate(sb)).headers.location).split("_id=")[1]!;
    const headers = { ...nrlsHeaders(sb.baseUrls.nrls!, "write"), Accept: "application/fhir+json" };
    const del = await call(`${sb.baseUrls.nrls!}/DocumentReference?_id=${id}`, { method: "DELETE", headers });
    expect(del.status).toBe(200);
    expect(JSON.stringify(del.json())).toContain("RESOURCE_DELETED");
    const read = await call(`${sb.baseUrls.nrls!}/DocumentReference?_id=${id}`, { headers: readHeaders(sb) });
    expect(read.status).toBe(404);
    expect(JSON.stringify(read.json())).toContain("NO_RECORD_FOUND");
  });

  it("delays every response by SANDBOX_LATENCY_MS", async () => {
    const slow = await startSandbox({ faults: "", latencyMs: 150 });
    try {
      const started = performance.now();
      expect((await nrlsCreate(slow)).status).toBe(201);
      expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    } finally {
      await slow.close();
    }
  });
});
