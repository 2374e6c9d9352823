// The vitest test file of an assurance run: a thin adapter over runPlan. The plan is compiled here, in the worker that
// runs it; one test per planned case, named by its case key, awaits that case's result from runPlan, hands it to the
// CLI's process in the test's meta, then passes, fails, breaks or skips. A plan that does not compile gets one failing
// test carrying the problems instead, and nothing is sent.
import { existsSync } from "node:fs";
import { BroadcastChannel } from "node:worker_threads";
import { describe, inject, test } from "vitest";
import { compilePlan } from "../../plan/compile-plan.ts";
import type { CaseResult } from "../run-case.ts";
import { runPlan } from "../run-plan.ts";
import "./worker-input.ts";

const { plan, targets, options, compilingChannel } = inject("assurance");
if (compilingChannel) {
  const channel = new BroadcastChannel(compilingChannel);
  channel.postMessage("compiling");
  channel.close();
}
const compiled = compilePlan(plan);

class ChecksFailed extends Error {
  override name = "AssertionError";
}
class CaseBroken extends Error {
  override name = "TransportError";
}

if (compiled.problems.length) {
  test("the plan compiles", ({ task }) => {
    task.meta.planProblems = compiled.problems;
    throw new Error(`${compiled.problems.length} check(s) do not compile`);
  });
} else {
  const arrived = new Map<string, (r: { result: CaseResult; secrets: string[] }) => void>();
  const results = new Map(plan.cases.map((pc) => [pc.key, new Promise<{ result: CaseResult; secrets: string[] }>((resolve) => arrived.set(pc.key, resolve))]));
  // Every case's result arrives before runPlan ends; one that does not is a harness fault, recorded as broken.
  const ended = runPlan(plan, targets, { ...options, compiled }, (result, secrets) => arrived.get(result.key)?.({ result, secrets }))
    .then(() => new Error("the run ended without this case's result"), (err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  describe.concurrent("assurance", () => {
    for (const pc of plan.cases) {
      test(pc.key, async ({ task, skip }) => {
        const got = await Promise.race([results.get(pc.key)!, ended]);
        // A run asked to stop starts no new case: one that never started is not-run, not a harness fault.
        if (got instanceof Error && options.stopFile && existsSync(options.stopFile)) skip("not run: the run was stopped");
        if (got instanceof Error) throw got;
        task.meta.caseResult = got.result;
        task.meta.secrets = got.secrets;
        if (got.result.status === "not-applicable") skip(got.result.reason);
        if (got.result.status === "broken") throw new CaseBroken(got.result.reason);
        if (got.result.status === "failed") throw new ChecksFailed(`${got.result.steps.flatMap((s) => s.checks).filter((c) => c.outcome === "fail").length} check(s) failed`);
      });
    }
  });
}
