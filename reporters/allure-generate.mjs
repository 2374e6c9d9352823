/* global process, setInterval */
// Allure 3's generator as a process of its own, started before the report is wanted (allure-report.ts): it loads the
// generator's modules at once, while the run's cases go on, then waits for its one job on stdin (JSON, ended by EOF)
// and writes the report. Allure's own command line would load every command it has (agents, Jira, Slack…), half a
// second more, and only when the report is already wanted; the calls here are the ones its `generate` makes.
// An empty stdin (the run ended without a report, or its process went away) ends this process with nothing written.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

// Outside the run's process group, so a signal to the group does not reach it: it ends itself once the run that started
// it is gone (killed outright, say, by a CI job's timeout), rather than write a report no one will read. The run names
// itself (argv): it may be gone before this process has even started.
const parent = Number(process.argv[2]) || process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(1);
}, 250).unref();

// Allure's packages as the `allure` package itself resolves them (they are its dependencies, not this project's).
const fromAllure = createRequire(createRequire(import.meta.url).resolve("allure"));
const load = (name) => import(pathToFileURL(fromAllure.resolve(name)).href);
const [{ AllureReport, readConfig }] = await Promise.all([load("@allurereport/core"), load("@allurereport/plugin-awesome")]);

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;
if (input.trim()) {
  /** @type {{ results: string, output: string, config: string, cwd: string, env: Record<string, string> }} */
  const job = JSON.parse(input);
  // The configuration file reads its settings (history, report name) from the environment when it is loaded.
  Object.assign(process.env, job.env);
  const config = await readConfig(job.cwd, job.config, { output: job.output });
  const report = new AllureReport(config);
  await report.restoreState([]);
  await report.start();
  await report.readDirectory(job.results);
  await report.done();
}
