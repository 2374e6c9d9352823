// A supplier's provider system in miniature, for README "Assessing your own system": one good pointer create and one
// bad one (an NHS number whose check digit is wrong), sent with plain undici to NRLS_BASE_URL — over mutual TLS with
// the sandbox's test client certificate when the URL is https. Run it while `spine-assure assess-client` listens:
//   NRLS_BASE_URL=https://127.0.0.1:9443/nrls node examples/create-two-pointers.mjs
/* global process, URL, Buffer, crypto, console */
import { readFileSync } from "node:fs";
import { Agent, request } from "undici";

const base = process.env.NRLS_BASE_URL;
if (!base) throw new Error("set NRLS_BASE_URL to the URL assess-client printed");
const tls = new URL("../fixtures/tls/", import.meta.url);
const dispatcher = new Agent(base.startsWith("https:")
  ? { connect: { ca: readFileSync(new URL("ca.crt", tls)), cert: readFileSync(new URL("client.crt", tls)), key: readFileSync(new URL("client.key", tls)) } }
  : {});

// The Spine JWT: unsigned (alg none), so it ends with "."; the claims Spine Core and the NRLS pages define.
const b64url = (v) => Buffer.from(JSON.stringify(v)).toString("base64url");
function jwt() {
  const iat = Math.floor(Date.now() / 1000);
  const system = "https://fhir.nhs.uk/Id/accredited-system|200000000118";
  return `${b64url({ alg: "none", typ: "JWT" })}.${b64url({
    iss: "https://supplier.example.com/", sub: system, aud: base, exp: iat + 300, iat,
    reason_for_request: "directcare", scope: "patient/DocumentReference.write",
    requesting_system: system, requesting_organization: "https://fhir.nhs.uk/Id/ods-organization-code|RR8",
  })}.`;
}

function pointer(nhsNumber) {
  return {
    resourceType: "DocumentReference",
    masterIdentifier: { system: "urn:ietf:rfc:3986", value: `urn:uuid:${crypto.randomUUID()}` },
    status: "current",
    type: { coding: [{ system: "http://snomed.info/sct", code: "736253002", display: "Mental health crisis plan (record artifact)" }] },
    subject: { reference: `https://demographics.spineservices.nhs.uk/STU3/Patient/${nhsNumber}` },
    indexed: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    author: [{ reference: "https://directory.spineservices.nhs.uk/STU3/Organization/RGD" }],
    custodian: { reference: "https://directory.spineservices.nhs.uk/STU3/Organization/RR8" },
    content: [{ attachment: { contentType: "application/pdf", url: "https://supplier.example.com/plans/0001.pdf" } }],
  };
}

for (const nhsNumber of ["9876543210", "9876543211"]) {
  const res = await request(`${base}/DocumentReference`, {
    method: "POST", dispatcher,
    headers: { Authorization: `Bearer ${jwt()}`, fromASID: "200000000118", toASID: "999999999999", "Content-Type": "application/fhir+json", Accept: "application/fhir+json" },
    body: JSON.stringify(pointer(nhsNumber)),
  });
  console.log(`create with NHS number ${nhsNumber}: ${res.statusCode} ${await res.body.text()}`);
}
await dispatcher.close();
