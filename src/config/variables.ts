// Every configuration variable the harness reads: its default (the embedded sandbox's value), whether it is a secret,
// and how a value is checked — the engine's own, and each API module's (its base URL, TLS overrides, test data).
// `.env.example` documents the same names; a test keeps the two in step.
import type { VariableSpec } from "../api-module.ts";
import { TARGETS } from "../targets.ts";
import { asid, positiveInt, url } from "../value-checks.ts";

export type { VariableSpec } from "../api-module.ts";

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
  ...TARGETS.flatMap((t) => t.variables),
  ...tlsVariables("TLS_", "every API"),
  ...TARGETS.flatMap((t) => tlsVariables(`${t.name.toUpperCase()}_TLS_`, `${t.label} only, overriding TLS_*`)),
  {
    name: "ASSURE_ACCEPT_SANDBOX_VALUES", description: "test-data variables (comma-separated, or all) whose embedded-sandbox value really is the external target's, e.g. a standalone spine-assure sandbox",
    check: (v) => { const bad = v.split(",").map((n) => n.trim()).filter((n) => n !== "all" && !TEST_DATA_NAMES.includes(n)); return bad.length ? `names ${bad.join(", ")}, which ${bad.length > 1 ? "are not test-data variables" : "is not a test-data variable"} (${TEST_DATA_NAMES.join(", ")})` : undefined; },
  },
  { name: "HTTP_TIMEOUT_MS", description: "per-request timeout in milliseconds", default: "10000", check: positiveInt(600_000) },
  { name: "EVIDENCE_MAX_BODY_BYTES", description: "bodies are kept as evidence up to this size, then cut with the SHA-256 of the whole body (checks always see it whole)", default: "262144", check: positiveInt(1 << 30) },
  { name: "EVIDENCE_MAX_TOTAL_BODY_BYTES", description: "assess-client: the bodies kept across an assessment's pack, at most (those of requests that broke a rule first); past it a body is cut the same way", default: "16777216", check: positiveInt(1 << 30) },
  { name: "HTTP_MAX_RESPONSE_BYTES", description: "responses larger than this are cut off and the case is broken", default: "5242880", check: positiveInt(1 << 30) },
  { name: "ALLOW_PRODUCTION", description: "true: allow base URLs on NHS production hosts (pointers would be created in live Spine)", default: "false", check: (v) => (v === "true" || v === "false" ? undefined : "must be true or false") },
  { name: "ASSURE_CONCURRENCY", description: "how many cases run at once (requests in flight at most)", default: "8", check: positiveInt(256) },
  { name: "ASSURE_RUN_TIMEOUT", description: "seconds a run may take before it stops itself as on Ctrl-C (teardown runs, outputs written, exit 4)", default: "3600", check: positiveInt(864000) },
  // assess-client: the supplier's system being assessed, named in the pack (its options override these).
  { name: "ASSESSED_SYSTEM", description: "assess-client: the product name of the supplier system being assessed (shown and signed in the pack)" },
  { name: "ASSESSED_SYSTEM_VERSION", description: "assess-client: its version" },
  { name: "ASSESSED_SUPPLIER", description: "assess-client: the supplier organisation (name or ODS code)" },
  { name: "ASSESSED_SYSTEM_ASID", description: "assess-client: the system's ASID (as it sends fromASID or XAPI_ASID)", check: asid },
  { name: "ASSURE_KEEP_RUNS", description: "run folders kept under the output root's runs/ (older ones are removed after each run)", default: "20", check: positiveInt(100000) },
];

/** Read by the embedded sandbox (sandbox/ and each module's), not by a run's configuration; known, so never reported as misspelt. */
export const SANDBOX_VARIABLE_NAMES = [
  "SANDBOX_FAULTS", "SANDBOX_VARIANTS", "SANDBOX_LATENCY_MS", "SANDBOX_DIRECTORY", "SANDBOX_PORT",
  ...TARGETS.flatMap((t) => t.sandbox?.settings.map((s) => s.name) ?? []),
];

/** Keys with these prefixes are the harness's: one it does not know is a mistake (NRLS_FROM_ASlD), never ignored. */
export const OWN_PREFIXES = [...TARGETS.map((t) => `${t.name.toUpperCase()}_`), "TLS_", "ASSURE_", "SANDBOX_"];

/** Variables whose values are never shown, only masked. */
export const SECRET_VARIABLES = VARIABLES.filter((v) => v.secret).map((v) => v.name);

export const TEST_DATA_NAMES = VARIABLES.filter((v) => v.testData).map((v) => v.name);
