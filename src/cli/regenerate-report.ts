// `spine-assure report [RUN]`: rebuilds a run's outputs from what it recorded (summary.json and allure-results):
// the coverage matrix, JUnit, the Allure report, and the manifest over them. The latest run's copies follow.
import { cpSync, existsSync, readFileSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { generateAllureReport } from "../report/allure-report.ts";
import { coverageCsv, coverageMarkdown } from "../report/coverage-matrix.ts";
import { junitXml } from "../report/junit.ts";
import { MANIFEST, writeManifest, type Manifest } from "../report/manifest.ts";
import type { Summary } from "../report/summary.ts";
import { EXIT } from "../report/verdicts.ts";
import { writeFileAtomic } from "../report/write-atomic.ts";

export async function regenerateReport(runDir: string | undefined, outRoot: string): Promise<number> {
  const latestId = existsSync(join(outRoot, "latest-run")) ? readFileSync(join(outRoot, "latest-run"), "utf8").trim() : undefined;
  const dir = runDir ?? (latestId ? join(outRoot, "runs", latestId) : undefined);
  if (!dir || !existsSync(join(dir, "summary.json"))) {
    console.error(`report: no run to regenerate (${dir ? `${dir}/summary.json not found` : `no latest run under ${outRoot}`})`);
    return EXIT.configOrSuite;
  }
  const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as Summary;
  writeFileAtomic(join(dir, "requirements.csv"), coverageCsv(summary));
  writeFileAtomic(join(dir, "requirements.md"), coverageMarkdown(summary));
  writeFileAtomic(join(dir, "junit.xml"), junitXml(summary));
  let html: string | undefined;
  if (existsSync(join(dir, "allure-results"))) {
    try {
      html = await generateAllureReport(join(dir, "allure-results"), join(dir, "allure-report"), join(outRoot, "allure-history.jsonl"));
    } catch (err) {
      console.error(`report: ${(err as Error).message}`);
      return EXIT.configOrSuite;
    }
  }
  const old = existsSync(join(dir, MANIFEST)) ? (JSON.parse(readFileSync(join(dir, MANIFEST), "utf8")) as Manifest) : undefined;
  writeManifest(dir, { runId: summary.runId, tool: summary.tool, gate: { exitCode: summary.gate.exitCode, reason: summary.gate.reason }, configHash: old?.configHash ?? "unknown" });
  if (basename(dir) === latestId) {
    for (const f of ["requirements.csv", "requirements.md", "junit.xml"]) cpSync(join(dir, f), join(outRoot, f));
    if (html) {
      rmSync(join(outRoot, "allure-report"), { recursive: true, force: true });
      cpSync(join(dir, "allure-report"), join(outRoot, "allure-report"), { recursive: true });
    }
  }
  console.log(`report: regenerated run ${summary.runId} in ${dir}${html ? ` (report ${join(dir, "allure-report", "index.html")})` : ""}; manifest rewritten`);
  return 0;
}
