// PDS FHIR R4 retrieve patient (GET /Patient/{nhsNumber}): the API module. The smallest whole API — three rules, a
// simulator, its faults and a documented variant — and the proof that an API's FHIR release is its own (R4 here, where
// NRLS is STU3). It was added touching no engine file but src/apis.ts (README: "Adding an API").
import { defineApi } from "../../src/api-module.ts";
import { nhsNumber } from "../../src/value-checks.ts";
import { PDS_FAULTS } from "./faults.ts";
import { PDS_PROBES } from "./probes.ts";
import { PDS_VARIANTS } from "./variants.ts";

export default defineApi({
  name: "pds",
  label: "PDS FHIR",
  baseUrlVariable: "PDS_BASE_URL",
  sandboxPath: "/personal-demographics/FHIR/R4",
  example: "https://<host>/personal-demographics/FHIR/R4 (the part before /Patient)",
  requirementPrefix: "PDS",
  // PDS is not in ../shared/spec/RULES.md: its suite is its rule catalogue, each rule citing the public specification.
  ruleCatalogue: { file: "suites/pds/retrieve-patient.yaml", description: "the PDS suite's own requirements, from the PDS FHIR API specification" },
  fhirRelease: "R4",
  specification: "PDS FHIR API (R4): retrieve patient",
  // A retrieve by an NHS number that fails Modulus 11: PDS answers 400 with an OperationOutcome (or refuses it
  // unauthenticated, again with one).
  probe: { method: "GET", path: "/Patient/0000000001", headers: { Accept: "application/fhir+json" }, expected: "a FHIR OperationOutcome (400 INVALID_RESOURCE_ID, or an authentication error)" },
  variables: [
    { name: "PDS_PATIENT_NHS_NUMBER", api: "pds", description: "the NHS number of a test patient the target holds", default: "9000000009", check: nhsNumber, testData: true },
    { name: "PDS_UNKNOWN_NHS_NUMBER", api: "pds", description: "a valid NHS number (Modulus 11) of no patient the target holds", default: "9111231130", check: nhsNumber, testData: true },
    { name: "PDS_ACCESS_TOKEN", api: "pds", description: "the OAuth 2.0 access token sent as Authorization: Bearer (secret; the embedded sandbox ignores it)", default: "pds-sandbox-access-token", secret: true, testData: true },
  ],
  sandbox: {
    handler: async (ctx) => (await import("./sandbox/patients.ts")).pdsHandler(ctx),
    faults: PDS_FAULTS,
    variants: PDS_VARIANTS,
    probes: PDS_PROBES,
    settings: [{ name: "SANDBOX_PDS_PATIENTS", description: "a replacement PDS patients file ({\"patients\": {nhsNumber: Patient}}, default fixtures/pds/patients.json)" }],
  },
});
