// Stage 3 without vitest: the plan run by runPlan in this process, the same engine the vitest adapter wraps
// (src/run/vitest/assurance.run.ts), handing each case's result to `onCase` as it arrives. The self-test runs its
// ninety sandbox runs so, and the project's tests run whole assurance runs so (runAssurance's `execute` option) where
// vitest's start-up (a worker thread importing the engine and compiling the plan again: seconds of CPU a run) would
// prove nothing more. A user's run always goes through execute.ts.
import type { CaseResult } from "../run/run-case.ts";
import { runPlan } from "../run/run-plan.ts";
import { SuiteError } from "../suite/suite-problems.ts";
import type { Execution, ExecuteHooks } from "./execute.ts";
import { runOptions, runTargets } from "./execute.ts";
import type { OpenTargets } from "./open-targets.ts";
import type { Prepared } from "./prepare.ts";

/** `verdictsOnly`: results that are judged and never written (the self-test): see RunOptions. */
export async function executeInProcess(prepared: Prepared, open: OpenTargets, onCase: (result: CaseResult) => void, stopFile?: string, { verdictsOnly = false }: ExecuteHooks & { verdictsOnly?: boolean } = {}): Promise<Execution> {
  const results = new Map<string, CaseResult>();
  const secrets = new Set<string>();
  const runErrors: string[] = [];
  try {
    await runPlan(prepared.plan, runTargets(open), { ...runOptions(prepared, stopFile), verdictsOnly }, (result, met) => {
      for (const s of met) secrets.add(s);
      if (results.has(result.key)) return;
      results.set(result.key, result);
      onCase(result);
    });
  } catch (err) {
    if (err instanceof SuiteError) return { results, secrets, runErrors, planProblems: err.problems };
    runErrors.push(err instanceof Error ? err.message : String(err));
  }
  return { results, secrets, runErrors, planProblems: [] };
}
