// What the CLI hands the vitest worker that runs a plan (plain data, through vitest's provide/inject), and what each
// test hands back in its meta: the case's redacted result and the secrets it met, or the plan's compile problems.
import type { Plan } from "../../plan/make-plan.ts";
import type { SuiteProblem } from "../../suite/suite-problems.ts";
import type { TargetName } from "../../targets.ts";
import type { RunOptions, RunTarget } from "../run-plan.ts";

export interface WorkerInput {
  plan: Plan;
  targets: Partial<Record<TargetName, RunTarget>>;
  options: Omit<RunOptions, "compiled">;
  /**
   * A BroadcastChannel the worker posts on when its modules are loaded and it starts compiling the plan: from then
   * until the cases start, the CLI's thread is not needed by the worker (module loading asks it for files) and is idle.
   */
  compilingChannel?: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    assurance: WorkerInput;
  }
}

declare module "@vitest/runner" {
  interface TaskMeta {
    caseResult?: import("../run-case.ts").CaseResult;
    /** Secrets the case met (session keys, JWTs, tokens), for the leak gate; passed in memory, never written. */
    secrets?: string[];
    /** Set on the one test a plan that does not compile gets instead of its cases. */
    planProblems?: SuiteProblem[];
  }
}
