/* global console, process, setInterval */
// Allure 3's generator as a process of its own, started with the run (allure-report.ts): it loads the generator's
// modules at once, then reads each result file as the run writes it, while the cases go on, and writes the report when
// told to. Allure's own command line would load every command it has (agents, Jira, Slack…) and read every file only
// once the report is wanted; the calls here are the ones its `generate` makes (readConfig — here the configuration
// file's import and resolveConfig —, AllureReport: start, a read per file, done). Its stdin is one JSON message a line:
//   {"setup": {results, output, config, cwd, env, singleFile}}  the report's folders and layout; Allure starts
//   {"read": name}                                   a file just written in the results folder
//   {"done": {name}}                                 any file not read yet, then the report, titled `name` if given
// A stdin that ends before "done" (the run ended without a report, or its process went away) ends this process with
// nothing written.
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { allureModules } from "./allure-modules.mjs";
import { tuneForShortRun } from "../bin/v8-flags.js";

// Outside the run's process group, so a signal to the group does not reach it: it ends itself once the run that started
// it is gone (killed outright, say, by a CI job's timeout), rather than write a report no one will read. The run names
// itself (argv): it may be gone before this process has even started.
const parent = Number(process.argv[2]) || process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(1);
}, 250).unref();

// A process of seconds, tuned before Allure's modules load (../bin/v8-flags.js).
tuneForShortRun();
const { AllureReport, resolveConfig, BufferResultFile, PathResultFile, detect, bundled, saveCache } = await allureModules();

/**
 * Allure 3's report plugin hard-codes Google Analytics. An evidence pack must not report its opening to a third party,
 * and on a closed network the script's lookup can stall the page. The bundle's plugin writes none; a report the
 * modules as installed wrote has it cut out here, before the run reads the report.
 */
function cutAnalytics(output) {
  if (!existsSync(output)) return;
  // The page the run reads (allure-report.ts findIndex): the folder's own, or a plugin's folder's.
  const folders = [output, ...readdirSync(output, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(output, d.name))];
  const page = folders.map((f) => join(f, "index.html")).find((f) => existsSync(f));
  if (!page) return;
  const html = readFileSync(page, "utf8");
  const cleaned = html
    .replace(/<script async src="https:\/\/www\.googletagmanager\.com\/gtag\/js[^"]*"><\/script>/g, "")
    .replace(/<script>\s*window\.dataLayer = window\.dataLayer[\s\S]*?<\/script>/g, "");
  if (cleaned === html) return;
  writeFileSync(`${page}.${process.pid}.tmp`, cleaned);
  renameSync(`${page}.${process.pid}.tmp`, page);
}

/**
 * The CI the report describes (a CI service's job and branch from its environment, or, run by hand, the git repository
 * of the folder the run was started in: this process runs there), read now, while the cases go on. Allure's descriptor
 * answers each of its properties afresh when asked — run by hand, a git command each — and the report's data asks them
 * when the report is written: each is asked once here and kept as its value.
 */
function settleCi() {
  const ci = detect();
  for (const key of Object.keys(ci)) {
    try {
      Object.defineProperty(ci, key, { value: ci[key], enumerable: true, configurable: true, writable: false });
    } catch {
      // A property that cannot be read now is left to be asked as Allure would.
    }
  }
}

/**
 * The configuration with its report plugin's layout as the run asks: one page, or a folder of files for a run too large
 * for one page (allure-report.ts reportLayoutFor). Unset: as configured.
 */
function withLayout(config, singleFile) {
  if (singleFile === undefined) return config;
  const plugins = Object.fromEntries(Object.entries(config.plugins ?? {}).map(([id, p]) => [id, id === "awesome" ? { ...p, options: { ...p.options, singleFile } } : p]));
  return { ...config, plugins };
}

/** @type {InstanceType<typeof AllureReport> | undefined} */
let report;
let results = "";
let output = "";
let configuredName = "";
const read = new Set();
/**
 * Attachments are kept in memory as they are read, up to this many bytes in all (a whole run's are 3 MB): the report's
 * single file embeds each, and Allure would otherwise open and stream every one of them again once the report is
 * asked for, on the run's critical path, where now the reading is done while the cases go on. Past it, by path.
 */
const KEEP_ATTACHMENT_BYTES = 64 * 1024 * 1024;
let kept = 0;
const resultFile = (name) => {
  const path = join(results, name);
  // A test's or container's file is parsed at once and not kept; an attachment is kept until the report is written.
  const parsedNow = name.endsWith(".json");
  if (!parsedNow && kept >= KEEP_ATTACHMENT_BYTES) return new PathResultFile(path, name);
  let data;
  try {
    data = readFileSync(path);
  } catch {
    // As Allure's own reader would find it (a file gone is then left out).
    return new PathResultFile(path, name);
  }
  if (!parsedNow) kept += data.length;
  return new BufferResultFile(data, name);
};
const readOne = async (name) => {
  read.add(name);
  try {
    await report.readResult(resultFile(name));
  } catch (e) {
    // As Allure's readDirectory: a file it cannot read is said and left out.
    console.error(`can't read result file ${name}`, e);
  }
};

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (!line.trim()) continue;
  const message = JSON.parse(line);
  if (message.setup) {
    /** @type {{ results: string, output: string, config: string, cwd: string, env: Record<string, string>, singleFile?: boolean }} */
    const setup = message.setup;
    // The configuration file reads its settings (the history) from the environment when it is loaded.
    Object.assign(process.env, setup.env);
    settleCi();
    // What Allure's readConfig does with a configuration file, but the file imported here rather than by the bundle
    // (allure-modules.mjs: no import() from its cached code).
    const config = await resolveConfig(withLayout((await import(pathToFileURL(setup.config).href)).default, setup.singleFile), { output: setup.output, cwd: setup.cwd });
    configuredName = config.name ?? "";
    results = setup.results;
    output = setup.output;
    report = new AllureReport(config);
    await report.restoreState([]);
    await report.start();
  } else if (message.read !== undefined) {
    if (!read.has(message.read)) await readOne(message.read);
  } else if (message.done) {
    // As Allure's readDirectory: every file of the folder but scratch ones, in name order — but the tests and fixtures
    // first. An attachment read before the test that declares it has its type guessed from its first bytes (Allure's
    // reader does not know the .httpexchange extension); after it, its type is known.
    const declaring = (name) => (name.endsWith("-result.json") || name.endsWith("-container.json") ? 0 : 1);
    const rest = readdirSync(results, { withFileTypes: true }).filter((d) => d.isFile() && !d.name.endsWith(".tmp") && !read.has(d.name)).map((d) => d.name).sort((a, b) => declaring(a) - declaring(b) || a.localeCompare(b));
    for (const name of rest) await readOne(name);
    // The title says the gate, known only now; Allure adds a CI job's name after the configured one.
    if (message.done.name) report.reportName = `${message.done.name}${report.reportName.slice(configuredName.length)}`;
    await report.done();
    if (!bundled) cutAnalytics(output);
    // Once per installation (the first report), and after it: the run waits for this process to end.
    saveCache();
    process.exit(0);
  }
}
// The run ended without asking for the report.
process.exit(0);
