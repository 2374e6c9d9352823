// Bounded disk, through whole runs (in process: helpers/run-in-process.ts): after each run only the newest --keep-runs run folders remain, except one a
// waiver cites as its evidence; Allure's trend history keeps as many lines.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HISTORY_RUNS } from "../reporters/allure-report.ts";
import { prunedLines } from "../reporters/console.ts";
import { pruneRuns } from "../src/evidence/prune-runs.ts";
import { runAssureInProcess } from "./helpers/run-in-process.ts";

/** The run folders, in name order: runs started within the same second (a fast machine) sort by their random suffix. */
const runs = (out: string) => readdirSync(join(out, "runs")).sort();

describe("keeping run folders", { timeout: 180_000 }, () => {
  it("keeps exactly the newest N run folders, and a waiver's cited run besides", async () => {
    const out = mkdtempSync(join(tmpdir(), "keep-"));
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await runAssureInProcess(["--tag", "happy-path", "--keep-runs", "2", "--out", out]);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      ids.push(run.summary!.runId);
    }
    expect(runs(out)).toEqual(ids.slice(1).sort());
    expect(readFileSync(join(out, "allure-history.jsonl"), "utf8").trim().split("\n")).toHaveLength(2);

    // A waiver whose reason cites the oldest kept run protects it from the next prune.
    const waivers = join(out, "waivers.yaml");
    writeFileSync(waivers, `waivers:\n  - requirement: NRLS-CRT-07\n    reason: "accepted with the NHS; evidence run ${ids[1]}"\n    expires: "2099-12-31"\n    approvedBy: "assurance lead"\n`);
    const next = await runAssureInProcess(["--tag", "happy-path", "--keep-runs", "2", "--no-report", "--waivers", waivers, "--out", out]);
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect(runs(out)).toEqual([ids[1], ids[2], next.summary!.runId].sort());
    // The waivers file sits in the folder the run starts in, so it applies without --waivers too.
    const last = await runAssureInProcess(["--tag", "happy-path", "--keep-runs", "1", "--no-report", "--out", out]);
    expect(runs(out)).toEqual([ids[1], last.summary!.runId].sort());
    // What went is said, never silent.
    expect(last.stdout).toMatch(new RegExp(`Removed 2 older run folder\\(s\\) to keep the newest 1 \\(--keep-runs, ASSURE_KEEP_RUNS\\): ${ids[2]}, ${next.summary!.runId}\\.`));
  });
});

describe("pruning, in process", () => {
  const folder = (name: string, runs: [string, number][] = []) => {
    const out = mkdtempSync(join(tmpdir(), `${name}-`));
    mkdirSync(join(out, "runs"));
    for (const [id, code] of runs) {
      mkdirSync(join(out, "runs", id));
      writeFileSync(join(out, "runs", id, "summary.json"), JSON.stringify({ gate: { exitCode: code } }));
    }
    return out;
  };

  it("keeps the last HISTORY_RUNS runs of Allure's trend history whatever --keep-runs is: the single-file report embeds all of it", () => {
    const out = folder("history-cap");
    writeFileSync(join(out, "allure-history.jsonl"), Array.from({ length: 9 }, (_, i) => `{"run":${i}}\n`).join(""));
    pruneRuns(out, 20, new Set());
    expect(readFileSync(join(out, "allure-history.jsonl"), "utf8").trim().split("\n")).toEqual(Array.from({ length: HISTORY_RUNS }, (_, i) => `{"run":${9 - HISTORY_RUNS + i}}`));
  });

  it("says what it removed, naming a failing pack as such", () => {
    const out = folder("prune-say", [["20261201-000001-aaaaaa", 1], ["20261201-000002-bbbbbb", 0], ["20261201-000003-cccccc", 0]]);
    const pruned = pruneRuns(out, 1, new Set());
    expect(pruned).toEqual([{ runId: "20261201-000001-aaaaaa", exitCode: 1 }, { runId: "20261201-000002-bbbbbb", exitCode: 0 }]);
    expect(prunedLines(pruned, 1)).toEqual(["Removed 2 older run folder(s) to keep the newest 1 (--keep-runs, ASSURE_KEEP_RUNS): 20261201-000001-aaaaaa, 20261201-000002-bbbbbb — 1 of them a failing or unfinished pack: 20261201-000001-aaaaaa (exit 1)."]);
  });

  it("orders runs started within the same second by the millisecond their summaries record, not by their ids' random ends", () => {
    const out = folder("same-second");
    const runs: [string, string][] = [["20261201-000001-ffffff", "2026-12-01T00:00:01.100Z"], ["20261201-000001-000000", "2026-12-01T00:00:01.900Z"], ["20261201-000001-888888", "2026-12-01T00:00:01.500Z"]];
    for (const [id, startedAt] of runs) {
      mkdirSync(join(out, "runs", id));
      writeFileSync(join(out, "runs", id, "summary.json"), JSON.stringify({ startedAt, gate: { exitCode: 0 } }));
    }
    expect(pruneRuns(out, 1, new Set()).map((p) => p.runId)).toEqual(["20261201-000001-ffffff", "20261201-000001-888888"]);
    expect(readdirSync(join(out, "runs"))).toEqual(["20261201-000001-000000"]);
  });
});
