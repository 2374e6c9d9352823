// Stage 3, execute: the plan run by vitest — the product's runner — in a worker thread, through the thin adapter
// src/run/vitest/assurance.run.ts over runPlan. Each case's redacted result reaches `onCase` in this process as it
// arrives. The worker compiles the plan before sending anything; checks that do not compile come back as problems.
import { randomUUID } from "node:crypto";
import { BroadcastChannel } from "node:worker_threads";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CaseResult } from "../run/run-case.ts";
import { CaseResultsReporter } from "../run/vitest/case-results-reporter.ts";
import type { WorkerInput } from "../run/vitest/worker-input.ts";
import { COMPILED_BUILD, PROJECT_ROOT } from "../project-root.ts";
import type { SuiteProblem } from "../suite/suite-problems.ts";
import type { Prepared } from "./prepare.ts";
import type { OpenTargets } from "./open-targets.ts";

export interface Execution {
  results: ReadonlyMap<string, CaseResult>;
  /** Every secret the cases met (session keys, JWTs, tokens): for the leak gate, never written. */
  secrets: ReadonlySet<string>;
  /** Errors vitest saw outside any case. */
  runErrors: string[];
  /** Checks that did not compile: nothing was sent. */
  planProblems: SuiteProblem[];
}

/** What runPlan is given for a prepared run: plain data, so it can cross into vitest's worker. */
export function runOptions({ config, fixturesDir }: Prepared, stopFile?: string): WorkerInput["options"] {
  return {
    ...(stopFile ? { stopFile } : {}),
    config: { ...config.values },
    secrets: config.secrets.map((s) => s.value),
    timeoutMs: config.timeoutMs,
    maxResponseBytes: config.maxResponseBytes,
    evidenceBodyBytes: config.evidenceBodyBytes,
    concurrency: config.concurrency,
    fixturesDir,
  };
}

export function runTargets(open: OpenTargets): WorkerInput["targets"] {
  return Object.fromEntries(Object.entries(open.targets).map(([name, t]) => [name, { baseUrl: t.baseUrl, tls: t.tls, ...(t.proxy ? { proxy: t.proxy } : {}), ...(t.extraHosts ? { extraHosts: t.extraHosts } : {}), ...(t.session ? { session: t.session } : {}) }])) as WorkerInput["targets"];
}

/** What a caller may ask of an execution besides its results. */
export interface ExecuteHooks {
  /** Called once, when this thread has nothing to do until the cases start (the worker compiling the plan). */
  whileIdle?: () => void;
}

/** `stopFile`: where a stop request appears (watchStopSignals); the worker stops starting cases once it exists. */
export async function execute(prepared: Prepared, open: OpenTargets, onCase: (result: CaseResult) => void, stopFile?: string, hooks: ExecuteHooks = {}): Promise<Execution> {
  const { plan, config } = prepared;
  const reporter = new CaseResultsReporter(onCase);
  if (plan.cases.length === 0) return { results: reporter.results, secrets: reporter.secrets, runErrors: [], planProblems: [] };
  // Not while the worker loads its modules: it asks this thread for them, and would wait on whatever runs here.
  const compiling = hooks.whileIdle && whenCompiling(hooks.whileIdle);
  const input: WorkerInput = { plan, targets: runTargets(open), options: runOptions(prepared, stopFile), ...(compiling ? { compilingChannel: compiling.name } : {}) };
  // runPlan bounds every request by its own deadline, and a case waits for a slot before it sends anything, so no
  // vitest timeout may be shorter than every request of the run timing out one after another.
  const requests = plan.cases.reduce((n, c) => n + c.steps.length + c.teardown.length, 0);
  const signals = ["SIGINT", "SIGTERM"] as const;
  const before = new Map(signals.map((sig) => [sig, new Set(process.listeners(sig))]));
  // Imported only when there are cases to run: a configuration error or an empty plan never pays for vitest.
  const { createVitest } = await import("vitest/node");
  // Run from the compiled CLI (bin/compiled-cli.js), the worker runs the compiled test file beside this module: its
  // imports then load as plain JavaScript, not through vite's transform, which halves the worker's start.
  const compiled = COMPILED_BUILD && existsSync(join(COMPILED_BUILD, "assurance.run.js")) ? COMPILED_BUILD : undefined;
  const vitest = await createVitest("test", {
    root: compiled ?? PROJECT_ROOT,
    config: false,
    include: [compiled ? "assurance.run.js" : "src/run/vitest/assurance.run.ts"],
    ...(compiled ? { exclude: [] } : {}),
    watch: false,
    reporters: [reporter],
    provide: { assurance: input },
    // Every test waits at once: runPlan keeps the bound on cases (and so requests) in flight.
    maxConcurrency: plan.cases.length,
    testTimeout: config.timeoutMs * (requests + 1) + 5_000,
    hookTimeout: config.timeoutMs + 5_000,
    pool: "threads",
    fileParallelism: false,
    passWithNoTests: true,
    // Run from the sources, the engine's modules are transformed once and kept (node_modules/.vite, keyed by each
    // file's content): a later run's worker starts without transforming them again. The compiled copy needs no transform.
    experimental: { fsModuleCache: !compiled },
  }, { logLevel: "silent" });
  // vitest exits the process on SIGINT and SIGTERM; a run stops safely instead (cli/stop-signals.ts): its handlers go.
  for (const sig of signals) for (const l of process.listeners(sig)) if (!before.get(sig)!.has(l)) process.off(sig, l);
  try {
    await vitest.start([]);
  } finally {
    compiling?.close();
    await vitest.close();
  }
  return { results: reporter.results, secrets: reporter.secrets, runErrors: reporter.runErrors, planProblems: reporter.planProblems };
}

/** A channel on which the worker says it is compiling; `then` runs once, on the first message. */
function whenCompiling(then: () => void): BroadcastChannel {
  const channel = new BroadcastChannel(`spine-assure-compiling-${randomUUID()}`);
  channel.onmessage = () => {
    channel.close();
    then();
  };
  // Listening alone keeps no process alive.
  channel.unref();
  return channel;
}
