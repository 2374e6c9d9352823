// `spine-assure run` (and `rerun`): the five stages composed — prepare → open targets → execute → judge → publish —
// with what the console shows between them. Returns the gate's exit code; a bad target never throws.
import { join, relative } from "node:path";
import { ConfigError } from "../config/load-config.ts";
import type { RunResult } from "../model/run-result.ts";
import { EXIT } from "../model/status.ts";
import { WaiverError } from "../judge/waivers.ts";
import { PROJECT_ROOT } from "../project-root.ts";
import { ALLURE_REPORT, allureHistoryOf, carriedHistory, reportLayoutFor, reportShown, startAllureGenerator } from "../../reporters/allure-report.ts";
import { ALLURE_RESULTS, allureResultsWriter, allureTargets } from "../../reporters/allure-results.ts";
import { newRunId } from "../judge/run-id.ts";
import { outputFolderProblem } from "../write-atomic.ts";
import { warmRenderers } from "../../reporters/index.ts";
import { closingLines, consoleStyle, exchangeLines, prunedLines, runHeader, terminalSafe } from "../../reporters/console.ts";
import { Redactor } from "../secrets/redact.ts";
import { SuiteError } from "../suite/suite-problems.ts";
import { execute } from "../stages/execute.ts";
import { judge } from "../stages/judge.ts";
import { judgeOnArrival } from "../stages/judge-on-arrival.ts";
import { openTargets, preflight, signersOrWarning } from "../stages/open-targets.ts";
import { prepare, type Prepared, type PrepareOptions } from "../stages/prepare.ts";
import { openRunFolder, OutputLeakError, publish, type Published } from "../stages/publish.ts";
import { TARGETS, type TargetName } from "../targets.ts";
import { watchStopSignals } from "./stop-signals.ts";
import { toolInfo } from "../tool-info.ts";

export interface AssureOptions extends PrepareOptions {
  /** Output root (default reports/): each run gets runs/<id>/, and the latest files are copied to the root. */
  outDir?: string;
  /** Skip the HTML report (faster; everything else is still written). */
  noReport?: boolean;
  strict?: boolean;
  /** Where lines go (default console.log); every line is redacted first. */
  log?: (line: string) => void;
  /** Show a progress line while cases run (default: when stdout is a terminal). */
  progress?: boolean;
  /** List only the requirements that did not pass plainly. */
  quiet?: boolean;
  /** 1: print each exchange as its case ends (method, URL, status, time); 2: with the bodies. Redacted. */
  verbose?: number;
  /**
   * Stage 3 (default: vitest, execute.ts). The project's tests give executeInProcess to run many whole runs in one
   * process; everything before and after it is the same.
   */
  execute?: typeof execute;
}

export interface AssureOutcome {
  exitCode: number;
}

export async function runAssurance(options: AssureOptions = {}): Promise<AssureOutcome> {
  const startedAt = Date.now();
  const tool = toolInfo(); // asks git while the run starts
  let redactor = new Redactor();
  // Everything printed is redacted, and kept for the leak gate to search.
  const printed: string[] = [];
  const log = (line: string) => {
    const safe = terminalSafe(redactor.text(line));
    printed.push(safe);
    (options.log ?? console.log)(safe);
  };
  let prepared: Prepared;
  try {
    prepared = prepare(options);
  } catch (err) {
    if (!(err instanceof ConfigError || err instanceof SuiteError || err instanceof WaiverError)) throw err;
    log(err.message);
    log("Nothing was sent.");
    return { exitCode: EXIT.configOrSuite };
  }
  redactor = new Redactor(prepared.config.secrets.map((s) => s.value));
  const { plan } = prepared;
  const keepRuns = prepared.config.keepRuns;

  const outRoot = options.outDir ?? join(PROJECT_ROOT, "reports");
  // Where the evidence goes must be writable before anything is sent: a run whose outputs cannot land proves nothing.
  const unwritable = outputFolderProblem(outRoot);
  if (unwritable) {
    log(`${unwritable} Nothing was sent.`);
    return { exitCode: EXIT.configOrSuite };
  }
  // Allure's generator loads while the targets open and the cases run; a run that ends before its report ends it.
  const generator = options.noReport ? undefined : startAllureGenerator();
  try {
    return await runOpened();
  } finally {
    generator?.close();
  }

  async function runOpened(): Promise<AssureOutcome> {
    const runId = newRunId(startedAt);
    const open = await openTargets(prepared.config, options.env);
    const targets = Object.entries(open.targets).map(([name, t]) => ({ ...t, name: name as TargetName }));
    const { signers, warning: unsigned } = signersOrWarning(open.targets);
    if (unsigned) log(`warning: ${unsigned}`);
    for (const line of runHeader(runId, plan.cases.length, plan.requirements.length, targets, TARGETS.filter((t) => !open.targets[t.name]))) log(line);
    for (const w of prepared.config.warnings) log(`warning: ${w}`);
    // Before anything reaches an external target (the pre-flight's probe is a request): the suites' checks must compile,
    // or "Nothing was sent" would not be true. (The worker compiles them again where it runs them; the sandbox alone
    // needs no such care, and skips the cost.)
    if (Object.values(open.targets).some((t) => t && !t.embedded)) {
      // Imported here: FHIRPath's models and Ajv are not paid for by a run that stops earlier.
      const { compilePlan } = await import("../plan/compile-plan.ts");
      const problems = compilePlan(plan).problems;
      if (problems.length) {
        await open.close();
        log(new SuiteError(problems).message);
        log("Nothing was sent.");
        return { exitCode: EXIT.configOrSuite };
      }
    }
    const pre = await preflight(open, prepared.config);
    if (pre.unreachable) {
      await open.close();
      for (const line of pre.unreachable) log(line);
      if (pre.setupMistake) {
        // A trust anchor or a client identity of this machine's: the set-up to fix, not the NHS to blame.
        log("No target accepted this set-up's TLS (exit 2: a set-up mistake, fix the files named above): nothing was sent, and this run is not recorded in the history. `spine-assure doctor` checks the set-up again without running.");
        return { exitCode: EXIT.configOrSuite };
      }
      log("No target could be reached (exit 3): nothing was sent, and this run is not recorded in the history. `spine-assure doctor` checks the set-up again without running.");
      return { exitCode: EXIT.unreachable };
    }
    if (pre.notTheApi) {
      await open.close();
      for (const line of pre.notTheApi) log(`configuration error: ${line}`);
      log("A base URL does not lead to its API (exit 2): no case was sent (one harmless probe per API was), and this run is not recorded in the history. `spine-assure doctor` checks the set-up again without running.");
      return { exitCode: EXIT.configOrSuite };
    }
    for (const w of pre.warnings) log(`warning: ${w}`);

    const folder = openRunFolder(outRoot, runId);
    const showProgress = options.progress ?? !!process.stdout.isTTY;
    let shown = 0;
    // Each case is judged as it arrives, and its Allure results written then, while this process mostly waits; the
    // report's generator reads each file as it is written.
    generator?.prepare(join(folder.path, ALLURE_RESULTS), join(folder.path, ALLURE_REPORT), allureHistoryOf(outRoot), reportLayoutFor(plan.cases.length));
    const allure = allureResultsWriter(folder, runId, plan.requirements, allureTargets(open.targets), generator && ((name) => generator.read(name)));
    const listener = judgeOnArrival(plan, {
      allure,
      onJudged: (record) => {
        if (options.verbose) for (const line of exchangeLines(record.key, record.steps, options.verbose)) log(line);
        if (showProgress) process.stdout.write(`\r  ${++shown}/${plan.cases.length} cases`);
      },
    });
    const judged = listener.judged;
    // A signal stops the run safely (teardown runs, outputs are written); a second one at once, leaving no scratch folder.
    const stop = watchStopSignals(runId, log, () => folder.abort(), prepared.config.runTimeoutMs);
    try {
      let execution;
      try {
        // This thread idles while the worker compiles the plan: what the outputs will need is prepared then.
        execution = await (options.execute ?? execute)(prepared, open, (result) => listener.onCase(result), stop.stopFile, { whileIdle: warmRenderers });
      } catch (err) {
        folder.abort();
        throw err;
      } finally {
        await open.close();
        if (showProgress) process.stdout.write("\r\x1b[K");
      }
      if (execution.planProblems.length) {
        folder.abort();
        log(new SuiteError(execution.planProblems).message);
        log("Nothing was sent.");
        return { exitCode: EXIT.configOrSuite };
      }
      for (const e of execution.runErrors) log(`harness error: ${e}`);

      // The history the report will carry forward is judged with the run: a secret in it gates this run too.
      const run = judge({ runId, startedAt, tool: await tool, strict: !!options.strict, prepared, open, execution, judged, printed, interrupted: stop.signal(), carriedFiles: carriedHistory(outRoot) });
      // A waiver may cite the run that is its evidence: that run folder is kept whatever its age.
      const cited = prepared.waivers.flatMap((w) => [...`${w.reason}`.matchAll(/\b\d{8}-\d{6}-[0-9a-f]{6}\b/g)].map((m) => m[0]));
      let published: Published;
      try {
        const writeFailure = listener.writeFailure();
        if (writeFailure) throw writeFailure;
        published = await publish(run, { outRoot, open: { folder, allure }, html: !options.noReport, generator, recordHistory: true, latest: true, keepRuns: prepared.config.keepRuns, protectRuns: cited, signers, secrets: [...redactor.secrets(), ...execution.secrets] });
      } catch (err) {
        folder.abort();
        if (err instanceof OutputLeakError) {
          log(`${err.message} (exit ${EXIT.mustFailed}).`);
          return { exitCode: EXIT.mustFailed };
        }
        // The evidence cannot be written (a full disk, a folder removed under the run): the verdicts are still said, but
        // a result without its evidence is not one a gate may pass.
        for (const l of closingLines(run, consoleStyle(!!options.quiet)).filter((l) => !l.startsWith("Gate:"))) log(l);
        log(`The evidence could not be written to ${outRoot}: ${(err as Error).message}. Nothing of this run was kept; free the space (or fix --out) and run again (exit ${EXIT.configOrSuite}).`);
        return { exitCode: EXIT.configOrSuite };
      }
      return finish(run, published);
    } finally {
      stop.release();
    }
  }

  function finish(run: RunResult, published: Published): AssureOutcome {
    for (const w of [...(run.warnings ?? []), ...published.warnings]) log(`warning: ${w}`);
    for (const line of prunedLines(published.pruned, keepRuns)) log(line);
    const shown = (p: string) => relative(process.cwd(), p) || p;
    const paths = {
      runDir: shown(published.runDir),
      summary: shown(join(outRoot, "summary.json")),
      coverage: shown(join(outRoot, "requirements.md")),
      junit: shown(join(outRoot, "junit.xml")),
      report: published.reportPath && reportShown(shown(join(outRoot, ALLURE_REPORT)), run.cases.length),
    };
    for (const line of closingLines({ ...run, gate: published.gate, signedBy: published.signedBy }, consoleStyle(!!options.quiet), paths, published.changes)) log(line);
    if (published.mergedFrom) {
      const [full, ...partials] = published.mergedFrom;
      log(`A partial run: ${paths.summary}, the matrix and JUnit are the latest view — full run ${full!.runId} with ${partials.length} partial run(s) over it, each verdict from the newest run that executed it (this run's own files are in ${paths.runDir}).`);
    }
    return { exitCode: published.gate.exitCode };
  }
}
