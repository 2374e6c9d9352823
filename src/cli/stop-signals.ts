// Stopping a run safely. The first SIGINT or SIGTERM creates the stop file the run's worker watches (runPlan): no new
// case starts, cases in flight finish their current request, and every teardown runs; the run then writes its
// outputs, marked interrupted, and exits 130 (143 for SIGTERM). A second signal stops at once, after saying what the
// cases may have left on the target (from the journal their captures are written to until teardown has run).
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXIT, type StopReason } from "../model/status.ts";

export type StopSignal = StopReason;

export interface StopWatch {
  /** The file whose existence tells the worker to stop (RunOptions.stopFile). */
  readonly stopFile: string;
  /** The first signal received, if any. */
  signal(): StopSignal | undefined;
  /** Stops listening and removes the stop file and journal. */
  release(): void;
}

interface LeftEntry {
  case: string;
  name?: string;
  value?: string;
  done?: boolean;
}

/** What cases captured for their teardown to remove and had not removed yet, a line each (secret values not shown). */
function leftOnTarget(journal: string): string[] {
  if (!existsSync(journal)) return [];
  const entries = readFileSync(journal, "utf8").split("\n").filter(Boolean).flatMap((line) => {
    try {
      return [JSON.parse(line) as LeftEntry];
    } catch {
      return [];
    }
  });
  const done = new Set(entries.filter((e) => e.done).map((e) => e.case));
  return entries.filter((e) => !e.done && !done.has(e.case)).map((e) => `  ${e.case}: ${e.name} ${e.value ?? "(a secret: not shown)"}`);
}

/**
 * `deadlineMs`: the run's own deadline (ASSURE_RUN_TIMEOUT). Reaching it stops the run as a first signal does — no new
 * case, teardown for those in flight, outputs written — since every request and pattern is bounded, that ends it.
 */
export function watchStopSignals(runId: string, log: (line: string) => void, onSecond: () => void, deadlineMs?: number): StopWatch {
  const stopFile = join(tmpdir(), `spine-assure-stop-${runId}`);
  const journal = `${stopFile}.left`;
  let first: StopSignal | undefined;
  const remove = () => {
    rmSync(stopFile, { force: true });
    rmSync(journal, { force: true });
  };
  const handler = (signal: StopSignal) => {
    if (!first && signal === "deadline") {
      first = signal;
      writeFileSync(stopFile, signal);
      log(`\nthe run passed its deadline (ASSURE_RUN_TIMEOUT, ${Math.round(deadlineMs! / 1000)} s): stopping. No new case starts; cases in flight finish their current request and run their teardown; then the outputs are written (exit ${EXIT.deadline}).`);
      return;
    }
    if (signal === "deadline") return;
    if (!first) {
      first = signal;
      writeFileSync(stopFile, signal);
      log(`\n${signal}: stopping. No new case starts; cases in flight finish their current request and run their teardown; then the outputs are written. ${signal} again stops at once.`);
      return;
    }
    const left = leftOnTarget(journal);
    log(`\n${signal} again: stopped at once. Teardown may not have run; ${left.length ? "the cases had captured, and not yet removed:" : "no case had anything captured for teardown to remove."}`);
    for (const line of left) log(line);
    onSecond();
    remove();
    // A pipe takes writes asynchronously: exit once what was printed has gone out.
    process.stdout.write("", () => process.exit(EXIT[first!]));
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  const timer = deadlineMs ? setTimeout(() => handler("deadline"), deadlineMs) : undefined;
  timer?.unref();
  return {
    stopFile,
    signal: () => first,
    release: () => {
      if (timer) clearTimeout(timer);
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
      remove();
    },
  };
}
