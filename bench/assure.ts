// A cold `npm run assure` against the embedded sandbox, timed: the whole run with the report, the run without it,
// and so the report generation. Prints figures; asserts nothing.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PROJECT_ROOT } from "../src/project-root.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const tsx = pathToFileURL(join(PROJECT_ROOT, "node_modules", "tsx", "dist", "loader.mjs")).href;

function once(extra: string[]): number {
  const out = mkdtempSync(join(tmpdir(), "bench-"));
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--import", tsx, join(PROJECT_ROOT, "src", "cli", "assure.ts"), "--out", out, ...extra], {
    cwd: out, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" }, encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`assure exited ${r.status}: ${r.stdout}${r.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const full = Array.from({ length: RUNS }, () => once([]));
const bare = Array.from({ length: RUNS }, () => once(["--no-report"]));
console.log(`cold npm run assure against the embedded sandbox, median of ${RUNS} (ms):`);
console.log(`  whole run, report included: ${median(full).toFixed(0)}   (runs: ${full.map((x) => x.toFixed(0)).join(", ")})`);
console.log(`  without the HTML report:    ${median(bare).toFixed(0)}   (runs: ${bare.map((x) => x.toFixed(0)).join(", ")})`);
console.log(`  report generation:          ${(median(full) - median(bare)).toFixed(0)}`);
