// Runs a plan against its targets: every case once, the longest chains of dependent requests first, at most
// `concurrency` cases (so requests) in flight, each case's result redacted before anyone sees it. A plain function:
// the vitest adapter (vitest/assurance.run.ts), the benches and the tests all call it.
import { existsSync } from "node:fs";
import type { CompiledPlan } from "../plan/compile-plan.ts";
import { compilePlan } from "../plan/compile-plan.ts";
import type { Plan } from "../plan/make-plan.ts";
import { SuiteError } from "../suite/suite-problems.ts";
import type { TargetName } from "../targets.ts";
import type { TlsFiles } from "../config/tls-identity.ts";
import { Fixtures } from "./build-body.ts";
import { HttpTarget } from "./http-client.ts";
import { createLimiter } from "./limiter.ts";
import { caseRedactor, redactCaseResult } from "../secrets/redact.ts";
import { evidenceBodies } from "./evidence-bodies.ts";
import { runCase, type CaseResult } from "./run-case.ts";

export interface RunTarget {
  baseUrl: string;
  tls: TlsFiles;
  /** Proxy URL, when the target is reached through one. */
  proxy?: string;
  /** Hosts (host or host:port) besides the base URL's own that a request may go to, e.g. a Location's. */
  extraHosts?: string[];
  /** A TLS session (base64) from a handshake already made (the pre-flight): the run's connections resume it. */
  session?: string;
}

export interface RunOptions {
  /** Configuration values, offered to templates by name. */
  config: Record<string, string>;
  /** Configured secret values: redacted from every result. */
  secrets: string[];
  timeoutMs: number;
  maxResponseBytes: number;
  /** Bodies are kept as evidence up to this many bytes, then cut with the whole body's SHA-256. */
  evidenceBodyBytes?: number;
  concurrency: number;
  fixturesDir: string;
  /** The plan compiled in this process; compiled here when absent. */
  compiled?: CompiledPlan;
  /**
   * A file whose existence means the run was asked to stop (SIGINT or SIGTERM in the CLI's process): no case starts
   * after it appears, and a case in flight stops after its current request and runs its teardown. Beside it,
   * `<stopFile>.left` journals what each case captured for its teardown to remove, until the teardown has run.
   */
  stopFile?: string;
  /**
   * Only verdicts are read from the results (the self-test, which writes nothing): each case's result is handed on as
   * it ran, neither redacted nor cut. Every run that writes anything redacts (the default).
   */
  verdictsOnly?: boolean;
}

/** A case's redacted result, and every secret value it met (for the leak gate; never written). */
export type OnCase = (result: CaseResult, secrets: string[]) => void;

export async function runPlan(plan: Plan, targets: Partial<Record<TargetName, RunTarget>>, options: RunOptions, onCase: OnCase): Promise<void> {
  const open = Object.fromEntries(Object.entries(targets).map(([name, t]) => [name, {
    baseUrl: t.baseUrl,
    extraHosts: t.extraHosts ?? [],
    http: new HttpTarget({ tls: t.tls, proxy: t.proxy, session: t.session, timeoutMs: options.timeoutMs, maxResponseBytes: options.maxResponseBytes, connections: options.concurrency }),
  }])) as Partial<Record<TargetName, { baseUrl: string; extraHosts: string[]; http: HttpTarget }>>;
  try {
    // A TLS handshake with each target (sending nothing) while the checks compile: start-up before the first case.
    const warmedUp = Promise.all(Object.values(open).map((t) => t.http.warmUp(t.baseUrl)));
    const compiled = options.compiled ?? compilePlan(plan);
    if (compiled.problems.length) throw new SuiteError(compiled.problems);
    await warmedUp;
    const stopped = options.stopFile ? () => existsSync(options.stopFile!) : () => false;
    const ctx = { targets: open, config: options.config, fixtures: new Fixtures(options.fixturesDir), compiled, stopped, leftJournal: options.stopFile && `${options.stopFile}.left` };
    const slot = createLimiter(options.concurrency);
    // Cases start one per turn of the event loop: started all in one go, the first cases' sockets would wait for every
    // other case to build and send its first request before their own handshakes and responses were served.
    let admission = Promise.resolve();
    const admitted = () => (admission = admission.then(() => new Promise<void>((resolve) => setImmediate(resolve))));
    const longestFirst = [...plan.cases].sort((a, b) => b.steps.length + b.teardown.length - (a.steps.length + a.teardown.length));
    await Promise.all(longestFirst.map(async (pc) => {
      await admitted();
      // A case run as copies has as many requests in flight as copies: it takes that many slots, and needs them.
      const raw = await slot(async () => {
        // Asked to stop: a case not yet started never starts, and reports nothing (it is not-run).
        if (stopped()) return undefined;
        try {
          if ((pc.copies ?? 1) > options.concurrency) {
            return { key: pc.key, status: "not-applicable", reason: `it sends ${pc.copies} requests at once, and the run allows ${options.concurrency} in flight (--concurrency)`, steps: [], startedAt: Date.now(), durationMs: 0, secrets: [] } satisfies CaseResult;
          }
          return await runCase(pc, ctx);
        } catch (err) {
          // A harness fault in one case must not take the others down; the case says what happened.
          return { key: pc.key, status: "broken", reason: `the harness failed while running this case: ${(err as Error).message}`, steps: [], startedAt: Date.now(), durationMs: 0, secrets: [] } satisfies CaseResult;
        }
      }, pc.copies ?? 1);
      if (!raw) return;
      if (options.verdictsOnly) return onCase(raw, raw.secrets);
      const redactor = caseRedactor(raw, options.secrets, pc.secretFields);
      onCase(evidenceBodies(raw, redactCaseResult(raw, redactor), options.evidenceBodyBytes ?? Number.MAX_SAFE_INTEGER), redactor.secrets());
    }));
  } finally {
    await Promise.all(Object.values(open).map((t) => t.http.close()));
  }
}
