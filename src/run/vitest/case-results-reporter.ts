// A vitest reporter, in the CLI's process, that collects each case's result from its test's meta (a test is named by
// its case key). A test that died before recording one (a crash in the harness itself) still yields a broken result,
// so no case goes missing.
import type { Reporter, TestCase, TestModule } from "vitest/node";
import type { SuiteProblem } from "../../suite/suite-problems.ts";
import type { CaseResult } from "../run-case.ts";
import "./worker-input.ts";

export class CaseResultsReporter implements Reporter {
  readonly results = new Map<string, CaseResult>();
  /** Every secret the cases met, for the leak gate. Held in memory only. */
  readonly secrets = new Set<string>();
  /** Errors vitest saw outside any test (a worker crash, an unhandled rejection). */
  readonly runErrors: string[] = [];
  /** Checks of the plan that did not compile: the run sent nothing. */
  planProblems: SuiteProblem[] = [];

  /** `onCase` hears each case's result as it arrives. */
  constructor(private readonly onCase: (result: CaseResult) => void = () => {}) {}

  onTestCaseResult(testCase: TestCase): void {
    const meta = testCase.meta();
    if (meta.planProblems) {
      this.planProblems = meta.planProblems;
      return;
    }
    for (const s of meta.secrets ?? []) this.secrets.add(s);
    const key = testCase.name;
    if (this.results.has(key)) return; // never overwrite a real result with a made-up one
    // Skipped with no result: the run was stopped before the case started, so it stays not-run.
    if (!meta.caseResult && testCase.result().state === "skipped") return;
    const errors = testCase.result().errors ?? [];
    const result: CaseResult = meta.caseResult ?? {
      key,
      status: "broken",
      reason: `the harness failed while running this case: ${errors.map((e) => e.message).join("; ") || "no result recorded"}`,
      steps: [],
      startedAt: Date.now(),
      durationMs: Math.round(testCase.diagnostic()?.duration ?? 0),
      secrets: [],
    };
    this.results.set(key, result);
    this.onCase(result);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<{ message?: string }>): void {
    for (const e of unhandledErrors) this.runErrors.push(e.message ?? String(e));
    // The adapter itself failed to load or to collect its tests: no case ran, and this says why.
    for (const m of modules) for (const e of m.errors()) this.runErrors.push(`the runner could not load its cases: ${e.message ?? String(e)}`);
  }
}
