// The latest view after a partial run (filtered, or a rerun): the last full run with the newer partial runs against
// the same target laid over it. Each requirement's verdict, and each case, comes from the newest run that executed
// it, which the view names; the gate is decided again over the merged verdicts. A partial run never replaces a full
// one as "the latest result" with a handful of cases and the rest not-run.
import { decideGate } from "./gate.ts";
import type { CaseRecord, RequirementVerdict, RunResult } from "../model/run-result.ts";

/** `runs` oldest first: a full run, then partial runs after it. The newest is the one just made. */
export function mergeRuns(runs: readonly RunResult[]): RunResult {
  const newest = runs.at(-1)!;
  const requirements = new Map<string, RequirementVerdict>();
  const cases = new Map<string, CaseRecord>();
  for (const run of runs) {
    for (const r of run.requirements) if (r.verdict !== "not-run" || !requirements.has(r.id)) requirements.set(r.id, { ...r, fromRun: run.runId });
    for (const c of run.cases) if (c.status !== "not-run" || !cases.has(c.key)) cases.set(c.key, { ...c, fromRun: run.runId });
  }
  // Requirement and case order: the full run's, with anything newer after it.
  const merged: RunResult = {
    ...newest,
    requirements: [...requirements.values()],
    cases: [...cases.values()],
    mergedFrom: runs.map((r) => ({ runId: r.runId, partial: !!r.filters, finishedAt: r.finishedAt })),
  };
  merged.gate = decideGate(merged.requirements, newest.targets, { strict: newest.strict, leaks: [] });
  return merged;
}
