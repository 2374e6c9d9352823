// A cold `spine-assure run` against the embedded sandbox without added latency: the wall time, split into Node and the
// CLI starting, start-up (configuration, suites, sandbox, vitest worker, compiling the checks), the cases, everything
// after the cases (vitest winding down, judging, writing every output and the manifest), and the HTML report, with the
// CLI process's peak memory. Phases come from the wall clock and summary.json's timing. Prints figures; asserts nothing.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../src/project-root.ts";
import type { Summary } from "../reporters/summary.ts";
import { recordFigure } from "./figures.ts";
import { median } from "./median.ts";
import { scratchDir } from "./scratch.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Phases { wall: number; cli: number; startup: number; cases: number; after: number; rss: number; requests: number }

function once(extra: string[]): Phases {
  const out = scratchDir("bench-");
  const spawnedAt = Date.now();
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, "bin", "spine-assure.js"), "run", "--out", out, ...extra], {
    cwd: out, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" }, encoding: "utf8",
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`assure exited ${r.status}: ${r.stdout}${r.stderr}`);
  const s = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as Summary;
  const cli = Date.parse(s.startedAt) - spawnedAt;
  const t = s.timing!;
  return { wall, cli, startup: t.startupMs, cases: t.casesMs, after: wall - cli - t.startupMs - t.casesMs, rss: t.peakRssMiB, requests: t.requests };
}

const full = Array.from({ length: RUNS }, () => once([]));
const bare = Array.from({ length: RUNS }, () => once(["--no-report"]));
const m = (f: (x: Phases) => number, xs = full) => median(xs.map(f)).toFixed(0);
console.log(`cold spine-assure run against the embedded sandbox, median of ${RUNS} (ms):`);
console.log(`  whole run, report included: ${m((x) => x.wall)}   (runs: ${full.map((x) => x.wall.toFixed(0)).join(", ")})`);
console.log(`  without the HTML report:    ${m((x) => x.wall, bare)}   (runs: ${bare.map((x) => x.wall.toFixed(0)).join(", ")})`);
console.log(`    node + CLI start:         ${m((x) => x.cli, bare)}`);
console.log(`    configuration, suites, sandbox, vitest worker, compiling the checks: ${m((x) => x.startup, bare)}`);
console.log(`    cases (${bare[0]!.requests} requests): ${m((x) => x.cases, bare)}`);
console.log(`    after the cases (vitest wind-down, judging, outputs, manifest): ${m((x) => x.after, bare)}`);
console.log(`  the HTML report costs:      ${(median(full.map((x) => x.wall)) - median(bare.map((x) => x.wall))).toFixed(0)}`);
console.log(`  peak memory of the CLI process (vitest workers are threads in it): ${m((x) => x.rss)} MiB`);
console.log("  target: under 5,000 ms, report included");
console.log(`  start-up, spawn to the first case: ${m((x) => x.cli + x.startup, bare)}   target: under 2,000 ms`);
const med = (f: (x: Phases) => number, xs = full) => median(xs.map(f));
recordFigure({ figure: "cold run, report included", value: `${med((x) => x.wall).toFixed(0)} ms`, target: "< 5,000 ms", met: med((x) => x.wall) < 5000 });
recordFigure({ figure: "cold run without the report", value: `${med((x) => x.wall, bare).toFixed(0)} ms`, target: "—" });
recordFigure({ figure: "start-up, spawn to the first case", value: `${med((x) => x.cli + x.startup, bare).toFixed(0)} ms`, target: "< 2,000 ms", met: med((x) => x.cli + x.startup, bare) < 2000 });
recordFigure({ figure: "peak memory, cold run", value: `${med((x) => x.rss).toFixed(0)} MiB`, target: "—" });

// A configuration error: everything a mistake costs before it is named (nothing is sent), as CPU of the process and
// its children (bash's `times`, which Node cannot read for a child). Median of RUNS.
function configErrorCpuMs(): number {
  const cli = join(PROJECT_ROOT, "bin", "spine-assure.js");
  const r = spawnSync("bash", ["-c", `"${process.execPath}" "${cli}" run >/dev/null 2>&1; echo "exit $?"; times`], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", NRLS_BASE_URL: "not-a-url" }, encoding: "utf8",
  });
  if (!/^exit 2$/m.test(r.stdout)) throw new Error(`a configuration error did not exit 2: ${r.stdout}${r.stderr}`);
  const [user, sys] = [...r.stdout.trim().split("\n").pop()!.matchAll(/(\d+)m([\d.]+)s/g)].map((x) => Number(x[1]) * 60 + Number(x[2]));
  return (user! + sys!) * 1000;
}
const configErrors = Array.from({ length: RUNS }, configErrorCpuMs);
console.log(`  a configuration error (nothing sent), CPU: ${median(configErrors).toFixed(0)} ms   (runs: ${configErrors.map((x) => x.toFixed(0)).join(", ")})   target: under 1,200 ms`);
recordFigure({ figure: "a configuration error, CPU", value: `${median(configErrors).toFixed(0)} ms`, target: "< 1,200 ms", met: median(configErrors) < 1200 });
