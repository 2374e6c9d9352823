// A vitest reporter, in the CLI's process, that collects each case's result from its test's meta. A test that died
// before recording one (a crash in the harness itself) still yields a broken result, so no case goes missing.
import type { Reporter, TestCase } from "vitest/node";
import type { CaseResult } from "../src/run/run-case.ts";
import "../src/run/run-context.ts";

export class CaseResultsReporter implements Reporter {
  readonly results = new Map<string, CaseResult>();
  /** Every secret the cases met, for the leak gate. Held in memory only. */
  readonly canaries = new Set<string>();
  /** Errors vitest saw outside any test (a worker crash, an unhandled rejection). */
  readonly runErrors: string[] = [];

  /** `onCase` hears each case's result as it arrives; `onProgress` the number of cases finished so far. */
  constructor(private readonly listeners: { onCase?: (result: CaseResult) => void; onProgress?: (done: number) => void } = {}) {}

  private record(result: CaseResult): void {
    const fresh = !this.results.has(result.key);
    this.results.set(result.key, result);
    this.listeners.onCase?.(result);
    if (fresh) this.listeners.onProgress?.(this.results.size);
  }

  onTestCaseResult(testCase: TestCase): void {
    const meta = testCase.meta();
    for (const c of meta.leakCanaries ?? []) this.canaries.add(c);
    const key = meta.caseKey ?? /^(\S+) — /.exec(testCase.name)?.[1];
    if (!key) return;
    if (meta.caseResult) {
      this.record(meta.caseResult);
      return;
    }
    if (this.results.has(key)) return; // already recorded: never overwrite a real result with a made-up one
    const errors = testCase.result().errors ?? [];
    this.record({
      key,
      status: "broken",
      reason: `the harness failed while running this case: ${errors.map((e) => e.message).join("; ") || "no result recorded"}`,
      steps: [],
      startedAt: Date.now(),
      durationMs: testCase.diagnostic()?.duration ?? 0,
      capturedSecrets: [],
    });
  }

  onTestRunEnd(_modules: unknown, unhandledErrors: ReadonlyArray<{ message?: string }>): void {
    for (const e of unhandledErrors) this.runErrors.push(e.message ?? String(e));
  }
}
