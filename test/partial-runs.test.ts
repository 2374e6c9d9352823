// Partial runs are marked and merged, through the real CLI: a rerun writes its own run folder, marked partial with its
// filters, and the latest view (summary.json, the matrix, JUnit) becomes the last full run with the rerun laid over it,
// each verdict saying which run it comes from; "since the last run" compares like with like.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Summary } from "../reporters/summary.ts";
import { runAssureCli, verdictsOf } from "./helpers/run-cli.ts";

describe("partial runs", { timeout: 180_000 }, () => {
  it("merges a rerun into the latest view instead of replacing it with a handful of cases", async () => {
    const out = mkdtempSync(join(tmpdir(), "partial-"));
    const full = await runAssureCli(["--no-report", "--out", out], { SANDBOX_FAULTS: "nrls-location-path-id" });
    expect(full.code).toBe(1);
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
});
