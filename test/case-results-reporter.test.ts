// The reporter that brings each case's result from vitest's worker into the run's process also tells the run when
// that process has nothing to do: once the worker has started on the test file (loading the engine, compiling the
// plan), the run prepares its outputs (src/cli/run.ts, warmRenderers). Once only, and never inside vitest's own event.
import { describe, expect, it } from "vitest";
import { CaseResultsReporter } from "../src/run/vitest/case-results-reporter.ts";

describe("CaseResultsReporter", () => {
  it("calls whileLoading once, after the worker has queued the test file, and not within the event itself", async () => {
    let calls = 0;
    const reporter = new CaseResultsReporter(() => {}, () => calls++);
    reporter.onTestModuleQueued();
    expect(calls).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(calls).toBe(1);
    reporter.onTestModuleQueued();
    await new Promise((r) => setImmediate(r));
    expect(calls).toBe(1);
  });
});
