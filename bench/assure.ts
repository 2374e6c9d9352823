// A cold `spine-assure run` against the embedded sandbox without added latency: the wall time, split into start-up
// (process, configuration, suites, sandbox), the cases (vitest and every exchange), outputs (summary, matrix, JUnit,
// leak gate, manifest) and the HTML report, with the CLI process's peak memory. Prints figures; asserts nothing.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../src/project-root.ts";
import type { Summary } from "../src/report/summary.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function once(extra: string[]): { wall: number; t: NonNullable<Summary["timing"]> } {
  const out = mkdtempSync(join(tmpdir(), "bench-"));
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, "bin", "spine-assure.js"), "run", "--out", out, ...extra], {
    cwd: out, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" }, encoding: "utf8",
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`assure exited ${r.status}: ${r.stdout}${r.stderr}`);
  return { wall, t: (JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as Summary).timing! };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const full = Array.from({ length: RUNS }, () => once([]));
const bare = Array.from({ length: RUNS }, () => once(["--no-report"]));
const m = (f: (x: (typeof full)[number]) => number, xs = full) => median(xs.map(f));
const inRun = m((x) => x.t.startupMs + x.t.casesMs + x.t.outputsMs);
console.log(`cold spine-assure run against the embedded sandbox, median of ${RUNS} (ms):`);
console.log(`  whole run, report included: ${m((x) => x.wall).toFixed(0)}   (runs: ${full.map((x) => x.wall.toFixed(0)).join(", ")})`);
console.log(`    node + tsx + CLI start:   ${(m((x) => x.wall) - inRun).toFixed(0)}`);
console.log(`    configuration, suites, sandbox, vitest start-up: ${m((x) => x.t.startupMs)}`);
console.log(`    cases (${full[0]!.t.requests} requests): ${m((x) => x.t.casesMs)}`);
console.log(`    vitest wind-down, outputs and HTML report: ${m((x) => x.t.outputsMs)}`);
console.log(`  without the HTML report:    ${m((x) => x.wall, bare).toFixed(0)}   → the report costs ${(m((x) => x.wall) - m((x) => x.wall, bare)).toFixed(0)}`);
console.log(`  peak memory of the CLI process (vitest workers are threads in it): ${m((x) => x.t.peakRssMiB)} MiB`);
console.log("  target: under 5,000 ms, report included");
