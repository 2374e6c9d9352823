// e-RS Create Professional Session (A001), with Select Role (A002), Delete (A003) and reference data (A004): the
// API module. Everything the engine, the configuration and the sandbox need to know of e-RS is here or imported here.
import { defineApi } from "../../src/api-module.ts";
import { asid } from "../../src/value-checks.ts";
import { storeCap } from "../../sandbox/store-cap.ts";
import { ERS_FAULTS } from "./faults.ts";
import { ERS_VARIANTS } from "./variants.ts";

export default defineApi({
  name: "ers",
  label: "e-RS",
  baseUrlVariable: "ERS_BASE_URL",
  sandboxPath: "/ers-api",
  example: "https://api.int.ers.ncrs.nhs.uk/ers-api",
  requirementPrefix: "ERS",
  ruleCatalogue: { file: "RULES.md", description: "../shared/spec/RULES.md" },
  specification: "e-RS XAPI v1 (A001–A004)",
  // A create with no ASID and no token: e-RS refuses it (403 or 422) with an OperationOutcome, and makes no session.
  probe: { method: "POST", path: "/v1/ProfessionalSession", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: "{}", expected: "an OperationOutcome refusing the request (403 or 422)" },
  variables: [
    { name: "ERS_ASID", api: "ers", description: "ASID sent as XAPI_ASID to e-RS", default: "200000000220", check: asid, testData: true, shownInEnvironment: true },
    { name: "ERS_SMARTCARD_TOKEN", api: "ers", description: "smartcard token for A001 (secret)", default: "AQIC5wM2LY4Sfcyw62EbAOsRpdfbGYUOyvkfZ4M6U7W52lM=@AAJTSQACMDE=#", secret: true, testData: true },
  ],
  client: {
    interactions: {
      "ers-a001": { api: "e-RS referrer system", name: "A001 Create Professional Session" },
      "ers-a002": { api: "e-RS referrer system", name: "A002 Select Role" },
      "ers-a003": { api: "e-RS referrer system", name: "A003 Delete Professional Session" },
      "ers-a004": { api: "e-RS referrer system", name: "A004 Retrieve Reference Data" },
      "ers-other": { api: "e-RS referrer system", name: "Not a documented e-RS interaction" },
    },
    acceptedRule: "ERS-CLI-12",
    interactionOf(method, path) {
      if (path === "/v1/ProfessionalSession") return method === "POST" ? "ers-a001" : "ers-other";
      if (/^\/v1\/ProfessionalSession\/[^/]+$/.test(path)) return method === "PUT" ? "ers-a002" : method === "DELETE" ? "ers-a003" : "ers-other";
      if (/^\/v1\/ValueSet\/[^/]+$/.test(path)) return method === "GET" ? "ers-a004" : "ers-other";
      return "ers-other";
    },
    // A session id in a path is a credential: never printed, never a title.
    shownPath: (path) => path.replace(/^(\/v1\/ProfessionalSession\/)[^/]+/, "$1{id}"),
    secrets: { of: (directory) => directory.ers.users.map((u) => u.token), fields: ["token"] },
    rules: async () => (await import("./client/rules.ts")).default,
  },
  sandbox: {
    handler: async (ctx) => {
      const { ersHandler } = await import("./sandbox/sessions.ts");
      const serve = ersHandler({
        directory: ctx.directory,
        switches: ctx.switches,
        maxSessions: storeCap(ctx.setting("SANDBOX_MAX_SESSIONS"), "SANDBOX_MAX_SESSIONS"),
        withoutA004: ctx.setting("SANDBOX_WITHOUT_A004") === "true",
      });
      return (req, res, path) => serve(req, res, path);
    },
    faults: ERS_FAULTS,
    variants: ERS_VARIANTS,
    settings: [
      { name: "SANDBOX_MAX_SESSIONS", description: "e-RS sessions kept at most, the oldest dropped first (default 10,000)" },
      { name: "SANDBOX_WITHOUT_A004", description: "true: no A004 reference data endpoint, like a target without that optional endpoint (ERS-A001-16 becomes not-applicable)" },
    ],
  },
});
