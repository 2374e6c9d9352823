// `spine-assure report [RUN]`: renders a run's outputs again from its stored run-result.json, through the same publish
// stage as `run` — summary, coverage matrix, JUnit, Allure results and report, manifest — and the latest copies
// when it is the latest run. The history is not appended to: it is the same run.
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { RunResult } from "../judge/run-result.ts";
import { EXIT } from "../judge/status.ts";
import { publish, RUN_RESULT } from "../stages/publish.ts";

export async function regenerateReport(runDir: string | undefined, outRoot: string): Promise<number> {
  const latestOf = (root: string) => (existsSync(join(root, "latest-run")) ? readFileSync(join(root, "latest-run"), "utf8").trim() : undefined);
  const latestId = latestOf(outRoot);
  const dir = runDir ?? (latestId ? join(outRoot, "runs", latestId) : undefined);
  if (!dir || !existsSync(join(dir, RUN_RESULT))) {
    console.error(`report: no run to regenerate (${dir ? `${dir}/${RUN_RESULT} not found: a run folder written before run results were stored cannot be regenerated; run again` : `no latest run under ${outRoot}`})`);
    return EXIT.configOrSuite;
  }
  let run: RunResult;
  try {
    run = JSON.parse(readFileSync(join(dir, RUN_RESULT), "utf8")) as RunResult;
    if (run.resultVersion !== 1 || basename(dir) !== run.runId) throw new Error(`not the stored result of run ${basename(dir)}`);
  } catch (err) {
    console.error(`report: ${join(dir, RUN_RESULT)}: ${(err as Error).message}`);
    return EXIT.configOrSuite;
  }
  // A run folder is <output root>/runs/<id>: its own root holds the history and the latest copies.
  const root = join(dir, "..", "..");
  const published = await publish(run, { outRoot: root, html: true, recordHistory: false, latest: basename(dir) === latestOf(root) });
  for (const w of published.warnings) console.error(`report: ${w}`);
  if (!published.reportPath) return EXIT.configOrSuite;
  console.log(`report: regenerated run ${run.runId} in ${dir} (report ${published.reportPath}); manifest rewritten`);
  return 0;
}
