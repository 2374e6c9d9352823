// What the CLI hands the vitest worker that runs a plan: plain data, passed through vitest's provide/inject.
import type { TlsFiles, TargetName } from "../config/load-config.ts";
import type { Plan } from "../plan/plan.ts";

export interface WorkerTarget {
  baseUrl: string;
  tls: TlsFiles;
}

export interface WorkerInput {
  plan: Plan;
  targets: Record<TargetName, WorkerTarget>;
  config: Record<string, string>;
  secrets: string[];
  timeoutMs: number;
  maxResponseBytes: number;
  concurrency: number;
  fixturesDir: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    assurance: WorkerInput;
  }
}

declare module "@vitest/runner" {
  interface TaskMeta {
    caseKey?: string;
    caseResult?: import("./run-case.ts").CaseResult;
    /** Secrets the case met (session keys, JWTs, tokens), for the leak gate; passed in memory, never written. */
    leakCanaries?: string[];
  }
}
