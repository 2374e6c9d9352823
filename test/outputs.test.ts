// The assurance outputs, checked for content from real runs against the sandbox with and without faults.
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/project-root.ts";
import type { Summary } from "../reporters/summary.ts";
import { validatorFor } from "../src/suite/schemas.ts";
import { SINGLE_FILE_MAX_CASES } from "../reporters/allure-report.ts";
import { firstScreen } from "../reporters/first-screen.ts";
import { readRunResult } from "../src/evidence/run-result-file.ts";
import { runAssureCli, verdictsOf, type CliRun } from "./helpers/run-cli.ts";
import { runAssureInProcess, verifyEvidenceInProcess } from "./helpers/run-in-process.ts";

const FAST = ["--no-report", "--requirement", "NRLS-CRT-07,NRLS-CRT-13,ERS-A001-01"];
const runDirOf = (run: CliRun) => join(run.outDir, "runs", readFileSync(join(run.outDir, "latest-run"), "utf8").trim());

describe("assurance outputs", () => {
  it("writes a run folder whose coverage matrix and JUnit match summary.json", async () => {
    const run = await runAssureInProcess(FAST, { SANDBOX_FAULTS: "nrls-location-path-id" });
    expect(run.code).toBe(1);
    const dir = runDirOf(run);
    expect(readdirSync(dir).sort()).toEqual(["SHA256SUMS", "allure-results", "index.html", "junit.xml", "manifest.json", "manifest.jws", "requirements.csv", "requirements.md", "run-result.json", "signer.pem", "summary.json"]);
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as Summary;
    expect(validatorFor("summary.schema.json")(summary)).toBe(true);
    expect(readFileSync(join(run.outDir, "summary.json"), "utf8")).toBe(readFileSync(join(dir, "summary.json"), "utf8"));

    // CSV: a header and one row per requirement, with the summary's verdict.
    const csv = readFileSync(join(dir, "requirements.csv"), "utf8").trim().split("\r\n");
    expect(csv[0]).toBe("id,level,basis,verdict,reason,variants,waiver,cases,source,sourceUrl,text");
    expect(csv).toHaveLength(summary.requirements.length + 1);
    for (const r of summary.requirements) expect(csv.find((l) => l.startsWith(`${r.id},`))!.split(",")[3]).toBe(r.verdict);
    const row = readFileSync(join(dir, "requirements.md"), "utf8").split("\n").find((l) => l.startsWith("| NRLS-CRT-07 | MUST | DOC |"));
    // The rule text, the verdict, the reason with its suite line, and the source as a linked title.
    expect(row).toMatch(/\| Location has the form [^\n]* \| fail \| NRLS-CRT-07: expected Location matches [^\n]*\(check at suites\/nrls\/create\.yaml:\d+\) \|/);
    expect(row).toContain("[nhsconnect/FHIR-NRLS-API pages/explore/api_interaction_create.md (commit 3ebad44) § Create Response](https://github.com/");

    // JUnit: well-formed, one testcase per case, failures where the summary has failed cases.
    const xml = readFileSync(join(dir, "junit.xml"), "utf8");
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (n) => ["testsuite", "testcase"].includes(n) }).parse(xml) as {
      testsuites: { "@_tests": string; "@_failures": string; testsuite: { testcase: { "@_name": string; failure?: unknown }[] }[] };
    };
    const testcases = doc.testsuites.testsuite.flatMap((s) => s.testcase);
    expect(testcases.map((t) => t["@_name"]).sort()).toEqual(summary.cases.map((c) => c.key).sort());
    const failed = summary.cases.filter((c) => c.status === "failed").map((c) => c.key).sort();
    expect(failed.length).toBeGreaterThan(0);
    expect(testcases.filter((t) => t.failure !== undefined).map((t) => t["@_name"]).sort()).toEqual(failed);
    expect(Number(doc.testsuites["@_failures"])).toBe(failed.length);

    // A run past what one page holds gets a folder report: the first screen says how to read it, this run's does not.
    const result = readRunResult(join(dir, "run-result.json"));
    expect(firstScreen(result)).not.toContain("npx allure open");
    expect(firstScreen({ ...result, cases: Array.from({ length: SINGLE_FILE_MAX_CASES + 1 }, () => result.cases[0]!) })).toContain("a browser reads only when it is served: <code>npx allure open allure-report</code>");
  });

  it("catches an edited, an added and a removed evidence file", async () => {
    const run = await runAssureInProcess(FAST);
    const dir = runDirOf(run);
    const verify = () => verifyEvidenceInProcess(dir);
    let v = await verify();
    expect(v.code, v.stdout).toBe(0);
    expect(v.stdout).toMatch(/files: \d+ match/);
    // A sandbox pack: its key is committed to the repository, so the verdict never says more than the files match.
    expect(v.stdout).toContain("integrity not provable");
    expect(v.stdout).not.toContain("trusted");
    const attachment = readdirSync(join(dir, "allure-results")).find((f) => f.endsWith(".httpexchange"))!;
    appendFileSync(join(dir, "allure-results", attachment), " ");
    writeFileSync(join(dir, "extra.txt"), "planted");
    rmSync(join(dir, "requirements.md"));
    v = await verify();
    expect(v.code).toBe(1);
    expect(v.stdout).toContain(`edited:  allure-results/${attachment}`);
    expect(v.stdout).toContain("added:   extra.txt");
    expect(v.stdout).toContain("removed: requirements.md");
  });

  it("turns a waived failure into waived, not gating, and gates again once the waiver has expired", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "waivers-"));
    const waiver = (expires: string) => `waivers:\n  - requirement: NRLS-CRT-07\n    reason: Location style change agreed with NHS assurance\n    expires: "${expires}"\n    approvedBy: A. Assessor\n`;
    writeFileSync(join(cwd, "active.yaml"), waiver("2999-12-31"));
    writeFileSync(join(cwd, "expired.yaml"), waiver("2020-01-31"));
    const active = await runAssureInProcess([...FAST, "--waivers", join(cwd, "active.yaml")], { SANDBOX_FAULTS: "nrls-location-path-id" });
    expect(active.code, active.stdout).toBe(0);
    const crt07 = active.summary!.requirements.find((r) => r.id === "NRLS-CRT-07")!;
    expect(crt07.verdict).toBe("waived");
    expect(crt07.waiver).toMatchObject({ approvedBy: "A. Assessor", expired: false });
    expect(active.stdout).toMatch(/WAIVED\s+MUST\s+NRLS-CRT-07/);
    expect(readFileSync(join(active.outDir, "requirements.csv"), "utf8")).toMatch(/^NRLS-CRT-07,MUST,DOC,waived,/m);

    const expired = await runAssureInProcess([...FAST, "--waivers", join(cwd, "expired.yaml")], { SANDBOX_FAULTS: "nrls-location-path-id" });
    expect(expired.code).toBe(1);
    expect(verdictsOf(expired.summary)["NRLS-CRT-07"]).toBe("fail");
    expect(expired.stdout).toContain("Waiver for NRLS-CRT-07 expired on 2020-01-31 (approved by A. Assessor): it gates again.");

    writeFileSync(join(cwd, "bad.yaml"), "waivers:\n  - requirement: NRLS-CRT-07\n    reason: x\n");
    const bad = await runAssureInProcess([...FAST, "--waivers", join(cwd, "bad.yaml")]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/bad\.yaml: .*expires/);
  });

  it("gates on a SHOULD failure only with --strict", async () => {
    const lenient = await runAssureInProcess(FAST, { SANDBOX_FAULTS: "nrls-duplicate-accepted" });
    expect(verdictsOf(lenient.summary)["NRLS-CRT-13"]).toBe("warning");
    expect(lenient.code).toBe(0);
    const strict = await runAssureInProcess([...FAST, "--strict"], { SANDBOX_FAULTS: "nrls-duplicate-accepted" });
    expect(strict.code).toBe(1);
    expect(strict.summary!.gate.reason).toContain("NRLS-CRT-13");
  });

  it("reruns only the cases that failed, and the history says what was fixed", async () => {
    const out = mkdtempSync(join(tmpdir(), "rerun-"));
    const first = await runAssureInProcess([...FAST, "--out", out], { SANDBOX_FAULTS: "nrls-location-path-id" });
    const failed = first.summary?.cases ?? JSON.parse(readFileSync(join(out, "summary.json"), "utf8")).cases;
    const failedKeys = (failed as Summary["cases"]).filter((c) => c.status === "failed").map((c) => c.key).sort();
    expect(failedKeys).toEqual(["nrls-create/create-pointer[json]", "nrls-create/create-pointer[json][xml body]", "nrls-create/create-pointer[xml]", "nrls-create/create-pointer[xml][xml body]"]);
    const again = await runAssureCli(["rerun", "--no-report", "--out", out]);
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toContain("rerun: 4 case(s) that failed or broke");
    // Quiet about what it did not select: one line, not a NOT RUN row per requirement.
    expect(again.stdout).not.toMatch(/NOT RUN/);
    expect(again.stdout).toMatch(/\(\d+ requirement\(s\) this partial run did not select are not listed: the latest view merges their last verdicts\)/);
    const second = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as Summary;
    expect(second.cases.filter((c) => c.status !== "not-run").map((c) => c.key).sort()).toEqual(failedKeys);
    expect(again.stdout).toMatch(/against the same target: nothing newly failing; fixed NRLS-CRT-07/);
    const history = readFileSync(join(out, "history.jsonl"), "utf8").trim().split("\n");
    expect(history).toHaveLength(2);
  });

  it("requirements lists coverage and fails on a MUST rule with no case", async () => {
    const ok = await runAssureCli(["requirements"]);
    expect(ok.code).toBe(0);
    // 9 claims × JSON and XML answers × JSON and XML bodies, and each claim again on a reused connection; the paths.
    expect(ok.stdout).toMatch(/NRLS-HDR-05\s+MUST\s+DOC\s+45 case\(s\)\s+jwt-claim-missing×45\n\s+proven on: JSON and XML bodies; JSON and XML responses; new and reused connections/);
    const dir = mkdtempSync(join(tmpdir(), "holes-"));
    mkdirSync(join(dir, "ers"));
    const suite = readFileSync(join(PROJECT_ROOT, "test", "data", "minimal-suite.yaml"), "utf8").replace(
      "\ncases:",
      "\n  - { id: ERS-A002-01, level: MUST, basis: DOC, text: Select role returns 200., source: { file: seeds/000_4165fa966d1890b0.txt, section: Output } }\n\ncases:",
    );
    writeFileSync(join(dir, "ers", "s.yaml"), suite);
    const holes = await runAssureCli(["requirements", "--suites", dir]);
    expect(holes.code).toBe(1);
    expect(holes.stdout).toMatch(/ERS-A002-01\s+MUST\s+DOC\s+0 case\(s\)\s+NO CASE/);
    expect(holes.stdout).toContain("1 MUST requirement(s) with no case: ERS-A002-01");
  });
});

describe("report regeneration", () => {
  it("renders the same outputs again from the stored run result, with the HTML report and a manifest that verifies", async () => {
    const run = await runAssureInProcess(FAST, { SANDBOX_FAULTS: "nrls-location-path-id" });
    const dir = runDirOf(run);
    const rendered = ["run-result.json", "summary.json", "requirements.csv", "requirements.md", "junit.xml"];
    const before = rendered.map((f) => readFileSync(join(dir, f), "utf8"));
    const allureBefore = readdirSync(join(dir, "allure-results")).filter((f) => f.endsWith("-result.json")).length;
    const regen = await runAssureCli(["report", "--out", run.outDir]);
    expect(regen.code, regen.stdout + regen.stderr).toBe(0);
    expect(regen.stdout).toContain("manifest rewritten");
    const html = readFileSync(join(dir, "allure-report", "index.html"), "utf8");
    expect(html).toContain("Spine assurance report");
    expect(readFileSync(join(run.outDir, "allure-report", "index.html"), "utf8")).toBe(html);
    expect(verifyEvidenceInProcess(dir).code).toBe(0);
    // The same renderers over the same RunResult: every output is what the run wrote, failures included.
    expect(rendered.map((f) => readFileSync(join(dir, f), "utf8"))).toEqual(before);
    expect(readFileSync(join(run.outDir, "summary.json"), "utf8")).toBe(before[1]);
    expect(readdirSync(join(dir, "allure-results")).filter((f) => f.endsWith("-result.json")).length).toBe(allureBefore);
    expect(before[1]).toMatch(/"verdict": "fail"/);
  });
});
