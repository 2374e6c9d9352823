// runPlan is a plain function: a plan runs against real servers without the CLI or vitest's runner in between, and a
// plan whose checks do not compile sends nothing.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_CLIENT_TLS, startSandbox, type RunningSandbox } from "../sandbox/server.ts";
import { loadConfig } from "../src/config/load-config.ts";
import { makePlan } from "../src/plan/make-plan.ts";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { runPlan, type RunOptions } from "../src/run/run-plan.ts";
import type { CaseResult } from "../src/run/run-case.ts";
import { loadSuites } from "../src/suite/load-suites.ts";
import { SuiteError } from "../src/suite/suite-problems.ts";
import { runAssureInProcess } from "./helpers/run-in-process.ts";

const config = loadConfig({ env: {}, cwd: tmpdir(), dotenvFile: false });
const options = (): RunOptions => ({
  config: { ...config.values }, secrets: config.secrets.map((s) => s.value), timeoutMs: 5_000, maxResponseBytes: 1 << 20, concurrency: 4, fixturesDir: join(PROJECT_ROOT, "fixtures"),
});
const tls = { ca: readFileSync(SANDBOX_CLIENT_TLS.ca, "utf8"), cert: readFileSync(SANDBOX_CLIENT_TLS.cert, "utf8"), key: readFileSync(SANDBOX_CLIENT_TLS.key, "utf8") };

describe("runPlan, called directly", () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => (sandbox = await startSandbox()));
  afterAll(() => sandbox?.close());

  it("runs every planned case once against the sandbox and hands each redacted result over", async () => {
    const plan = makePlan(loadSuites(), config, { requirements: ["ERS-A001-01", "NRLS-CRT-06"] });
    const got: CaseResult[] = [];
    const secrets = new Set<string>();
    await runPlan(plan, { ers: { baseUrl: sandbox.baseUrls.ers!, tls }, nrls: { baseUrl: sandbox.baseUrls.nrls!, tls } }, options(), (r, s) => {
      got.push(r);
      for (const x of s) secrets.add(x);
    });
    expect(got.map((r) => r.key).sort()).toEqual(plan.cases.map((c) => c.key).sort());
    expect(got.every((r) => r.status === "passed"), JSON.stringify(got.filter((r) => r.status !== "passed").map((r) => [r.key, r.reason]))).toBe(true);
    // The smartcard token and the session keys the cases met are known to the caller, and appear in no result.
    expect(secrets.has(config.values.ERS_SMARTCARD_TOKEN!)).toBe(true);
    const text = JSON.stringify(got);
    for (const s of secrets) expect(text).not.toContain(s);
    // Every check says where it was written.
    expect(got.flatMap((r) => r.steps.flatMap((s) => s.checks)).every((c) => /^suites\/.+\.yaml:\d+$/.test(c.at))).toBe(true);
  });
});

const BAD_SUITE = (port: number) => readFileSync(join(PROJECT_ROOT, "test", "data", "minimal-suite.yaml"), "utf8")
  .replace('fhirpath: "id.exists() and (id is System.String) and id.length() > 0"', 'fhirpath: "id.exists( and"')
  .concat(`\n# port ${port}\n`);

describe("a plan whose checks do not compile", () => {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    res.end();
  });
  beforeAll(() => new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r())));
  afterAll(() => server.close());

  it("is refused by runPlan with the file and line, before any request", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bad-suite-"));
    writeFileSync(join(dir, "bad.yaml"), BAD_SUITE(0));
    const plan = makePlan(loadSuites({ dir }), config);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const run = runPlan(plan, { ers: { baseUrl: `${base}/ers-api`, tls: {} }, nrls: { baseUrl: `${base}/nrls`, tls: {} } }, options(), () => {});
    await expect(run).rejects.toBeInstanceOf(SuiteError);
    await expect(run).rejects.toThrow(/bad\.yaml:\d+: fhirpath: FHIRPath does not compile/);
    expect(requests).toBe(0);
  });

  it("stops `spine-assure run` with exit 2, naming the file and line, with nothing sent or written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bad-suite-"));
    mkdirSync(join(dir, "ers"));
    writeFileSync(join(dir, "ers", "bad.yaml"), BAD_SUITE(0));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const run = await runAssureInProcess(["--suites", dir, "--no-report"], { ASSURE_ACCEPT_SANDBOX_VALUES: "all", ERS_BASE_URL: `${base}/ers-api`, NRLS_BASE_URL: `${base}/nrls` });
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stdout).toMatch(/bad\.yaml:\d+: fhirpath: FHIRPath does not compile/);
    expect(run.stdout).toContain("Nothing was sent.");
    expect(run.summary).toBeUndefined();
    expect(existsSync(join(run.outDir, "runs")) ? readdirSync(join(run.outDir, "runs")) : []).toEqual([]);
    expect(requests).toBe(0);
  });
});
