// One assurance run, end to end: configuration → suites → plan → (embedded sandbox) → vitest run → verdicts →
// summary.json and the Allure report. Returns the gate's exit code; never throws for a bad target.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { startVitest } from "vitest/node";
import { CaseResultsReporter } from "../../reporters/case-results.ts";
import { SANDBOX_CLIENT_TLS, startSandbox, type RunningSandbox } from "../../sandbox/server.ts";
import { ConfigError, loadConfig, type Config, type TargetName, type TlsFiles } from "../config/load-config.ts";
import { makePlan, type Plan, type PlanFilter } from "../plan/plan.ts";
import { PROJECT_ROOT } from "../project-root.ts";
import { generateAllureReport, writeAllureEnvironment } from "../report/allure-report.ts";
import { formatTotals, formatVerdictTable, useColour } from "../report/console-summary.ts";
import { buildSummary, writeSummary, type Summary } from "../report/summary.ts";
import { EXIT, gateExitCode, requirementVerdicts } from "../report/verdicts.ts";
import { Redactor } from "../run/redact.ts";
import type { WorkerInput } from "../run/run-context.ts";
import { loadSuites, SuiteError } from "../suite/load-suites.ts";

export interface AssureOptions {
  env?: NodeJS.ProcessEnv;
  /** Where .env is read from (default: the working directory). */
  cwd?: string;
  /** Output folder (default reports/). */
  outDir?: string;
  suitesDir?: string;
  filter?: PlanFilter;
  /** Skip the HTML report (faster; summary.json is still written). */
  noReport?: boolean;
  strict?: boolean;
  /** Where lines go (default console.log); every line is redacted first. */
  log?: (line: string) => void;
}

export interface AssureOutcome {
  exitCode: number;
  summaryPath?: string;
  reportPath?: string;
  summary?: Summary;
}

const TARGETS: TargetName[] = ["ers", "nrls"];

export async function runAssurance(options: AssureOptions = {}): Promise<AssureOutcome> {
  const rawLog = options.log ?? ((line: string) => console.log(line));
  let redactor = new Redactor();
  const log = (line: string) => rawLog(redactor.text(line));
  const startedAt = Date.now();

  let config: Config;
  let plan: Plan;
  try {
    config = loadConfig({ env: options.env, cwd: options.cwd });
    redactor = new Redactor(config.secrets.map((s) => s.value));
    plan = makePlan(loadSuites({ dir: options.suitesDir }), config, options.filter);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof SuiteError) {
      log(err.message);
      log("Nothing was sent.");
      return { exitCode: EXIT.configOrSuite };
    }
    throw err;
  }

  const outDir = resolve(options.outDir ?? join(PROJECT_ROOT, "reports"));
  const resultsDir = join(outDir, "allure-results");
  rmSync(resultsDir, { recursive: true, force: true });

  let sandbox: RunningSandbox | undefined;
  const needsSandbox = TARGETS.some((t) => !config.baseUrls[t]);
  if (needsSandbox) sandbox = await startSandbox({ faults: options.env?.SANDBOX_FAULTS ?? process.env.SANDBOX_FAULTS });
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

  log(`spine-assure: ${plan.cases.length} case(s) for ${plan.requirements.length} requirement(s)`);
  for (const t of TARGETS) log(`  ${t.toUpperCase().padEnd(4)} ${targets[t].baseUrl}${targets[t].embedded ? " (embedded sandbox)" : ""}`);

  const reporter = new CaseResultsReporter();
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
    const vitest = await startVitest("test", [], {
      root: PROJECT_ROOT,
      config: false,
      include: ["src/run/assurance.run.ts"],
      watch: false,
      reporters: [reporter, ["allure-vitest/reporter", { resultsDir }]],
      provide: { assurance: input },
      maxConcurrency: config.concurrency,
      testTimeout: config.timeoutMs * (maxSteps + 1) + 5_000,
      hookTimeout: config.timeoutMs + 5_000,
      pool: "threads",
      fileParallelism: false,
      passWithNoTests: true,
    }, { logLevel: "silent" });
    await vitest.close();
  } finally {
    await sandbox?.close();
  }
  for (const e of reporter.runErrors) log(`harness error: ${e}`);

  const verdicts = requirementVerdicts(plan, reporter.results);
  const reach = TARGETS.map((t) => {
    const exchanges = plan.cases.filter((c) => c.target === t).flatMap((c) => reporter.results.get(c.key)?.steps ?? []).filter((s) => s.exchange);
    return { name: t, baseUrl: targets[t].baseUrl, embedded: targets[t].embedded, requests: exchanges.length, responses: exchanges.filter((s) => s.exchange!.response).length };
  });
  const gate = gateExitCode(verdicts, reach, options.strict);
  const summary = buildSummary({
    tool: toolInfo(),
    startedAt,
    finishedAt: Date.now(),
    targets: reach,
    gate,
    verdicts,
    results: reporter.results,
  });
  const summaryPath = join(outDir, "summary.json");
  writeSummary(summaryPath, summary);

  let reportPath: string | undefined;
  if (!options.noReport) {
    writeAllureEnvironment(resultsDir, {
      "ERS target": targets.ers.baseUrl,
      "NRLS target": targets.nrls.baseUrl,
      "ERS ASID": mask(config.values.ERS_ASID ?? ""),
      "NRLS fromASID": mask(config.values.NRLS_FROM_ASID ?? ""),
      Harness: `${summary.tool.name} ${summary.tool.version}${summary.tool.commit ? ` (${summary.tool.commit})` : ""}`,
      Gate: `exit ${gate.code}: ${gate.reason}`,
    });
    try {
      reportPath = await generateAllureReport(resultsDir, join(outDir, "allure-report"));
    } catch (err) {
      log(`warning: ${(err as Error).message}`);
    }
  }

  log(formatVerdictTable(verdicts, useColour()));
  log("");
  log(`Requirements: ${formatTotals(verdicts)}`);
  log(`Summary: ${relative(process.cwd(), summaryPath) || summaryPath}`);
  if (reportPath) log(`Report:  ${relative(process.cwd(), reportPath) || reportPath}`);
  log(`Gate: exit ${gate.code} — ${gate.reason}`);
  return { exitCode: gate.code, summaryPath, reportPath, summary };
}

function toolInfo(): Summary["tool"] {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { name: string; version: string };
  let commit: string | undefined;
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "ignore"] }).toString().trim() || undefined;
  } catch {
    commit = undefined;
  }
  return { name: pkg.name, version: pkg.version, ...(commit ? { commit } : {}) };
}

/** ASIDs are shown in the report masked: enough to tell them apart, not to reuse. */
function mask(value: string): string {
  return value.length > 4 ? `${"*".repeat(value.length - 4)}${value.slice(-4)}` : value;
}
