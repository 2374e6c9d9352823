// Bounded disk: after a run is published, run folders beyond the newest `keep` are removed — never the run just
// written, nor one a waiver cites as its evidence — and Allure's trend history is cut to as many runs, at most HISTORY_RUNS.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../write-atomic.ts";
import { allureHistoryOf, HISTORY_RUNS } from "../../reporters/allure-report.ts";

/** A run folder pruning removed, with its gate's exit code (read from its summary before it went): none is removed unsaid. */
export interface PrunedRun {
  runId: string;
  exitCode?: number;
}

/**
 * Run ids sort by the second they started (yyyymmdd-hhmmss-random); runs started within the same second (concurrent
 * runs into one --out, or quick partial ones) by the millisecond their summaries record. The newest are last. Returns
 * the folders removed, oldest first.
 */
export function pruneRuns(outRoot: string, keep: number, protectedRuns: ReadonlySet<string>): PrunedRun[] {
  const runsDir = join(outRoot, "runs");
  if (!existsSync(runsDir)) return [];
  // Finished run folders only: a scratch folder (.tmp) belongs to a run still writing, or to one that was killed.
  const runs = readdirSync(runsDir).filter((name) => /^\d{8}-\d{6}-[0-9a-f]+$/.test(name) && statSync(join(runsDir, name)).isDirectory());
  // Each run's summary read at most once, and only when needed: for a tie within a second, or for a run removed.
  const summaries = new Map<string, RunSummary>();
  const summaryOf = (id: string) => {
    if (!summaries.has(id)) summaries.set(id, readSummary(join(runsDir, id)));
    return summaries.get(id)!;
  };
  runs.sort((a, b) => a.slice(0, 15).localeCompare(b.slice(0, 15)) || summaryOf(a).startedAt - summaryOf(b).startedAt || a.localeCompare(b));
  const newest = new Set(runs.slice(-keep));
  const removed: PrunedRun[] = [];
  for (const id of runs) {
    if (newest.has(id) || protectedRuns.has(id)) continue;
    const { exitCode } = summaryOf(id);
    removed.push({ runId: id, ...(exitCode === undefined ? {} : { exitCode }) });
    rmSync(join(runsDir, id), { recursive: true, force: true });
  }
  boundAllureHistory(allureHistoryOf(outRoot), Math.min(keep, HISTORY_RUNS));
  return removed;
}

interface RunSummary {
  /** When the run started, to the millisecond (0 when it cannot be read: it sorts first of its second). */
  startedAt: number;
  /** Its gate's exit code, read before the folder goes. */
  exitCode?: number;
}

function readSummary(dir: string): RunSummary {
  try {
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as { startedAt?: unknown; gate?: { exitCode?: unknown } };
    const at = Date.parse(String(summary.startedAt));
    const code = summary.gate?.exitCode;
    return { startedAt: Number.isFinite(at) ? at : 0, ...(typeof code === "number" ? { exitCode: code } : {}) };
  } catch {
    return { startedAt: 0 };
  }
}

/** Allure appends one line per generated report: only the last `keep` are worth their space. */
function boundAllureHistory(path: string, keep: number): void {
  if (!existsSync(path)) return;
  const lines = readFileSync(path, "utf8").split("\n").filter(Boolean);
  if (lines.length > keep) writeFileAtomic(path, `${lines.slice(-keep).join("\n")}\n`);
}
