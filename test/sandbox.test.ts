// The embedded sandbox, exercised directly over HTTPS with mutual TLS on loopback.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../sandbox/server.ts";
import { fhirJsonToXml, fhirXmlToJson } from "../src/fhir/xml-codec.ts";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { call, nrlsHeaders, withoutCert } from "./helpers/sandbox-client.ts";

const TOKEN = "AQIC5wM2LY4Sfcyw62EbAOsRpdfbGYUOyvkfZ4M6U7W52lM=@AAJTSQACMDE=#";
const POINTER = readFileSync(join(PROJECT_ROOT, "fixtures", "nrls", "pointer.json"), "utf8");

let sb: RunningSandbox;
beforeAll(async () => {
  sb = await startSandbox({ faults: "" });
});
afterAll(async () => {
  await sb.close();
});

describe("sandbox transport", () => {
  it("refuses a client without a certificate with 401 ACCESS_DENIED", async () => {
    const r = await call(`${sb.baseUrls.nrls!}/DocumentReference?_id=x`, { agent: withoutCert });
    expect(r.status).toBe(401);
    expect(JSON.stringify(r.json())).toContain("ACCESS_DENIED");
  });
  it("refuses bodies over 1 MiB cleanly", async () => {
    const r = await call(`${sb.baseUrls.nrls!}/DocumentReference`, { method: "POST", headers: { "Content-Type": "application/fhir+json" }, body: "x".repeat(1024 * 1024 + 10) });
    expect(r.status).toBe(413);
  });
});

describe("sandbox e-RS", () => {
  const create = (body: unknown, headers: Record<string, string> = { XAPI_ASID: "200000000220" }) =>
    call(`${sb.baseUrls.ers!}/v1/ProfessionalSession`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });

  it("creates a session (201) with the user's permissions and no role, trimming the token", async () => {
    const r = await create({ typeInfo: "uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession", token: ` ${TOKEN}` });
    expect(r.status).toBe(201);
    const s = r.json();
    expect(s.id).toMatch(/^pro-xapi-session_[0-9a-f-]{36}$/);
    expect(s.token).toBe(TOKEN);
    expect(s.permission).toBeNull();
    expect((s.user as { permissions: unknown[] }).permissions).toHaveLength(5);
  });
  it("answers 422 with an eRS-OperationOutcome-1 for a missing token, 403 for an unknown one or no ASID, 400 for non-JSON", async () => {
    const missing = await create({ typeInfo: "x" });
    expect(missing.status).toBe(422);
    const issue = (missing.json().issue as { details: { coding: { system: string }[]; text?: string } }[])[0]!;
    expect(issue.details.coding).toHaveLength(1);
    expect(issue.details.coding[0]!.system).toBe("https://fhir.nhs.uk/STU3/CodeSystem/eRS-APIErrorCode-1");
    expect(issue.details.text).toBeUndefined();
    expect((await create({ token: "" })).status).toBe(422);
    expect((await create({ token: "not-a-real-token" })).status).toBe(403);
    expect((await create({ token: TOKEN }, {})).status).toBe(403);
    expect((await create("{not json")).status).toBe(400);
  });
  it("selects a held role (200), refuses one not held, serves A004 only after a role, and kills the id on delete", async () => {
    const s = (await create({ token: TOKEN })).json();
    const key = { XAPI_ASID: "200000000220", HTTP_X_SESSION_KEY: String(s.id), "Content-Type": "application/json" };
    const url = `${sb.baseUrls.ers!}/v1/ProfessionalSession/${String(s.id)}`;
    expect((await call(`${sb.baseUrls.ers!}/v1/ValueSet/SPECIALTY`, { headers: key })).status).toBe(403);
    const bad = await call(url, { method: "PUT", headers: key, body: JSON.stringify({ ...s, permission: { businessFunction: "ERS_ADMIN", orgIdentifier: "R01" } }) });
    expect(bad.status).toBe(403);
    const put = await call(url, { method: "PUT", headers: key, body: JSON.stringify({ ...s, permission: { businessFunction: "SERVICE_PROVIDER_CLINICIAN", orgIdentifier: "R01" } }) });
    expect(put.status).toBe(200);
    expect(put.json().permission).toMatchObject({ businessFunction: "SERVICE_PROVIDER_CLINICIAN", orgIdentifier: "R01" });
    expect((await call(`${sb.baseUrls.ers!}/v1/ValueSet/SPECIALTY`, { headers: key })).status).toBe(200);
    const del = await call(url, { method: "DELETE", headers: key });
    expect(del.status).toBe(204);
    expect(del.text).toBe("");
    expect((await call(url, { method: "PUT", headers: key, body: JSON.stringify(s) })).status).toBe(403);
  });
});

describe("sandbox NRLS", () => {
  const post = (body: string, headers: Record<string, string>, query = "") =>
    call(`${sb.baseUrls.nrls!}/DocumentReference${query}`, { method: "POST", headers, body });

  it("creates a pointer from JSON: 201, RESOURCE_CREATED, Location with ?_id= that reads back version 1 with a server id", async () => {
    const sent = { ...JSON.parse(POINTER), id: "client-id", meta: { versionId: "7" } };
    const r = await post(JSON.stringify(sent), nrlsHeaders(sb.baseUrls.nrls!, "write", { "Content-Type": "application/fhir+json", Accept: "application/fhir+json" }));
    expect(r.status).toBe(201);
    const issue = (r.json().issue as Record<string, unknown>[])[0]!;
    expect(issue).toMatchObject({ severity: "information", code: "informational", diagnostics: "Successfully created resource DocumentReference" });
    const location = String(r.headers.location);
    expect(location).toMatch(new RegExp(`^${sb.baseUrls.nrls!.replace(/[.]/g, "\\.")}/DocumentReference\\?_id=[0-9a-f-]{36}-\\d{20}$`));
    const read = await call(location, { headers: nrlsHeaders(sb.baseUrls.nrls!, "read", { Accept: "application/fhir+json" }) });
    expect(read.status).toBe(200);
    const bundle = read.json() as { type: string; entry: { resource: Record<string, unknown> }[] };
    expect(bundle.type).toBe("searchset");
    expect(bundle.entry).toHaveLength(1);
    expect(bundle.entry[0]!.resource.id).toBe(location.split("_id=")[1]);
    expect(bundle.entry[0]!.resource.meta).toMatchObject({ versionId: "1" });
  });

  it("takes an XML pointer, answers XML by default, JSON when asked, and honours _format over Accept", async () => {
    const xml = fhirJsonToXml(JSON.parse(POINTER));
    const byDefault = await post(xml, nrlsHeaders(sb.baseUrls.nrls!, "write", { "Content-Type": "application/fhir+xml" }));
    expect(byDefault.status).toBe(201);
    expect(String(byDefault.headers["content-type"])).toMatch(/^application\/fhir\+xml/);
    expect(fhirXmlToJson(byDefault.text).resourceType).toBe("OperationOutcome");
    const formatWins = await post(xml, nrlsHeaders(sb.baseUrls.nrls!, "write", { "Content-Type": "application/fhir+xml", Accept: "application/fhir+xml" }), "?_format=application/fhir+json");
    expect(String(formatWins.headers["content-type"])).toMatch(/^application\/fhir\+json/);
    const dstu2 = await post(POINTER, nrlsHeaders(sb.baseUrls.nrls!, "write", { "Content-Type": "application/json+fhir", Accept: "application/json+fhir" }));
    expect(dstu2.status).toBe(201);
  });

  it("answers 415 for an unsupported _format, INVALID_REQUEST_MESSAGE for malformed XML or JSON", async () => {
    const h = nrlsHeaders(sb.baseUrls.nrls!, "write", { "Content-Type": "application/fhir+json", Accept: "application/fhir+json" });
    expect((await post(POINTER, h, "?_format=text/plain")).status).toBe(415);
    const badJson = await post(POINTER.slice(0, 40), h);
    expect(badJson.status).toBe(400);
    expect(badJson.text).toContain("INVALID_REQUEST_MESSAGE");
    const badXml = await post('<DocumentReference xmlns="http://hl7.org/fhir"><status value="current">', { ...h, "Content-Type": "application/fhir+xml" });
    expect(badXml.text).toContain("INVALID_REQUEST_MESSAGE");
  });

  it("checks headers with the documented diagnostics", async () => {
    const h = nrlsHeaders(sb.baseUrls.nrls!, "write", { "Content-Type": "application/fhir+json", Accept: "application/fhir+json" });
    const { fromASID: _f, ...noFrom } = h;
    const r1 = (await post(POINTER, noFrom)).json();
    expect(JSON.stringify(r1)).toContain("fromASID HTTP Header is missing");
    const { Authorization: _a, ...noAuth } = h;
    const r2 = (await post(POINTER, noAuth)).json();
    expect((r2.issue as { code: string; diagnostics: string }[])[0]).toMatchObject({ code: "structure", diagnostics: "The Authorisation header must be supplied" });
  });

  it("rejects an unaffiliated custodian and an invalid NHS number, storing nothing", async () => {
    const h = nrlsHeaders(sb.baseUrls.nrls!, "write", { "Content-Type": "application/fhir+json", Accept: "application/fhir+json" });
    const unaffiliated = POINTER.replace("Organization/RR8", "Organization/AMS01");
    const r = await post(unaffiliated, h);
    expect(r.status).toBe(400);
    expect(r.text).toContain("The Custodian ODS code is not affiliated with the sender ASID.");
    expect(r.headers.location).toBeUndefined();
    const badNhs = await post(POINTER.replace("9876543210", "9876543211"), h);
    expect(badNhs.text).toContain("INVALID_NHS_NUMBER");
  });

  it("puts Location in /id style only when the nrls-location-path-id fault is on", async () => {
    const faulty = await startSandbox({ faults: "nrls-location-path-id" });
    try {
      const r = await call(`${faulty.baseUrls.nrls!}/DocumentReference`, { method: "POST", body: POINTER, headers: nrlsHeaders(faulty.baseUrls.nrls!, "write", { "Content-Type": "application/fhir+json", Accept: "application/fhir+json" }) });
      expect(r.status).toBe(201);
      expect(String(r.headers.location)).toMatch(/\/DocumentReference\/[0-9a-f-]+$/);
    } finally {
      await faulty.close();
    }
  });

  it("refuses unknown fault names", async () => {
    await expect(startSandbox({ faults: "no-such-fault" })).rejects.toThrow(/unknown fault/);
  });
});
