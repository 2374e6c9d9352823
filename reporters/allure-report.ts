// Generates the single-file Allure 3 report (no Java) from a run's allure-results.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { writeFileAtomic } from "../src/write-atomic.ts";

const run = promisify(execFile);

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
 * Returns the path of the generated HTML file. `historyPath`: where Allure keeps run history for its trend charts
 * (kept across runs).
 */
export async function generateAllureReport(resultsDirIn: string, outputDirIn: string, historyPathIn?: string, reportName?: string, timeoutMs = 120_000): Promise<string> {
  // Allure runs in the project's folder: paths relative to the caller's would land there.
  const [resultsDir, outputDir] = [resolve(resultsDirIn), resolve(outputDirIn)];
  const historyPath = historyPathIn && resolve(historyPathIn);
  // The package exports no cli path; its bin sits beside dist/.
  const cli = join(dirname(createRequire(import.meta.url).resolve("allure")), "..", "cli.js");
  rmSync(outputDir, { recursive: true, force: true });
  try {
    await run(process.execPath, [cli, "generate", resultsDir, "--config", join(PROJECT_ROOT, "allurerc.mjs"), "--output", outputDir], {
      cwd: PROJECT_ROOT,
      timeout: timeoutMs,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...(historyPath ? { SPINE_ASSURE_ALLURE_HISTORY: historyPath } : {}), ...(reportName ? { SPINE_ASSURE_REPORT_NAME: reportName } : {}) },
    });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`Allure report generation failed: ${(e.stderr || e.message).trim().split("\n").slice(-5).join(" ")}`);
  }
  const html = findIndex(outputDir);
  if (!html) throw new Error(`Allure report generation wrote no index.html under ${outputDir}`);
  writeFileAtomic(html, withoutAnalytics(readFileSync(html, "utf8")));
  return html;
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

/**
 * Allure 3 always embeds Google Analytics (the awesome plugin hard-codes it). An evidence pack must not report its
 * opening to a third party, and on a closed network the script's lookup can stall the page: it is cut out.
 */
export function withoutAnalytics(html: string): string {
  return html
    .replace(/<script async src="https:\/\/www\.googletagmanager\.com\/gtag\/js[^"]*"><\/script>/g, "")
    .replace(/<script>\s*window\.dataLayer = window\.dataLayer[\s\S]*?<\/script>/g, "");
}

function findIndex(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  if (existsSync(join(dir, "index.html"))) return join(dir, "index.html");
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (d.isDirectory() && existsSync(join(dir, d.name, "index.html"))) return join(dir, d.name, "index.html");
  }
  return undefined;
}
