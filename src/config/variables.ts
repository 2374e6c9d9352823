// Every configuration variable the harness reads: its default (the embedded sandbox's value), whether it is a secret,
// and how a value is checked. `.env.example` documents the same names; a test keeps the two in step.
import { isValidNhsNumber } from "../fhir/nhs-number.ts";
import { TARGETS, type TargetName } from "../targets.ts";

export interface VariableSpec {
  name: string;
  description: string;
  /** Used when the variable is unset or empty. Undefined: optional, no value. */
  default?: string;
  secret?: boolean;
  /** Returns a problem with the value, or undefined when it is fine. */
  check?: (value: string) => string | undefined;
  /** Test data: offered to suites for interpolation as {{NAME}}. */
  testData?: boolean;
  /** The API whose requests carry it: against an external target it must be set to that environment's value. */
  api?: TargetName;
  /** Shown in the report's environment, masked: the identity a run used, enough to tell runs apart. */
  shownMasked?: boolean;
}

const pattern = (re: RegExp, what: string) => (v: string) => (re.test(v) ? undefined : `must be ${what}`);
const asid = pattern(/^\d{1,12}$/, "an ASID (up to 12 digits)");
const ods = pattern(/^[A-Z0-9]{3,10}$/, "an ODS code (3 to 10 capital letters or digits)");
const url = (v: string) => {
  try {
    const u = new URL(v);
    // Credentials in the URL would be written wherever the URL is shown: the console, the summary, the report.
    if (u.username || u.password) return "must not carry credentials (user:password@): the URL is shown in every output";
    return u.protocol === "https:" || u.protocol === "http:" ? undefined : "must be an http(s) URL";
  } catch {
    return "must be an absolute URL such as https://host/path";
  }
};
const positiveInt = (max: number) => (v: string) =>
  /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= max ? undefined : `must be a whole number from 1 to ${max}`;

/** One TLS identity's variables: the CA, and the client identity as PEM certificate and key or a PKCS#12 bundle. */
function tlsVariables(prefix: string, scope: string): VariableSpec[] {
  return [
    { name: `${prefix}CA`, description: `PEM file of the CA(s) that sign the target's server certificate (${scope}); empty: the system's CAs` },
    { name: `${prefix}CLIENT_CERT`, description: `PEM file of the client certificate for mutual TLS (${scope})` },
    { name: `${prefix}CLIENT_KEY`, description: `PEM file of the client certificate's private key (${scope})` },
    { name: `${prefix}PFX`, description: `PKCS#12 file (.p12, .pfx) holding the client certificate and key, instead of the PEM pair (${scope})` },
    { name: `${prefix}KEY_PASSPHRASE`, description: `passphrase of the client key or PKCS#12 file, if it is encrypted (${scope}; secret)`, secret: true },
  ];
}

export const VARIABLES: readonly VariableSpec[] = [
  ...TARGETS.map((t): VariableSpec => ({ name: t.baseUrlVariable, description: `${t.label} base URL, e.g. ${t.example}; empty: the embedded sandbox`, check: url })),
  { name: "ERS_ASID", api: "ers", description: "ASID sent as XAPI_ASID to e-RS", default: "200000000220", check: asid, testData: true, shownMasked: true },
  { name: "ERS_SMARTCARD_TOKEN", api: "ers", description: "smartcard token for A001 (secret)", default: "AQIC5wM2LY4Sfcyw62EbAOsRpdfbGYUOyvkfZ4M6U7W52lM=@AAJTSQACMDE=#", secret: true, testData: true },
  { name: "NRLS_FROM_ASID", api: "nrls", description: "your system's ASID, sent as fromASID and in the JWT requesting_system", default: "200000000118", check: asid, testData: true, shownMasked: true },
  { name: "NRLS_TO_ASID", api: "nrls", description: "the Spine ASID, sent as toASID", default: "999999999999", check: asid, testData: true },
  { name: "NRLS_CUSTODIAN_ODS", api: "nrls", description: "the ODS code affiliated with NRLS_FROM_ASID (pointer custodian, JWT requesting_organization)", default: "RR8", check: ods, testData: true },
  { name: "NRLS_AUTHOR_ODS", api: "nrls", description: "a known ODS code used as the pointer author", default: "RGD", check: ods, testData: true },
  { name: "NRLS_UNAFFILIATED_ODS", api: "nrls", description: "an ODS code known to Spine but tied to another ASID", default: "AMS01", check: ods, testData: true },
  { name: "NRLS_UNKNOWN_ODS", api: "nrls", description: "an ODS code the target does not know", default: "ZZZ99", check: ods, testData: true },
  {
    name: "NRLS_PATIENT_NHS_NUMBER", api: "nrls", description: "a test patient's NHS number (must pass Modulus 11)", default: "9876543210", testData: true,
    check: (v) => (isValidNhsNumber(v) ? undefined : "must be a ten-digit NHS number with a valid Modulus-11 check digit"),
  },
  ...tlsVariables("TLS_", "both APIs"),
  ...TARGETS.flatMap((t) => tlsVariables(`${t.name.toUpperCase()}_TLS_`, `${t.label} only, overriding TLS_*`)),
  {
    name: "NRLS_LOCATION_HOSTS", description: "hosts (host or host:port, comma-separated) besides NRLS_BASE_URL's own that a Location may name and the read-back may request, e.g. a Spine proxy's",
    check: (v) => (v.split(",").every((h) => /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-fA-F:.]+\](:\d{1,5})?$/.test(h.trim())) ? undefined : "must be host names or host:port pairs, comma-separated"),
  },
  {
    name: "ASSURE_ACCEPT_SANDBOX_VALUES", description: "test-data variables (comma-separated, or all) whose embedded-sandbox value really is the external target's, e.g. a standalone spine-assure sandbox",
    check: (v) => { const bad = v.split(",").map((n) => n.trim()).filter((n) => n !== "all" && !TEST_DATA_NAMES.includes(n)); return bad.length ? `names ${bad.join(", ")}, which ${bad.length > 1 ? "are not test-data variables" : "is not a test-data variable"} (${TEST_DATA_NAMES.join(", ")})` : undefined; },
  },
  { name: "HTTP_TIMEOUT_MS", description: "per-request timeout in milliseconds", default: "10000", check: positiveInt(600_000) },
  { name: "EVIDENCE_MAX_BODY_BYTES", description: "bodies are kept as evidence up to this size, then cut with the SHA-256 of the whole body (checks always see it whole)", default: "262144", check: positiveInt(1 << 30) },
  { name: "HTTP_MAX_RESPONSE_BYTES", description: "responses larger than this are cut off and the case is broken", default: "5242880", check: positiveInt(1 << 30) },
  { name: "ALLOW_PRODUCTION", description: "true: allow base URLs on NHS production hosts (pointers would be created in live Spine)", default: "false", check: (v) => (v === "true" || v === "false" ? undefined : "must be true or false") },
  { name: "ASSURE_CONCURRENCY", description: "how many cases run at once (requests in flight at most)", default: "8", check: positiveInt(256) },
  { name: "ASSURE_RUN_TIMEOUT", description: "seconds a run may take before it stops itself as on Ctrl-C (teardown runs, outputs written, exit 4)", default: "3600", check: positiveInt(864000) },
  { name: "ASSURE_KEEP_RUNS", description: "run folders kept under the output root's runs/ (older ones are removed after each run)", default: "20", check: positiveInt(100000) },
];

/** Read by the embedded sandbox (sandbox/), not by a run's configuration; known, so never reported as misspelt. */
export const SANDBOX_VARIABLE_NAMES = ["SANDBOX_FAULTS", "SANDBOX_VARIANTS", "SANDBOX_LATENCY_MS", "SANDBOX_WITHOUT_A004", "SANDBOX_MAX_POINTERS", "SANDBOX_MAX_SESSIONS", "SANDBOX_DIRECTORY", "SANDBOX_PORT"];

/** Keys with these prefixes are the harness's: one it does not know is a mistake (NRLS_FROM_ASlD), never ignored. */
export const OWN_PREFIXES = ["ERS_", "NRLS_", "TLS_", "ASSURE_", "SANDBOX_"];

/** Variables whose values are never shown, only masked. */
export const SECRET_VARIABLES = VARIABLES.filter((v) => v.secret).map((v) => v.name);

export const TEST_DATA_NAMES = VARIABLES.filter((v) => v.testData).map((v) => v.name);
