// Run history, kept across runs in reports/history.jsonl (one line per run): the console says which requirements
// newly fail and which were fixed since the last run against the same target.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { RunResult } from "../src/model/run-result.ts";

export interface HistoryEntry {
  runId: string;
  finishedAt: string;
  /** What was tested: the embedded sandbox, or the targets' base URLs. */
  target: string;
  verdicts: Record<string, string>;
  /** Stopped by a signal: recorded, never compared against. */
  interrupted?: boolean;
  /** A filtered run or a rerun. */
  partial?: boolean;
}

const BAD = new Set(["fail", "warning"]);

export function targetKey(run: Pick<RunResult, "targets">): string {
  return run.targets.map((t) => (t.embedded ? `${t.name}=embedded` : `${t.name}=${t.baseUrl}`)).join(" ");
}

export function readHistory(path: string): HistoryEntry[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8").split("\n").filter(Boolean).flatMap((line) => {
    try {
      return [JSON.parse(line) as HistoryEntry];
    } catch {
      return []; // a torn last line from an interrupted run is skipped, not fatal
    }
  });
}

export interface Changes {
  previous?: HistoryEntry;
  newlyFailing: string[];
  fixed: string[];
}

/** Compares a run with the last one against the same target, then appends it. */
export function recordRun(path: string, run: RunResult): Changes {
  const entry: HistoryEntry = {
    runId: run.runId,
    finishedAt: run.finishedAt,
    target: targetKey(run),
    verdicts: Object.fromEntries(run.requirements.map((r) => [r.id, r.verdict])),
    ...(run.interrupted ? { interrupted: true } : {}),
    ...(run.filters ? { partial: true } : {}),
  };
  // Like with like: an interrupted run is neither compared nor compared against; a full run is compared with the last
  // full run; a partial run compares each requirement it executed with that requirement's last executed verdict.
  const earlier = run.interrupted ? [] : readHistory(path).filter((h) => h.target === entry.target && !h.interrupted);
  const previous = run.filters ? earlier.at(-1) : earlier.filter((h) => !h.partial).at(-1);
  const changes: Changes = { previous, newlyFailing: [], fixed: [] };
  if (previous) {
    for (const [id, now] of Object.entries(entry.verdicts)) {
      if (now === "not-run") continue;
      const before = run.filters ? earlier.map((h) => h.verdicts[id]).filter((v) => v !== undefined && v !== "not-run").at(-1) : previous.verdicts[id];
      if (BAD.has(now) && before === "pass") changes.newlyFailing.push(id);
      if (now === "pass" && before !== undefined && BAD.has(before)) changes.fixed.push(id);
    }
  }
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, `${JSON.stringify(entry)}\n`);
  return changes;
}
