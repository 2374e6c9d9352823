import { createPrivateKey } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TARGETS } from "../src/targets.ts";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config/load-config.ts";
import { VARIABLES } from "../src/config/variables.ts";
import { PROJECT_ROOT } from "../src/project-root.ts";

/** An external NRLS target whose test data is taken as right: TLS is checked only for external targets. */
const external = { NRLS_BASE_URL: "https://nrls.int.example.nhs.uk/nrls", ASSURE_ACCEPT_SANDBOX_VALUES: "all" };
const empty = () => mkdtempSync(join(tmpdir(), "cfg-"));
const problems = (env: NodeJS.ProcessEnv, cwd = empty()) => {
  try {
    loadConfig({ env, cwd });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems.join("\n");
  }
  throw new Error("configuration was accepted");
};

describe("configuration", () => {
  it("defaults to the embedded sandbox and its test data", () => {
    const c = loadConfig({ env: {}, cwd: empty() });
    expect(c.baseUrls).toEqual({ ers: undefined, nrls: undefined });
    expect(c.values.NRLS_PATIENT_NHS_NUMBER).toBe("9876543210");
    expect(c.timeoutMs).toBe(10_000);
    // The secrets that have a value by default: each API module's credentials with a sandbox default.
    expect(c.secrets.map((s) => s.name)).toEqual(TARGETS.flatMap((t) => t.variables.filter((v) => v.secret && v.default).map((v) => v.name)));
    expect(c.secrets.map((s) => s.name)).toContain("ERS_SMARTCARD_TOKEN");
  });

  it("names each malformed variable, all at once", () => {
    const text = problems({ NRLS_BASE_URL: "ftp://x", NRLS_PATIENT_NHS_NUMBER: "9876543211", HTTP_TIMEOUT_MS: "-5", NRLS_CUSTODIAN_ODS: "rr 8" });
    expect(text).toMatch(/NRLS_BASE_URL must be an http\(s\) URL/);
    expect(text).toMatch(/NRLS_PATIENT_NHS_NUMBER must be a ten-digit NHS number with a valid Modulus-11 check digit/);
    expect(text).toMatch(/HTTP_TIMEOUT_MS must be a whole number/);
    expect(text).toMatch(/NRLS_CUSTODIAN_ODS must be an ODS code/);
  });

  it("never echoes a secret in an error", () => {
    // No check on the token itself; the passphrase without a key is the error here.
    const text = problems({ ...external, TLS_CLIENT_CERT: "nope.pem", TLS_KEY_PASSPHRASE: "hunter2-secret" });
    expect(text).toMatch(/TLS_CLIENT_CERT names a file that does not exist/);
    expect(text).toMatch(/TLS_CLIENT_CERT and TLS_CLIENT_KEY go together/);
    expect(text).not.toContain("hunter2-secret");
  });

  it("checks that TLS files are PEM of the right kind", () => {
    const text = problems({ ...external, TLS_CA: join(PROJECT_ROOT, "fixtures", "tls", "client.key") });
    expect(text).toMatch(/TLS_CA .* is not a PEM file of the expected kind/);
  });

  it("refuses a client key that is not the certificate's, or a wrong passphrase, before anything is sent", () => {
    const tls = (f: string) => join(PROJECT_ROOT, "fixtures", "tls", f);
    const mismatched = problems({ ...external, TLS_CLIENT_CERT: tls("client.crt"), TLS_CLIENT_KEY: tls("server.key") });
    expect(mismatched).toMatch(/TLS_CLIENT_KEY is not the private key of the certificate in TLS_CLIENT_CERT \("C=GB, O=spine-assure test PKI, CN=spine-assure test client/);
    const dir = empty();
    const encrypted = createPrivateKey(readFileSync(tls("client.key"))).export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "right-one" });
    writeFileSync(join(dir, "client.enc.key"), encrypted);
    const env = { TLS_CLIENT_CERT: tls("client.crt"), TLS_CLIENT_KEY: "client.enc.key" };
    const wrong = problems({ ...env, ...external, TLS_KEY_PASSPHRASE: "wrong-one-secret" }, dir);
    expect(wrong).toMatch(/TLS_CLIENT_CERT and TLS_CLIENT_KEY with TLS_KEY_PASSPHRASE cannot be used: .*decrypt/);
    expect(wrong).not.toContain("wrong-one-secret");
    expect(loadConfig({ env: { ...env, TLS_KEY_PASSPHRASE: "right-one", ...external }, cwd: dir }).tls.nrls?.files.passphrase).toBe("right-one");
  });

  it("refuses production hosts unless ALLOW_PRODUCTION=true, saying why and how to override", () => {
    const text = problems({ NRLS_BASE_URL: "https://psis-sync.national.ncrs.nhs.uk/nrls" });
    expect(text).toMatch(/NRLS_BASE_URL points at psis-sync\.national\.ncrs\.nhs\.uk, an NHS production host/);
    expect(text).toMatch(/set ALLOW_PRODUCTION=true/);
    expect(problems({ ERS_BASE_URL: "https://api.service.nhs.uk/ers-api" })).toMatch(/ERS_BASE_URL points at api\.service\.nhs\.uk/);
    expect(loadConfig({ env: { ...external, NRLS_BASE_URL: "https://psis-sync.national.ncrs.nhs.uk/nrls", ALLOW_PRODUCTION: "true" }, cwd: empty() }).baseUrls.nrls).toContain("psis-sync");
    expect(loadConfig({ env: { ...external, NRLS_BASE_URL: "https://nrls.int.spine.example.nhs.uk/nrls" }, cwd: empty() }).baseUrls.nrls).toBeDefined();
  });

  it("reads .env, and the environment wins over it", () => {
    const dir = empty();
    writeFileSync(join(dir, ".env"), "NRLS_FROM_ASID=111111111111\nNRLS_TO_ASID=222222222222\n");
    const c = loadConfig({ env: { NRLS_TO_ASID: "333333333333" }, cwd: dir });
    expect(c.values.NRLS_FROM_ASID).toBe("111111111111");
    expect(c.values.NRLS_TO_ASID).toBe("333333333333");
  });

  it("reads .env.example, copied to .env unchanged, as exactly the sandbox's values (a # in a value survives)", () => {
    const dir = empty();
    writeFileSync(join(dir, ".env"), readFileSync(join(PROJECT_ROOT, ".env.example"), "utf8"));
    const fromExample = loadConfig({ env: {}, cwd: dir }).values;
    expect(fromExample.ERS_SMARTCARD_TOKEN).toMatch(/#$/);
    expect(fromExample).toEqual(loadConfig({ env: {}, cwd: empty() }).values);
  });

  it("refuses a key with the harness's prefixes that it does not know, naming the nearest known one", () => {
    expect(problems({ NRLS_FROM_ASlD: "200000000118" })).toBe("NRLS_FROM_ASlD (in the environment) is not a setting spine-assure knows; did you mean NRLS_FROM_ASID?");
    const dir = empty();
    writeFileSync(join(dir, ".env"), 'TLS_CLIENT_CRT="certs/a.crt"\n');
    expect(problems({}, dir)).toMatch(/^TLS_CLIENT_CRT \(in \.env\) is not a setting spine-assure knows; did you mean TLS_CLIENT_CERT\?$/);
    // Other keys are not the harness's business, and the sandbox's own settings are known.
    expect(loadConfig({ env: { HOME_DIR: "x", SANDBOX_LATENCY_MS: "5" }, cwd: empty() }).values.ASSURE_CONCURRENCY).toBe("8");
  });

  it("documents every variable in .env.example", () => {
    const example = readFileSync(join(PROJECT_ROOT, ".env.example"), "utf8");
    for (const v of VARIABLES) expect(example, v.name).toMatch(new RegExp(`^#?\\s*${v.name}=`, "m"));
  });
});

describe("a key passphrase that is a word of the exchanges", () => {
  // Never sent, so no target can echo it; as an ordinary word ("DocumentReference") it would be masked wherever the
  // word appears and fail every run's leak gate on a leak that is not one.
  const suitesText = () => JSON.stringify({ cases: [{ request: { path: "/DocumentReference" } }] });
  const cwd = mkdtempSync(join(tmpdir(), "passphrase-"));
  it("is not hunted for, with a warning naming the variable; any other passphrase is", () => {
    const ordinary = loadConfig({ env: { TLS_KEY_PASSPHRASE: "DocumentReference" }, cwd, ordinaryText: suitesText });
    expect(ordinary.secrets.map((s) => s.name)).not.toContain("TLS_KEY_PASSPHRASE");
    expect(ordinary.warnings.join("\n")).toMatch(/TLS_KEY_PASSPHRASE is a word the exchanges themselves carry/);
    const strong = loadConfig({ env: { TLS_KEY_PASSPHRASE: "c0rrect-h0rse#battery" }, cwd, ordinaryText: suitesText });
    expect(strong.secrets).toContainEqual({ name: "TLS_KEY_PASSPHRASE", value: "c0rrect-h0rse#battery" });
    expect(strong.warnings.join("\n")).not.toMatch(/a word the exchanges/);
  });
});
