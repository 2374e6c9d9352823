// npm run bench: every bench in turn (each prints its details), then one table of the headline figures beside their
// targets (bench/figures.ts). BENCH_NPM_TEST=1 also times `npm test` (several minutes); without it that row says so.
// BENCH_ONLY picks benches by name.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { figuresTable, readFigures, recordFigure } from "./figures.ts";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { scratchDir } from "./scratch.ts";

const ALL = ["machine", "assure", "latency", "sandbox", "validate", "leak-search", "scale", "assess-client"];
// BENCH_ONLY=machine,validate runs only those.
const BENCHES = process.env.BENCH_ONLY ? ALL.filter((b) => process.env.BENCH_ONLY!.split(",").includes(b)) : ALL;
const dir = scratchDir("bench-figures-");
// The benches it spawns inherit it, and the rows this process adds itself go to the same file.
const figures = join(dir, "figures.jsonl");
process.env.BENCH_FIGURES = figures;
for (const name of BENCHES) {
  console.log(`\n== bench/${name}.ts`);
  const r = spawnSync(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "bench", `${name}.ts`)], { cwd: PROJECT_ROOT, stdio: "inherit" });
  if (r.status !== 0) recordFigure({ figure: `bench/${name}.ts`, value: `failed (exit ${r.status ?? r.signal})`, target: "runs", met: false });
}
if (process.env.BENCH_NPM_TEST === "1") {
  console.log("\n== npm test");
  const started = performance.now();
  const r = spawnSync("npm", ["test", "--silent"], { cwd: PROJECT_ROOT, env: { ...process.env, BENCH_FIGURES: "" }, stdio: ["ignore", "ignore", "inherit"] });
  const s = (performance.now() - started) / 1000;
  recordFigure({ figure: "npm test", value: `${s.toFixed(0)} s${r.status === 0 ? "" : ` (exit ${r.status})`}`, target: "≤ 240 s", met: r.status === 0 && s <= 240 });
} else recordFigure({ figure: "npm test", value: "not timed (BENCH_NPM_TEST=1 times it)", target: "≤ 240 s" });
console.log(`\n== the figures, each beside its target\n${figuresTable(readFigures(figures))}`);
