// The mutation self-test: the suites against the sandbox with each fault switched on. A fault is caught when exactly
// the requirements it breaks change verdict; with no fault every requirement must pass. Runs are whole CLI
// processes, two at a time (a run is CPU-bound and the machines here have two cores).
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Fault } from "../../sandbox/faults.ts";
import { PROJECT_ROOT } from "../project-root.ts";
import type { Summary } from "../report/summary.ts";

export interface FaultRun {
  code: number;
  verdicts: Record<string, string>;
  output: string;
}

/** One `spine-assure run` against the sandbox with `fault` on (none: a clean sandbox), in a clean environment. */
export function runWithFault(fault: string | undefined, extraArgs: string[] = []): Promise<FaultRun> {
  const out = mkdtempSync(join(tmpdir(), "selftest-"));
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...(fault ? { SANDBOX_FAULTS: fault } : {}) };
  return new Promise((resolve) => {
    execFile(process.execPath, [join(PROJECT_ROOT, "bin", "spine-assure.js"), "run", "--no-report", "--out", out, ...extraArgs], { cwd: out, env, timeout: 300_000 }, (err, stdout, stderr) => {
      const path = join(out, "summary.json");
      const summary = existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Summary) : undefined;
      rmSync(out, { recursive: true, force: true });
      resolve({
        code: err ? ((err as { code?: number }).code ?? 1) : 0,
        verdicts: Object.fromEntries((summary?.requirements ?? []).map((r) => [r.id, r.verdict])),
        output: stdout + stderr,
      });
    });
  });
}

export type Outcome = "caught" | "missed" | "wrong";

export interface MutationRow {
  fault: string;
  expected: string[];
  changed: string[];
  outcome: Outcome;
}

/** caught: exactly the expected rules changed; missed: none of them did; wrong: some other set changed. */
export function judge(fault: Fault, verdicts: Record<string, string>, encoded: ReadonlySet<string>): MutationRow {
  const expected = fault.breaks.filter((id) => encoded.has(id)).sort();
  const changed = Object.keys(verdicts).filter((id) => verdicts[id] !== "pass").sort();
  const outcome: Outcome = changed.join() === expected.join() ? "caught" : expected.some((id) => changed.includes(id)) ? "wrong" : "missed";
  return { fault: fault.name, expected, changed, outcome };
}

export function formatTable(rows: MutationRow[]): string {
  const lines = [`${"fault".padEnd(34)} ${"outcome".padEnd(8)} expected to fail → failed`];
  for (const r of rows) {
    const failed = r.changed.join(", ") || "(nothing)";
    lines.push(`${r.fault.padEnd(34)} ${r.outcome.toUpperCase().padEnd(8)} ${r.expected.join(", ")}${r.outcome === "caught" ? "" : `  →  ${failed}`}`);
  }
  const caught = rows.filter((r) => r.outcome === "caught").length;
  lines.push("", `kill rate: ${caught}/${rows.length} faults caught (${rows.length ? ((100 * caught) / rows.length).toFixed(1) : "0"}%)`);
  return lines.join("\n");
}
