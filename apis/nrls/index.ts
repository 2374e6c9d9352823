// NRLS Create pointer (FHIR STU3 DocumentReference), with read, search and delete for the read-back and teardown: the
// API module. Everything the engine, the configuration and the sandbox need to know of NRLS is here or imported here.
import { defineApi } from "../../src/api-module.ts";
import { asid, nhsNumber, odsCode } from "../../src/value-checks.ts";
import { storeCap } from "../../sandbox/store-cap.ts";
import { NRLS_FAULTS } from "./faults.ts";
import { NRLS_VARIANTS } from "./variants.ts";

export default defineApi({
  name: "nrls",
  label: "NRLS",
  baseUrlVariable: "NRLS_BASE_URL",
  sandboxPath: "/nrls",
  example: "https://<host>/<path> (the part before /DocumentReference)",
  requirementPrefix: "NRLS",
  ruleCatalogue: { file: "RULES.md", description: "../shared/spec/RULES.md" },
  fhirRelease: "STU3",
  specification: "NRLS API 1.1 / 1.2-beta, NRLS-DocumentReference-1",
  // A read of an id no pointer has, with no Spine headers: NRLS answers it with a Spine OperationOutcome (a missing
  // header, or no record), whatever else it does.
  probe: { method: "GET", path: "/DocumentReference?_id=spine-assure-probe", headers: { Accept: "application/fhir+json" }, expected: "a FHIR OperationOutcome (MISSING_OR_INVALID_HEADER or NO_RECORD_FOUND)" },
  variables: [
    { name: "NRLS_FROM_ASID", api: "nrls", description: "your system's ASID, sent as fromASID and in the JWT requesting_system", default: "200000000118", check: asid, testData: true, shownInEnvironment: true },
    { name: "NRLS_TO_ASID", api: "nrls", description: "the Spine ASID, sent as toASID", default: "999999999999", check: asid, testData: true },
    { name: "NRLS_CUSTODIAN_ODS", api: "nrls", description: "the ODS code affiliated with NRLS_FROM_ASID (pointer custodian, JWT requesting_organization)", default: "RR8", check: odsCode, testData: true },
    { name: "NRLS_AUTHOR_ODS", api: "nrls", description: "a known ODS code used as the pointer author", default: "RGD", check: odsCode, testData: true },
    { name: "NRLS_UNAFFILIATED_ODS", api: "nrls", description: "an ODS code known to Spine but tied to another ASID", default: "AMS01", check: odsCode, testData: true },
    { name: "NRLS_UNKNOWN_ODS", api: "nrls", description: "an ODS code the target does not know", default: "ZZZ99", check: odsCode, testData: true },
    { name: "NRLS_PATIENT_NHS_NUMBER", api: "nrls", description: "a test patient's NHS number (must pass Modulus 11)", default: "9876543210", check: nhsNumber, testData: true },
    {
      name: "NRLS_LOCATION_HOSTS", description: "hosts (host or host:port, comma-separated) besides NRLS_BASE_URL's own that a Location may name and the read-back may request, e.g. a Spine proxy's",
      check: (v) => (v.split(",").every((h) => /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-fA-F:.]+\](:\d{1,5})?$/.test(h.trim())) ? undefined : "must be host names or host:port pairs, comma-separated"),
    },
  ],
  client: {
    interactions: {
      "nrls-create": { api: "NRLS provider system", name: "Create pointer" },
      "nrls-read": { api: "NRLS provider system", name: "Read or search pointers" },
      "nrls-delete": { api: "NRLS provider system", name: "Delete pointer" },
      "nrls-other": { api: "NRLS provider system", name: "Not a documented NRLS interaction" },
    },
    acceptedRule: "NRLS-CLI-30",
    interactionOf(method, path) {
      if (path !== "/DocumentReference") return "nrls-other";
      return method === "POST" ? "nrls-create" : method === "GET" ? "nrls-read" : method === "DELETE" ? "nrls-delete" : "nrls-other";
    },
    rules: async () => (await import("./client/rules.ts")).default,
  },
  sandbox: {
    handler: async (ctx) => {
      const { nrlsHandler } = await import("./sandbox/pointers.ts");
      const serve = nrlsHandler({ directory: ctx.directory, switches: ctx.switches, maxPointers: storeCap(ctx.setting("SANDBOX_MAX_POINTERS"), "SANDBOX_MAX_POINTERS") });
      return (req, res, path, url, base) => serve(req, res, path, url.searchParams, base);
    },
    faults: NRLS_FAULTS,
    variants: NRLS_VARIANTS,
    settings: [{ name: "SANDBOX_MAX_POINTERS", description: "NRLS pointers kept at most, the oldest dropped first (default 10,000)" }],
  },
});
