// The cost curve from 1× to N× today's cases (issue: the curve must be flat). Each suite's cases are copied under new
// ids (same rules, same checks), the copies run against the embedded sandbox, and for each scale it prints the wall
// time, the time per case, the CLI's peak memory and memory per case, the run folder's size and the report's (one
// page, or past SINGLE_FILE_MAX_CASES cases a folder), the report's share of the wall time and its generator's peak
// memory. BENCH_SCALES picks the scales (default 1,10; 100 takes ten minutes and more on two cores);
// SANDBOX_LATENCY_MS adds latency to every answer. Prints figures; asserts nothing.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument, stringify } from "yaml";
import { filesUnder } from "../src/files-under.ts";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { reportLayoutFor } from "../reporters/allure-report.ts";
import type { Summary } from "../reporters/summary.ts";
import { recordFigure } from "./figures.ts";
import { peakMiB } from "./peak-memory.ts";
import { scratchDir } from "./scratch.ts";

const SCALES = (process.env.BENCH_SCALES ?? "1,10").split(",").map(Number).filter((n) => n >= 1);
const LATENCY = process.env.SANDBOX_LATENCY_MS;

/** Case copies one generated suite file holds: ten copies of the largest suite stay under a suite file's 2 MB. */
const COPIES_PER_FILE = 10;

/**
 * The suites with every case copied `factor` times in all, in a folder of their own. A suite file may hold 2 MB and
 * 2,000 aliases (load-suites.ts), and a requirement may be declared by one suite only: past ten copies the suite is
 * split into parts, each a suite of its own (name suffixed) declaring the same rules under renamed IDs (NRLS-CRT-07 →
 * NRLS-CRTP2-07) — the same checks, counted once per part.
 */
function scaledSuites(factor: number): string {
  const dir = scratchDir(`scale-${factor}x-`);
  for (const file of filesUnder(join(PROJECT_ROOT, "suites")).filter((f) => f.endsWith(".yaml"))) {
    const data = parseDocument(readFileSync(file, "utf8"), { merge: true }).toJS({ maxAliasCount: -1 }) as { suite: string; requirements: { id: string }[]; cases: { id: string }[] };
    const ids = new Set(data.requirements.map((r) => r.id));
    for (let part = 0; part * COPIES_PER_FILE < factor; part++) {
      const copies = Math.min(COPIES_PER_FILE, factor - part * COPIES_PER_FILE);
      const cases = data.cases.flatMap((c) => Array.from({ length: copies }, (_, k) => (part === 0 && k === 0 ? c : { ...c, id: `${c.id}-x${part * COPIES_PER_FILE + k + 1}` })));
      // A part after the first: its own suite name, and its rules' IDs renamed wherever they are named (whole strings).
      const renamed = (v: unknown): unknown => {
        if (typeof v === "string") return ids.has(v) ? v.replace(/^([A-Z][A-Z0-9]*)-([A-Z0-9]+)-/, `$1-$2P${part + 1}-`) : v === data.suite ? `${data.suite}-part${part + 1}` : v;
        if (Array.isArray(v)) return v.map(renamed);
        return v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renamed(x)])) : v;
      };
      const suite = part === 0 ? { ...data, cases } : renamed({ ...data, cases });
      const rel = file.slice(join(PROJECT_ROOT, "suites").length + 1).replace(/\.yaml$/, part ? `-part${part + 1}.yaml` : ".yaml");
      const out = join(dir, rel);
      mkdirSync(join(out, ".."), { recursive: true });
      writeFileSync(out, stringify(suite, { aliasDuplicateObjects: false }));
    }
  }
  return dir;
}

const sizeOf = (path: string): number => (statSync(path).isDirectory() ? readdirSync(path).reduce((n, f) => n + sizeOf(join(path, f)), 0) : statSync(path).size);
const mib = (bytes: number) => bytes / (1 << 20);

interface Row { factor: number; cases: number; requests: number; wall: number; bareWall: number; rss: number; generatorRss: number; folder: number; report: number; layout: string }

/** The processes `pid` started (the report's generator), from /proc. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function run(suites: string, report: boolean): Promise<{ wall: number; summary: Summary; runDir: string; generatorRss: number }> {
  const out = scratchDir("scale-out-");
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [join(PROJECT_ROOT, "bin", "spine-assure.js"), "run", "--suites", suites, "--out", out, ...(report ? [] : ["--no-report"])], {
    cwd: out, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...(LATENCY ? { SANDBOX_LATENCY_MS: LATENCY } : {}) }, stdio: ["ignore", "pipe", "pipe"],
  });
  let said = "";
  const keep = (chunk: Buffer) => void (said = (said + chunk.toString("utf8")).slice(-4000));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  // The report's generator is a process of its own: its peak memory is sampled while it lives.
  let generatorRss = 0;
  const sampling = setInterval(() => {
    for (const pid of childrenOf(child.pid!)) generatorRss = Math.max(generatorRss, peakMiB(pid));
  }, 200);
  const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
  clearInterval(sampling);
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  if (status !== 0) throw new Error(`run exited ${status}: ${said}`);
  const runs = readdirSync(join(out, "runs"));
  return { wall, summary: JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as Summary, runDir: join(out, "runs", runs[0]!), generatorRss };
}

const rows: Row[] = [];
for (const factor of SCALES) {
  const suites = scaledSuites(factor);
  const full = await run(suites, true);
  const bare = await run(suites, false);
  const reportDir = join(full.runDir, "allure-report");
  rows.push({
    factor, cases: full.summary.cases.length, requests: full.summary.timing!.requests, wall: full.wall, bareWall: bare.wall, rss: full.summary.timing!.peakRssMiB, generatorRss: full.generatorRss,
    folder: mib(sizeOf(full.runDir)), report: existsSync(join(reportDir, "index.html")) ? mib(sizeOf(reportDir)) : 0, layout: reportLayoutFor(full.summary.cases.length),
  });
}
console.log(`the suites at ${SCALES.join("×, ")}× their cases against the embedded sandbox${LATENCY ? `, ${LATENCY} ms latency` : ", no added latency"} (report included):`);
console.log("scale  cases  requests  wall s  ms/case  (no report)  peak MiB  KiB/case  folder MiB  KiB/case  report MiB  report share  report layout  generator peak MiB");
for (const r of rows) {
  console.log(`${`${r.factor}×`.padStart(5)}  ${String(r.cases).padStart(5)}  ${String(r.requests).padStart(8)}  ${(r.wall / 1000).toFixed(1).padStart(6)}  ${(r.wall / r.cases).toFixed(1).padStart(7)}  ${(r.bareWall / r.cases).toFixed(1).padStart(11)}  ${r.rss.toFixed(0).padStart(8)}  ${((r.rss * 1024) / r.cases).toFixed(0).padStart(8)}  ${r.folder.toFixed(1).padStart(10)}  ${((r.folder * 1024) / r.cases).toFixed(0).padStart(8)}  ${r.report.toFixed(1).padStart(10)}  ${(((r.wall - r.bareWall) / r.wall) * 100).toFixed(0).padStart(10)} %  ${r.layout.padStart(13)}  ${r.generatorRss.toFixed(0).padStart(18)}`);
}
const [first, last] = [rows[0]!, rows[rows.length - 1]!];
if (rows.length > 1) {
  const ratios = { time: last.wall / last.cases / (first.wall / first.cases), memory: last.rss / last.cases / (first.rss / first.cases), folder: last.folder / last.cases / (first.folder / first.cases) };
  recordFigure({ figure: `scale ${last.factor}× against 1×: time, memory, folder per case`, value: `${ratios.time.toFixed(2)}×, ${ratios.memory.toFixed(2)}×, ${ratios.folder.toFixed(2)}×`, target: "≤ 1.5× each (at 100×)", met: ratios.time <= 1.5 && ratios.memory <= 1.5 && ratios.folder <= 1.5 });
  console.log(`at ${last.factor}× against 1×: time per case ${(last.wall / last.cases / (first.wall / first.cases)).toFixed(2)}×, memory per case ${((last.rss / last.cases) / (first.rss / first.cases)).toFixed(2)}×, folder per case ${((last.folder / last.cases) / (first.folder / first.cases)).toFixed(2)}×`);
}
console.log("target: time and memory per case at 100× within 1.5× of 1×; the run folder linear in cases");
