// Generates the Allure 3 report (no Java) from a run's allure-results, in a process of its own (allure-generate.mjs):
// one self-contained HTML file, or, for a run too large for one, a folder to be served.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { PROJECT_ROOT } from "../src/project-root.ts";

/** The folder of a run's HTML report, inside its run folder. */
export const ALLURE_REPORT = "allure-report";

/**
 * How the report is written. `single-file`: one self-contained HTML page, opened from disk — what an evidence pack
 * wants. `folder`: Allure's report of many files, which a browser reads only when it is served (`npx allure open
 * DIR`): the one that can be had for a very large run. Allure's generator builds the single page in memory, every data
 * file base64 inside it (1.5 GB of the generator's memory for a 2,740-case run, a 162 MB page), and past some ten
 * thousand cases it cannot be built at all (a JavaScript string holds at most 512 MB).
 */
export type ReportLayout = "single-file" | "folder";

/** Runs of more cases than this get the folder report (a single page of about 180 MB and 1.7 GB to build, at most). */
export const SINGLE_FILE_MAX_CASES = 3000;

export function reportLayoutFor(cases: number): ReportLayout {
  return cases > SINGLE_FILE_MAX_CASES ? "folder" : "single-file";
}

/** Where to open a run's report, as the console says it: the page, or the folder and how to serve it. */
export function reportShown(reportDir: string, cases: number): string {
  return reportLayoutFor(cases) === "single-file"
    ? join(reportDir, "index.html")
    : `${reportDir}/ — a folder report (${cases} cases, past the ${SINGLE_FILE_MAX_CASES} a single page holds): a browser reads it served, e.g. npx allure open ${reportDir}`;
}

/**
 * How long the generator may take before it is given up on: two minutes, and more for a large run (Allure's work grows
 * with the tests: some 30 s for 2,740 cases on a slow hour of a two-core machine).
 */
export function reportTimeoutMs(cases: number): number {
  return 120_000 + 50 * cases;
}

/** Allure's history beside the runs, which every report of the output root embeds (its trend). */
export function allureHistoryOf(outRoot: string): string {
  return join(outRoot, "allure-history.jsonl");
}

/** The history a report will carry forward, as a file the leak gate searches when the run is judged (none yet: none). */
export function carriedHistory(outRoot: string): { path: string; where: string }[] {
  const path = allureHistoryOf(outRoot);
  return existsSync(path) ? [{ path, where: "allure-history.jsonl" }] : [];
}

/**
 * Allure's generator, a process of its own: started early, it has loaded its modules by the time it is asked, and, told
 * where the report will be, it reads each result file as it is written (`read`), while the run goes on.
 */
export interface AllureGenerator {
  /**
   * Where the report of `resultsDir` will be written: `outputDir` (emptied first), `historyPath` (where Allure keeps
   * run history for its trend charts, across runs), and how (`layout`, single-file unless told). Once, before any `read`.
   */
  prepare(resultsDir: string, outputDir: string, historyPath?: string, layout?: ReportLayout): void;
  /** A file just written, whole, in the results folder (its name there): read now rather than when the report is asked. */
  read(name: string): void;
  /**
   * Writes the report of `resultsDir` (every file not read yet read first) into `outputDir` and returns the path of its
   * HTML page, titled `reportName`. Prepares first with these folders and `layout` if `prepare` was not called. Once.
   */
  generate(resultsDir: string, outputDir: string, historyPath?: string, reportName?: string, timeoutMs?: number, layout?: ReportLayout): Promise<string>;
  /** Ends the process without a report (the run ended before it was wanted). Nothing once generating. */
  close(): void;
}

const GENERATOR = join(PROJECT_ROOT, "reporters", "allure-generate.mjs");
const live = new Set<ChildProcess>();
const killLive = () => {
  for (const child of live) child.kill("SIGKILL");
};
const STDERR_KEPT = 64 * 1024;

/** The folder this process was started in, if it still exists; else the project's. */
function callerFolder(): string {
  try {
    const cwd = process.cwd();
    return existsSync(cwd) ? cwd : PROJECT_ROOT;
  } catch {
    return PROJECT_ROOT;
  }
}

/**
 * Starts the generator now, so that its half second of loading overlaps whatever the caller does next (a run's
 * cases). It holds nothing open for the caller's process until asked to generate: a run that returns early exits.
 * `cwd`: the folder whose git repository the report describes (default: where this process was started).
 */
export function startAllureGenerator(options: { cwd?: string } = {}): AllureGenerator {
  // A process group of its own: a Ctrl-C at the terminal stops the run safely, and the run still wants its report. It
  // never outlives this process's exit (a second Ctrl-C), nor writes into a folder that exit removed.
  const child = spawn(process.execPath, [GENERATOR, String(process.pid)], {
    // Where the run was started: the git repository a report made by hand describes is the user's, not the harness's
    // (Allure's configuration is read from the project's folder all the same, every path given absolute).
    cwd: options.cwd ?? callerFolder(),
    stdio: ["pipe", "ignore", "pipe"],
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    detached: true,
  });
  if (!live.size) process.once("exit", killLive);
  live.add(child);
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEPT);
  });
  // A child that died early (or never started) leaves its stdin closed: what it said is reported by generate.
  child.stdin.on("error", () => {});
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((done) => {
    child.on("error", (error) => done({ code: null, signal: null, error }));
    child.on("close", (code, signal) => done({ code, signal }));
  }).finally(() => {
    live.delete(child);
    if (!live.size) process.off("exit", killLive);
  });
  const handles = [child, child.stdin, child.stderr] as { ref(): void; unref(): void }[];
  for (const h of handles) h.unref();
  let asked = false;
  let prepared: { results: string; output: string } | undefined;
  const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
  let pending: string[] = [];
  const flush = () => {
    if (!pending.length || child.stdin.writableEnded) return;
    child.stdin.write(pending.map((name) => `${JSON.stringify({ read: name })}\n`).join(""));
    pending = [];
  };
  const generator: AllureGenerator = {
    prepare(resultsDirIn, outputDirIn, historyPathIn, layout = "single-file") {
      if (prepared) throw new Error("an Allure generator is prepared once");
      // Allure reads its configuration in the project's folder: every path it is given is absolute.
      prepared = { results: resolve(resultsDirIn), output: resolve(outputDirIn) };
      const historyPath = historyPathIn && resolve(historyPathIn);
      rmSync(prepared.output, { recursive: true, force: true });
      const env = historyPath ? { SPINE_ASSURE_ALLURE_HISTORY: historyPath } : {};
      send({ setup: { ...prepared, config: join(PROJECT_ROOT, "allurerc.mjs"), cwd: PROJECT_ROOT, env, singleFile: layout === "single-file" } });
    },
    read(name) {
      if (!prepared || asked) throw new Error("an Allure generator reads files between prepare and generate");
      // A case writes a dozen files at once: one write to the pipe for them all, after the caller's turn.
      if (!pending.length) setImmediate(flush);
      pending.push(name);
    },
    async generate(resultsDirIn, outputDirIn, historyPathIn, reportName, timeoutMs = reportTimeoutMs(0), layout) {
      if (asked) throw new Error("an Allure generator writes one report");
      if (!prepared) generator.prepare(resultsDirIn, outputDirIn, historyPathIn, layout);
      if (prepared!.results !== resolve(resultsDirIn) || prepared!.output !== resolve(outputDirIn)) throw new Error("an Allure generator writes the report it was prepared for");
      flush();
      asked = true;
      for (const h of handles) h.ref();
      const output = prepared!.output;
      child.stdin.end(`${JSON.stringify({ done: { name: reportName } })}\n`);
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const end = await ended.finally(() => clearTimeout(timer));
      if (end.error || end.code !== 0) {
        const said = stderr.trim().split("\n").slice(-5).join(" ");
        const how = end.error ? end.error.message : end.signal === "SIGKILL" ? `no report within ${timeoutMs} ms` : `exit ${end.code ?? end.signal}`;
        throw new Error(`Allure report generation failed: ${said || how}`);
      }
      const html = findIndex(output);
      if (!html) throw new Error(`Allure report generation wrote no index.html under ${output}`);
      return html;
    },
    close() {
      if (!asked) child.kill();
    },
  };
  return generator;
}

let staticParts: Promise<string[]> | undefined;

/**
 * The report app's own code as the single-file report embeds it: the awesome plugin's shipped main.js as a base64
 * data: URI, the same bytes in every report and no run data — most of a small report's bytes. The report's secret
 * search leaves exactly these out. Read from the plugin's own archive, through its own reader; when it cannot be read
 * (another Allure layout), nothing is left out and everything is searched.
 */
export function allureStaticParts(): Promise<string[]> {
  staticParts ??= (async () => {
    try {
      const fromAllure = createRequire(createRequire(import.meta.url).resolve("allure"));
      const archive = join(dirname(fromAllure.resolve("@allurereport/plugin-awesome")), "static", "report.tar");
      const api = (await import(pathToFileURL(fromAllure.resolve("@allurereport/plugin-api/static-assets")).href)) as {
        readReportStaticAssets(archive: URL): Promise<{ manifest: Record<string, string> }>;
        getReportStaticAsset(assets: unknown, name: string): Buffer;
      };
      const assets = await api.readReportStaticAssets(pathToFileURL(archive));
      const main = assets.manifest["main.js"];
      return main ? [`data:text/javascript;base64,${api.getReportStaticAsset(assets, main).toString("base64")}`] : [];
    } catch {
      return [];
    }
  })();
  return staticParts;
}

/**
 * Earlier runs the trend charts carry. The single-file report embeds the whole history file (about 0.8 MB a run), so
 * a history as long as --keep-runs grew every pack by that much per run: it keeps the last few runs only.
 */
export const HISTORY_RUNS = 5;

function findIndex(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  if (existsSync(join(dir, "index.html"))) return join(dir, "index.html");
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (d.isDirectory() && existsSync(join(dir, d.name, "index.html"))) return join(dir, d.name, "index.html");
  }
  return undefined;
}
