// One assurance run, end to end: configuration → suites → plan → (embedded sandbox) → vitest run → verdicts and
// waivers → the run folder (summary, coverage matrix, JUnit, Allure report, manifest) → the latest copies and the
// history. Returns the gate's exit code; a bad target never throws.
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { startVitest } from "vitest/node";
import { CaseResultsReporter } from "../../reporters/case-results.ts";
import { SANDBOX_CLIENT_TLS, startSandbox, type RunningSandbox } from "../../sandbox/server.ts";
import { ConfigError, loadConfig, type Config, type TargetName, type TlsFiles } from "../config/load-config.ts";
import { VARIABLES } from "../config/variables.ts";
import { makePlan, type Plan, type PlanFilter } from "../plan/plan.ts";
import { PROJECT_ROOT } from "../project-root.ts";
import { generateAllureReport, writeAllureEnvironment } from "../report/allure-report.ts";
import { AllureResultsWriter } from "../report/allure-results.ts";
import { toolInfo } from "./tool-info.ts";
import { formatTotals, formatVerdictTable, useColour } from "../report/console-summary.ts";
import { coverageCsv, coverageMarkdown } from "../report/coverage-matrix.ts";
import { recordRun } from "../report/history.ts";
import { findLeaks } from "../report/leak-gate.ts";
import { junitXml } from "../report/junit.ts";
import { configHash, writeManifest } from "../report/manifest.ts";
import { buildSummary, writeSummary, type Summary } from "../report/summary.ts";
import { EXIT, gateExitCode, requirementVerdicts } from "../report/verdicts.ts";
import { applyWaivers, loadWaivers, WaiverError } from "../report/waivers.ts";
import { writeFileAtomic } from "../report/write-atomic.ts";
import { Redactor } from "../run/redact.ts";
import type { WorkerInput } from "../run/run-context.ts";
import { loadSuites, SuiteError } from "../suite/load-suites.ts";
import { validatorFor } from "../suite/schemas.ts";
import type { LoadedSuite } from "../suite/types.ts";

export interface AssureOptions {
  env?: NodeJS.ProcessEnv;
  /** Where .env and waivers.yaml are read from (default: the working directory). */
  cwd?: string;
  /** Output root (default reports/): each run gets runs/<id>/, and the latest files are copied to the root. */
  outDir?: string;
  suitesDir?: string;
  filter?: PlanFilter;
  /** Target base URLs, overriding ERS_BASE_URL / NRLS_BASE_URL. */
  targets?: Partial<Record<TargetName, string>>;
  concurrency?: number;
  /** A waivers file; without it, waivers.yaml in cwd if there is one. */
  waiversFile?: string;
  /** Skip the HTML report (faster; everything else is still written). */
  noReport?: boolean;
  strict?: boolean;
  /** Where lines go (default console.log); every line is redacted first. */
  log?: (line: string) => void;
  /** Show a progress line while cases run (default: when stdout is a terminal). */
  progress?: boolean;
}

export interface AssureOutcome {
  exitCode: number;
  runDir?: string;
  summaryPath?: string;
  reportPath?: string;
  summary?: Summary;
}

const TARGETS: TargetName[] = ["ers", "nrls"];

export async function runAssurance(options: AssureOptions = {}): Promise<AssureOutcome> {
  const rawLog = options.log ?? ((line: string) => console.log(line));
  let redactor = new Redactor();
  // Everything printed is kept too, for the leak gate to search.
  const printed: string[] = [];
  const log = (line: string) => {
    const safe = redactor.text(line);
    printed.push(safe);
    rawLog(safe);
  };
  const startedAt = Date.now();
  const cwd = options.cwd ?? process.cwd();
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  if (options.targets?.ers !== undefined) env.ERS_BASE_URL = options.targets.ers;
  if (options.targets?.nrls !== undefined) env.NRLS_BASE_URL = options.targets.nrls;
  if (options.concurrency !== undefined) env.ASSURE_CONCURRENCY = String(options.concurrency);

  let config: Config;
  let plan: Plan;
  let suites: LoadedSuite[];
  let waivers;
  try {
    config = loadConfig({ env, cwd });
    redactor = new Redactor(config.secrets.map((s) => s.value));
    suites = loadSuites({ dir: options.suitesDir });
    plan = makePlan(suites, config, options.filter);
    waivers = loadWaivers(resolve(cwd, options.waiversFile ?? "waivers.yaml"), options.waiversFile !== undefined);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof SuiteError || err instanceof WaiverError) {
      log(err.message);
      log("Nothing was sent.");
      return { exitCode: EXIT.configOrSuite };
    }
    throw err;
  }
  if (plan.cases.length === 0) log("warning: no case matches the filters; nothing will be sent");

  const outRoot = resolve(options.outDir ?? join(PROJECT_ROOT, "reports"));
  const runId = `${new Date(startedAt).toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15)}-${randomBytes(3).toString("hex")}`;
  const runDir = join(outRoot, "runs", runId);
  const resultsDir = join(runDir, "allure-results");
  mkdirSync(runDir, { recursive: true });

  let sandbox: RunningSandbox | undefined;
  if (TARGETS.some((t) => !config.baseUrls[t])) sandbox = await startSandbox({ faults: env.SANDBOX_FAULTS });
  const sandboxTls: TlsFiles = {
    ca: readFileSync(SANDBOX_CLIENT_TLS.ca, "utf8"),
    cert: readFileSync(SANDBOX_CLIENT_TLS.cert, "utf8"),
    key: readFileSync(SANDBOX_CLIENT_TLS.key, "utf8"),
  };
  const targets = Object.fromEntries(TARGETS.map((t) => {
    const given = config.baseUrls[t];
    const baseUrl = given ?? (t === "ers" ? sandbox!.ersBaseUrl : sandbox!.nrlsBaseUrl);
    return [t, { baseUrl, tls: given ? config.tls : sandboxTls, embedded: !given }];
  })) as Record<TargetName, { baseUrl: string; tls: TlsFiles; embedded: boolean }>;

  log(`spine-assure run ${runId}: ${plan.cases.length} case(s) for ${plan.requirements.length} requirement(s)`);
  for (const t of TARGETS) log(`  ${t.toUpperCase().padEnd(4)} ${targets[t].baseUrl}${targets[t].embedded ? " (embedded sandbox)" : ""}`);

  const showProgress = options.progress ?? !!process.stdout.isTTY;
  // Allure results are written as each case's result arrives, while this process mostly waits on the cases.
  const allureResults = new AllureResultsWriter(resultsDir, plan, { ers: targets.ers.baseUrl, nrls: targets.nrls.baseUrl });
  const reporter = new CaseResultsReporter({
    onCase: (result) => allureResults.add(result),
    onProgress: showProgress ? (done) => process.stdout.write(`\r  ${done}/${plan.cases.length} cases`) : undefined,
  });
  // Looked up, and the summary schema compiled, while the vitest worker starts rather than after the cases.
  const toolLookup = toolInfo();
  setImmediate(() => validatorFor("summary.schema.json"));
  const input: WorkerInput = {
    plan,
    targets: { ers: { baseUrl: targets.ers.baseUrl, tls: targets.ers.tls }, nrls: { baseUrl: targets.nrls.baseUrl, tls: targets.nrls.tls } },
    config: { ...config.values },
    secrets: config.secrets.map((s) => s.value),
    timeoutMs: config.timeoutMs,
    maxResponseBytes: config.maxResponseBytes,
    concurrency: config.concurrency,
    fixturesDir: join(PROJECT_ROOT, "fixtures"),
  };
  const maxSteps = Math.max(1, ...plan.cases.map((c) => c.steps.length + c.teardown.length));
  try {
    if (plan.cases.length) {
      const vitest = await startVitest("test", [], {
        root: PROJECT_ROOT,
        config: false,
        include: ["src/run/assurance.run.ts"],
        watch: false,
        reporters: [reporter],
        provide: { assurance: input },
        // Every test may wait at once: the bound on cases (and so requests) in flight is kept in the worker.
        maxConcurrency: plan.cases.length,
        testTimeout: config.timeoutMs * (maxSteps + 1) + 5_000,
        hookTimeout: config.timeoutMs + 5_000,
        pool: "threads",
        fileParallelism: false,
        passWithNoTests: true,
      }, { logLevel: "silent" });
      await vitest.close();
    }
  } catch (err) {
    allureResults.abort();
    throw err;
  } finally {
    await sandbox?.close();
    if (showProgress) process.stdout.write("\r\x1b[K");
  }
  for (const e of reporter.runErrors) log(`harness error: ${e}`);

  const ranAt = Date.now();
  const verdicts = requirementVerdicts(plan, reporter.results);
  const { expired } = applyWaivers(verdicts, waivers);
  const reach = TARGETS.map((t) => {
    const exchanges = plan.cases.filter((c) => c.target === t).flatMap((c) => reporter.results.get(c.key)?.steps ?? []).filter((s) => s.exchange);
    return { name: t, baseUrl: targets[t].baseUrl, embedded: targets[t].embedded, requests: exchanges.length, responses: exchanges.filter((s) => s.exchange!.response).length };
  });
  const gate = gateExitCode(verdicts, reach, options.strict);
  const tool = await toolLookup;
  const summary = buildSummary({ runId, plan, tool, startedAt, finishedAt: Date.now(), targets: reach, gate, verdicts, results: reporter.results });
  const requests = reach.reduce((n, t) => n + t.requests, 0);

  // The run folder: everything the assurance team receives, hashed into the manifest last.
  allureResults.commit();
  writeSummary(join(runDir, "summary.json"), summary);
  writeFileAtomic(join(runDir, "requirements.csv"), coverageCsv(summary));
  writeFileAtomic(join(runDir, "requirements.md"), coverageMarkdown(summary));
  writeFileAtomic(join(runDir, "junit.xml"), junitXml(summary));
  let reportPath: string | undefined;
  if (!options.noReport) {
    writeAllureEnvironment(resultsDir, {
      "ERS target": targets.ers.baseUrl,
      "NRLS target": targets.nrls.baseUrl,
      "ERS ASID": mask(config.values.ERS_ASID ?? ""),
      "NRLS fromASID": mask(config.values.NRLS_FROM_ASID ?? ""),
      Harness: `${tool.name} ${tool.version}${tool.commit ? ` (${tool.commit})` : ""}`,
      Specifications: [...new Set(suites.map((s) => `${s.spec.name} ${s.spec.version}`))].join("; "),
      Run: runId,
      Gate: `exit ${gate.code}: ${gate.reason}`,
    });
    try {
      reportPath = await generateAllureReport(resultsDir, join(runDir, "allure-report"), join(outRoot, "allure-history.jsonl"));
    } catch (err) {
      log(`warning: ${(err as Error).message}`);
    }
  }
  // The console's closing lines are composed first, so the leak gate can search them before they are shown.
  const shown = (p: string) => relative(process.cwd(), p) || p;
  const closing = [formatVerdictTable(verdicts, useColour()), "", `Requirements: ${formatTotals(verdicts)}`];
  const leaks = findLeaks(runDir, [...printed, ...closing].map((l) => redactor.text(l)), [...config.secrets.map((x) => x.value), ...reporter.canaries]);
  if (leaks.length) {
    // A leak outranks every verdict: this evidence must not be shared as it is.
    summary.gate = { exitCode: EXIT.mustFailed, result: "fail", reason: `secret leak: a secret value appears in ${leaks.map((l) => l.where).join(", ")}` };
    writeFileAtomic(join(runDir, "requirements.md"), coverageMarkdown(summary));
  }
  // Where the time went: start-up until the first case began (configuration, suites, sandbox, vitest and its
  // worker), the cases (first start to last end: what concurrency and latency govern), then outputs and the report.
  const ran = [...reporter.results.values()].filter((r) => r.steps.length);
  const firstCase = ran.length ? Math.min(...ran.map((r) => r.startedAt)) : ranAt;
  const lastCase = ran.length ? Math.max(...ran.map((r) => r.startedAt + r.durationMs)) : ranAt;
  summary.timing = {
    startupMs: Math.max(0, firstCase - startedAt),
    casesMs: Math.max(0, lastCase - firstCase),
    outputsMs: Math.max(0, Date.now() - lastCase),
    requests,
    concurrency: config.concurrency,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  writeSummary(join(runDir, "summary.json"), summary);
  const secretNames = VARIABLES.filter((v) => v.secret).map((v) => v.name);
  writeManifest(runDir, { runId, tool, gate: { exitCode: summary.gate.exitCode, reason: summary.gate.reason }, configHash: configHash(config.values, secretNames) });

  // The latest run's files at fixed paths, for CI steps and people who just want "the report".
  for (const f of ["summary.json", "requirements.csv", "requirements.md", "junit.xml"]) cpSync(join(runDir, f), join(outRoot, f));
  rmSync(join(outRoot, "allure-report"), { recursive: true, force: true });
  if (reportPath) cpSync(join(runDir, "allure-report"), join(outRoot, "allure-report"), { recursive: true });
  writeFileAtomic(join(outRoot, "latest-run"), `${runId}\n`);
  const changes = recordRun(join(outRoot, "history.jsonl"), summary);

  for (const line of closing) log(line);
  if (changes.previous) {
    log(`Since run ${changes.previous.runId} against the same target: ${changes.newlyFailing.length ? `newly failing ${changes.newlyFailing.join(", ")}` : "nothing newly failing"}; ${changes.fixed.length ? `fixed ${changes.fixed.join(", ")}` : "nothing fixed"}.`);
  }
  for (const w of expired) log(`Waiver for ${w.requirement} expired on ${w.expires} (approved by ${w.approvedBy}): it gates again.`);
  if (leaks.length) log(`SECRET LEAK: a configured or captured secret appears in ${leaks.map((l) => l.where).join(", ")} of ${shown(runDir)}. Do not share this evidence; report the harness fault.`);
  log(`Evidence: ${shown(runDir)} (manifest.json lists every file with its SHA-256)`);
  log(`Summary: ${shown(join(outRoot, "summary.json"))}  Coverage: ${shown(join(outRoot, "requirements.md"))}  JUnit: ${shown(join(outRoot, "junit.xml"))}`);
  if (reportPath) log(`Report:  ${shown(join(outRoot, "allure-report", "index.html"))}`);
  log(`Gate: exit ${summary.gate.exitCode} — ${summary.gate.reason}`);
  return { exitCode: summary.gate.exitCode, runDir, summaryPath: join(outRoot, "summary.json"), reportPath: reportPath && join(outRoot, "allure-report", "index.html"), summary };
}

/** ASIDs are shown in the report masked: enough to tell them apart, not to reuse. */
function mask(value: string): string {
  return value.length > 4 ? `${"*".repeat(value.length - 4)}${value.slice(-4)}` : value;
}
