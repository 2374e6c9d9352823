// The whole product as a new user runs it: the CLI against the embedded sandbox, with and without faults, and the
// exit codes a CI gate acts on. (Two whole runs go in this process, helpers/run-in-process.ts: what they prove is
// which requirements a target set-up makes not-applicable, not the process around them.)
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { validatorFor } from "../src/suite/schemas.ts";
import { runAssureCli, verdictsOf } from "./helpers/run-cli.ts";
import { runAssureInProcess } from "./helpers/run-in-process.ts";

const TOKEN = "AQIC5wM2LY4Sfcyw62EbAOsRpdfbGYUOyvkfZ4M6U7W52lM=@AAJTSQACMDE=#";

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? allFiles(join(dir, n)) : [join(dir, n)]));
}

describe("npm run assure against the embedded sandbox", () => {
  it("passes every requirement in JSON and XML, writes the summary and the report, exits 0, leaks nothing", async () => {
    const run = await runAssureCli();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const summary = run.summary!;
    expect(validatorFor("summary.schema.json")(summary)).toBe(true);
    const verdicts = verdictsOf(summary);
    for (const id of ["ERS-A001-01", "ERS-A001-02", "ERS-A001-03", "NRLS-CRT-01", "NRLS-CRT-02", "NRLS-CRT-03", "NRLS-CRT-04", "NRLS-CRT-05", "NRLS-CRT-06", "NRLS-CRT-07"]) {
      expect(verdicts[id], id).toBe("pass");
    }
    const crt07 = summary.requirements.find((r) => r.id === "NRLS-CRT-07")!;
    // JSON and XML answers, each to a pointer sent as JSON and as XML (RULES.md revision 3).
    expect(crt07.cases.map((c) => `${c.format}:${c.status}`).sort()).toEqual(["json:passed", "json:passed", "xml:passed", "xml:passed"]);
    expect(summary.gate).toMatchObject({ exitCode: 0, result: "pass" });
    expect(summary.targets.every((t) => t.embedded && t.responses === t.requests && t.requests > 0)).toBe(true);

    const html = join(run.outDir, "allure-report", "index.html");
    expect(existsSync(html)).toBe(true);
    // Self-contained and private: no analytics, nothing fetched from elsewhere.
    const page = readFileSync(html, "utf8");
    expect(page).not.toMatch(/googletagmanager|gtag\(|dataLayer/);
    expect(page).not.toMatch(/<script[^>]+src="https?:/);
    expect(run.stdout).toMatch(/PASS\s+MUST\s+NRLS-CRT-07/);
    expect(run.stdout).toContain("allure-report/index.html");

    // Evidence: every exchange attached, and no secret anywhere in what the run wrote or printed.
    const files = allFiles(run.outDir);
    const exchanges = files.filter((f) => f.endsWith(".httpexchange"));
    expect(exchanges.length).toBeGreaterThanOrEqual(5); // create + delete per case
    // A session created (201): its request carries the smartcard token, its answer the session key. (Some A001 cases
    // send no secret at all — an empty token in a non-JSON body — and files come in no particular order.)
    const sessionAttachment = exchanges.map((f) => readFileSync(f, "utf8")).find((t) => t.includes("/v1/ProfessionalSession") && t.includes('"status": 201'))!;
    expect(sessionAttachment).toContain("__ALLURE_REDACTED__");
    for (const text of [run.stdout, run.stderr, ...files.map((f) => readFileSync(f, "utf8"))]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toMatch(/pro-xapi-session_[0-9a-f]{8}/);
      expect(text).not.toMatch(/eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0\.[A-Za-z0-9_-]{20,}/);
    }
  });

  it("fails NRLS-CRT-07 alone, with exit 1, against a server whose Location has no ?_id=", async () => {
    const run = await runAssureCli(["--no-report", "--quiet"], { SANDBOX_FAULTS: "nrls-location-path-id" });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    // Piped, the console neither cuts the message (the bad Location is the evidence) nor, with --quiet, lists passes.
    expect(run.stdout).toMatch(/got https:\/\/127\.0\.0\.1:\d+\/nrls\/DocumentReference\/[0-9a-f-]+ \(check at suites\/nrls\/create\.yaml:\d+\)\n/);
    expect(run.stdout).toContain(`(--quiet: ${Object.keys(verdictsOf(run.summary)).length - 1} plain pass(es) not listed)`);
    expect(run.stdout).not.toMatch(/PASS\s+MUST/);
    const verdicts = verdictsOf(run.summary);
    expect(verdicts["NRLS-CRT-07"]).toBe("fail");
    for (const [id, v] of Object.entries(verdicts)) if (id !== "NRLS-CRT-07") expect(v, id).toBe("pass");
    const crt07 = run.summary!.requirements.find((r) => r.id === "NRLS-CRT-07")!;
    expect(crt07.cases.every((c) => c.status === "failed")).toBe(true);
    expect(crt07.cases[0]!.messages[0]).toMatch(/NRLS-CRT-07: expected Location matches .*; got https:\/\/127\.0\.0\.1:\d+\/nrls\/DocumentReference\/[0-9a-f-]+ \(check at suites\/nrls\/create\.yaml:\d+\)$/);
    expect(run.stdout).toMatch(/FAIL\s+MUST\s+NRLS-CRT-07/);
    expect(run.summary!.gate).toMatchObject({ exitCode: 1, result: "fail" });
  });

  it("reports ERS-A001-16 not-applicable, with the reason, against a target without the optional A004", async () => {
    const run = await runAssureInProcess(["--no-report", "--requirement", "ERS-A001-16,ERS-A002-01"], { SANDBOX_WITHOUT_A004: "true" });
    expect(run.code, run.stdout).toBe(0);
    const a004 = run.summary!.requirements.find((r) => r.id === "ERS-A001-16")!;
    expect(a004.verdict).toBe("not-applicable");
    expect(a004.reason).toMatch(/the target has no A004 reference data endpoint \(HTTP 404\)/);
    expect(verdictsOf(run.summary)["ERS-A002-01"]).toBe("pass");
    expect(run.stdout).toMatch(/N\/A\s+SHOULD ERS-A001-16/);
  });

  it("exits 2 naming the variable on bad configuration, and sends nothing", async () => {
    const run = await runAssureCli([], { NRLS_PATIENT_NHS_NUMBER: "9876543211", HTTP_TIMEOUT_MS: "soon" });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/NRLS_PATIENT_NHS_NUMBER must be a ten-digit NHS number/);
    expect(run.stdout).toMatch(/HTTP_TIMEOUT_MS must be a whole number/);
    expect(run.stdout).toMatch(/Nothing was sent/);
    expect(run.summary).toBeUndefined();
  });

  it("exits 2 naming the file, path and line of a bad suite", async () => {
    const dir = mkdtempSync(join(tmpdir(), "badsuites-"));
    mkdirSync(join(dir, "nrls"));
    const good = readFileSync(join(PROJECT_ROOT, "suites", "nrls", "create.yaml"), "utf8");
    writeFileSync(join(dir, "nrls", "create.yaml"), good.replace("- { req: NRLS-CRT-01, status: 201 }", "- { req: NRLS-CRT-01, status: 201, colour: red }"));
    const line = good.split("\n").findIndex((l) => l.includes("req: NRLS-CRT-01, status: 201")) + 1;
    const run = await runAssureCli(["--suites", dir]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(`create.yaml:${line}: cases[0].steps[0].expect[0]`);
    expect(run.summary).toBeUndefined();
  });

  it("exits 3 with the pre-flight's diagnosis when no target can be reached, recording nothing", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const run = await runAssureCli([], { ASSURE_ACCEPT_SANDBOX_VALUES: "all", NRLS_BASE_URL: `https://127.0.0.1:${port}/nrls` });
    expect(run.code, run.stdout + run.stderr).toBe(3);
    // e-RS has no target of its own here, so it is not run (never the embedded sandbox in an external run).
    expect(run.stdout).toContain("ERS  not run: no target configured (ERS_BASE_URL is not set)");
    expect(run.stdout).toMatch(/NRLS {2}https:\/\/127\.0\.0\.1:\d+\/nrls {2}\(external target, NRLS_BASE_URL\)[\s\S]*PROBLEM {2}nothing accepted a connection/);
    expect(run.stdout).toContain("not recorded in the history");
    expect(run.summary).toBeUndefined();
    expect(existsSync(join(run.outDir, "allure-report", "index.html"))).toBe(false);
  });
});

describe("a run with only some targets configured", () => {
  it("runs only the API that has a target: the other's requirements are not-applicable, never sent to the embedded sandbox", async () => {
    const { startSandbox, SANDBOX_CLIENT_TLS } = await import("../sandbox/server.ts");
    const external = await startSandbox({ faults: "", variants: "" });
    try {
      const run = await runAssureInProcess(["--no-report"], {
        ASSURE_ACCEPT_SANDBOX_VALUES: "all", NRLS_BASE_URL: external.baseUrls.nrls!, TLS_CA: SANDBOX_CLIENT_TLS.ca, TLS_CLIENT_CERT: SANDBOX_CLIENT_TLS.cert, TLS_CLIENT_KEY: SANDBOX_CLIENT_TLS.key,
      });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toContain("ERS  not run: no target configured (ERS_BASE_URL is not set)");
      expect(run.summary!.targets.map((t) => [t.name, t.embedded])).toEqual([["nrls", false]]);
      for (const [id, verdict] of Object.entries(verdictsOf(run.summary))) expect(verdict, id).toBe(id.startsWith("NRLS-") ? "pass" : "not-applicable");
      const ers = run.summary!.requirements.find((r) => r.id === "ERS-A001-01")!;
      expect(ers.cases[0]!.messages.join(" ")).toMatch(/no target configured for e-RS: ERS_BASE_URL is not set/);
      expect(run.summary!.cases.filter((c) => c.suite === "ers-professional-session").every((c) => c.status === "not-applicable")).toBe(true);
    } finally {
      await external.close();
    }
  });
});
