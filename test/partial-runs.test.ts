// Partial runs are marked and merged, through whole runs (in process; rerun through the CLI): a rerun writes its own run folder, marked partial with its
// filters, and the latest view (summary.json, the matrix, JUnit) becomes the last full run with the rerun laid over it,
// each verdict saying which run it comes from; "since the last run" compares like with like.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Summary } from "../reporters/summary.ts";
import { runAssureCli, verdictsOf, type CliRun } from "./helpers/run-cli.ts";
import { runAssureInProcess } from "./helpers/run-in-process.ts";

describe("partial runs", { timeout: 180_000 }, () => {
  // One full run (NRLS-CRT-07 failing), and each scenario in a copy of its output folder: the same evidence a full run
  // of its own would leave, for a third of the time.
  let fullOut: string;
  let full: CliRun;
  beforeAll(async () => {
    fullOut = mkdtempSync(join(tmpdir(), "partial-full-"));
    full = await runAssureInProcess(["--no-report", "--out", fullOut], { SANDBOX_FAULTS: "nrls-location-path-id" });
  }, 180_000);
  const copyOfFull = () => {
    const out = mkdtempSync(join(tmpdir(), "partial-"));
    cpSync(fullOut, out, { recursive: true });
    return out;
  };

  it("merges a rerun into the latest view instead of replacing it with a handful of cases", async () => {
    expect(full.code).toBe(1);
    const out = copyOfFull();
    const failedCases = full.summary!.cases.filter((c) => c.status === "failed").length;

    const rerun = await runAssureCli(["rerun", "--no-report", "--out", out]);
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain(`rerun: ${failedCases} case(s) that failed or broke in run ${full.summary!.runId}`);
    expect(rerun.stdout).toMatch(/fixed NRLS-CRT-07/);
    expect(rerun.stdout).toMatch(/A partial run: .*summary\.json, the matrix and JUnit are the latest view/);

    const latest = rerun.summary!;
    const own = JSON.parse(readFileSync(join(out, "runs", latest.mergedFrom!.at(-1)!.runId, "summary.json"), "utf8")) as Summary;
    expect(own).toMatchObject({ partial: true, filters: { caseKeys: expect.any(Array) } });
    expect(own.cases.filter((c) => c.status !== "not-run")).toHaveLength(failedCases);

    expect(latest.partial).toBe(true);
    expect(latest.mergedFrom!.map((r) => r.runId)).toEqual([full.summary!.runId, own.runId]);
    expect(Object.values(verdictsOf(latest)).filter((v) => v !== "pass")).toEqual([]);
    expect(latest.requirements.find((r) => r.id === "NRLS-CRT-07")!.fromRun).toBe(own.runId);
    expect(latest.requirements.find((r) => r.id === "ERS-A001-01")!.fromRun).toBe(full.summary!.runId);
    expect(latest.cases.filter((c) => c.status === "not-run")).toEqual([]);
    expect(latest.gate).toMatchObject({ exitCode: 0, result: "pass" });
    const junit = readFileSync(join(out, "junit.xml"), "utf8");
    expect((junit.match(/<testcase /g) ?? []).length).toBe(full.summary!.cases.length);
  });

  it("merges only runs that still match their manifests and were made from the same suites", async () => {
    const out = copyOfFull();
    expect(full.code).toBe(1);
    // The full run's stored result edited to pass NRLS-CRT-07: its folder no longer matches its manifest.
    const resultPath = join(out, "runs", full.summary!.runId, "run-result.json");
    writeFileSync(resultPath, readFileSync(resultPath, "utf8").replace(/"verdict":"fail"/g, '"verdict":"pass"'));
    const partial = await runAssureInProcess(["--no-report", "--out", out, "--requirement", "ERS-A001-01"]);
    expect(partial.stdout).toContain(`not merged into the latest view: ${full.summary!.runId} (its files no longer match its manifest)`);
    expect(partial.summary!.mergedFrom).toBeUndefined();

    // A partial run with suites of its own (CRT-07's pattern loosened to anything) never speaks in the merged view.
    const out2 = copyOfFull();
    const suites = mkdtempSync(join(tmpdir(), "suites-"));
    cpSync(join(PROJECT_ROOT, "suites"), suites, { recursive: true });
    const create = join(suites, "nrls", "create.yaml");
    writeFileSync(create, readFileSync(create, "utf8").replace(/matches: "\^https:[^\n]*DocumentReference[^\n]*"/, 'matches: "."'));
    const loosened = await runAssureInProcess(["--no-report", "--out", out2, "--suites", suites, "--requirement", "NRLS-CRT-07"], { SANDBOX_FAULTS: "nrls-location-path-id" });
    expect(verdictsOf(loosened.summary!)["NRLS-CRT-07"], "the loosened suite passes it").toBe("pass");
    expect(loosened.stdout).toContain(`not merged into the latest view: ${full.summary!.runId} (made from other suites)`);
    expect(loosened.summary!.mergedFrom).toBeUndefined();
  });
});
