// The one list of the files rendered from a RunResult into a run's folder and, for the latest run, kept at fixed paths
// under the output root: each file's name and its renderer. Publishing (src/stages/publish.ts) writes exactly these,
// beside run-result.json, the Allure results and the HTML report (allure-results.ts, allure-report.ts). To add an output
// format: write its renderer here in reporters/, a function of the RunResult, and add one line below.
import type { RunResult } from "../src/model/run-result.ts";
import { coverageCsv, coverageMarkdown } from "./coverage-matrix.ts";
import { firstScreen } from "./first-screen.ts";
import { junitXml } from "./junit.ts";
import { requestLogCsv } from "./request-log.ts";
import { renderSummary, summaryValidator } from "./summary.ts";

/** A renderer gives a file's text, or nothing when the file is not one this kind of run has. */
export const LATEST_FILES: Readonly<Record<string, (run: RunResult) => string | undefined>> = {
  "summary.json": renderSummary,
  "requirements.csv": coverageCsv,
  "requirements.md": coverageMarkdown,
  "junit.xml": junitXml,
  "index.html": firstScreen,
  "requests.csv": requestLogCsv,
};

/**
 * What rendering will need whatever the run's results, done ahead: a run calls this while it waits for its cases to
 * start (its vitest worker compiling the plan), when this thread is idle, so that the outputs are written that much sooner after
 * the last case. A failure here is left for the renderer to report.
 */
export function warmRenderers(): void {
  try {
    summaryValidator();
  } catch {
    // renderSummary says what is wrong when it runs.
  }
}
