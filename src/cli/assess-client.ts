// spine-assure assess-client: the sandbox as an assessor of the supplier's own system. It prints the settings to give
// that system, answers every request exactly as the sandbox always does (a bad request still gets its documented
// error), judges each against the client rule catalogue as it arrives, and when the assessment ends (--requests,
// --until-idle, Ctrl-C or SIGTERM) writes the same evidence pack as `run`, marked as a client assessment.
import { dirname, join, relative, resolve } from "node:path";
import { clientCatalogue, INTERACTIONS, type ClientCatalogue } from "../client/catalogue.ts";
import { ConfigError, loadConfig, type Config } from "../config/load-config.ts";
import { dnLine, resolveTargetTls } from "../config/tls-identity.ts";
import { describeSystem, type AssessedSystem } from "../model/run-result.ts";
import { ClientAssessment, clientRunResult, type JudgedRequest } from "../client/assessment.ts";
import type { ReceivedRequest } from "../model/received-request.ts";
import { signersFor, type Signer } from "../evidence/signing-identity.ts";
import { newRunId } from "../judge/run-id.ts";
import { EXIT } from "../model/status.ts";
import { ALLURE_REPORT, carriedHistory, reportShown } from "../../reporters/allure-report.ts";
import { closingLines, consoleStyle, prunedLines, terminalSafe } from "../../reporters/console.ts";
import { OutputLeakError, publish } from "../stages/publish.ts";
import { outputFolderProblem } from "../write-atomic.ts";
import { sandboxClientTls } from "../stages/open-targets.ts";
import { DEFAULT_DIRECTORY, loadDirectory, type Directory } from "../../sandbox/directory.ts";
import { TARGETS, type TargetName } from "../targets.ts";
import { SANDBOX_CLIENT_TLS, startSandbox } from "../../sandbox/server.ts";
import { toolInfo } from "../tool-info.ts";
import { heapTrimmer } from "../client/heap-trim.ts";

export interface AssessClientOptions {
  port: number;
  http: boolean;
  out: string;
  /** End after this many seconds without a request. */
  untilIdle?: number;
  /** End after this many requests. */
  requests?: number;
  report: boolean;
  /** Where lines go (the console by default); tests collect them. */
  log?: (line: string) => void;
  /** Told the base URLs once the sandbox listens (tests point their client at them). */
  onListening?: (urls: Partial<Record<TargetName, string>>) => void;
  /** Ends the assessment when it resolves (tests; the command line uses signals). */
  stop?: Promise<unknown>;
  /** The supplier's system being assessed (overriding ASSESSED_SYSTEM, ASSESSED_SYSTEM_VERSION, ASSESSED_SUPPLIER, ASSESSED_SYSTEM_ASID). */
  system?: AssessedSystem;
  /** Where relative TLS_* paths and .env are read from (the current folder by default). */
  cwd?: string;
  /** The environment (process.env by default). */
  env?: NodeJS.ProcessEnv;
}

export async function assessClient(options: AssessClientOptions): Promise<number> {
  const printed: string[] = [];
  const log = (line: string) => {
    printed.push(line);
    (options.log ?? console.log)(terminalSafe(line));
  };
  const startedAt = Date.now();
  const unwritable = outputFolderProblem(options.out);
  if (unwritable) {
    log(`${unwritable} The sandbox was not started.`);
    return EXIT.configOrSuite;
  }
  let catalogue: ClientCatalogue;
  let directory: Directory;
  let config: Config;
  let signers: Signer[];
  let signing: string;
  try {
    catalogue = clientCatalogue();
    directory = loadDirectory();
    // The settings it uses (EVIDENCE_MAX_BODY_BYTES, ASSURE_KEEP_RUNS), checked as a run checks them, from the
    // environment and .env. An assessment reaches no target, so base URLs are set aside: no TLS files are read for it.
    config = loadConfig({ testDataIsFatal: false, ...(options.cwd ? { cwd: options.cwd } : {}), env: { ...(options.env ?? process.env), ...Object.fromEntries(TARGETS.map((t) => [t.baseUrlVariable, ""])) } });
    ({ signers, signing } = assessmentSigners(config, options.cwd ?? process.cwd()));
  } catch (err) {
    log((err as Error).message);
    return EXIT.configOrSuite;
  }
  const system = assessedSystem(config, options.system);
  const runId = newRunId(startedAt);
  const tool = toolInfo();

  // Made once the sandbox listens (the base URLs name its port); requests before that cannot arrive.
  const state: { assessment?: ClientAssessment } = {};
  let end: (why: string) => void = () => {};
  const ended = new Promise<string>((resolve) => (end = resolve));
  let idle: NodeJS.Timeout | undefined;
  // Idle means no request in flight: one still arriving (a slow body) holds the end off until it is judged.
  let inFlight = 0;
  let drained: () => void = () => {};
  const armIdle = () => {
    clearTimeout(idle);
    if (options.untilIdle === undefined || inFlight > 0) return;
    idle = setTimeout(() => end(`no request for ${options.untilIdle} s (--until-idle)`), options.untilIdle * 1000);
  };
  const flight = {
    started: () => {
      inFlight++;
      clearTimeout(idle);
    },
    ended: () => {
      inFlight--;
      if (inFlight === 0) drained();
      armIdle();
    },
  };
  const trim = heapTrimmer();
  const received = (req: ReceivedRequest) => {
    const assessment = state.assessment;
    if (!assessment) return;
    trim();
    const judged = assessment.add(req);
    for (const line of requestLines(judged, req, catalogue.rules)) log(assessment.redact(line));
    if (options.requests !== undefined && assessment.requests >= options.requests) end(`${options.requests} request(s) received (--requests)`);
  };

  let sandbox;
  try {
    sandbox = await startSandbox({ port: options.port, tls: !options.http, observe: received, inFlight: flight });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    log(`assess-client: cannot listen on port ${options.port}: ${code === "EADDRINUSE" ? "it is in use; choose another with --port N (0: any free one)" : (err as Error).message}`);
    return EXIT.configOrSuite;
  }
  // The APIs whose own system can be assessed: those with client rules (their module's client side).
  const baseUrls = Object.fromEntries(TARGETS.filter((t) => t.client && sandbox.baseUrls[t.name]).map((t) => [t.name, sandbox.baseUrls[t.name]!])) as Partial<Record<TargetName, string>>;
  const assessment = await ClientAssessment.create({ catalogue, directory, baseUrls, evidenceMaxBodyBytes: config.evidenceBodyBytes, evidenceMaxTotalBodyBytes: config.evidenceTotalBodyBytes });
  state.assessment = assessment;

  // Paths as the user can use them from where they are: relative below the current folder, absolute elsewhere.
  const shown = (p: string) => {
    const rel = relative(process.cwd(), p);
    return rel && !rel.startsWith("..") ? rel : p;
  };
  log(`spine-assure assess-client: the sandbox judges every request your system sends (client rules: ${catalogue.file}, ${catalogue.rules.length} rules).`);
  log("Configure your system with:");
  for (const t of TARGETS) if (baseUrls[t.name]) log(`  ${t.baseUrlVariable}=${baseUrls[t.name]}`);
  if (!options.http) {
    log(`  client certificate ${shown(SANDBOX_CLIENT_TLS.cert)}, its key ${shown(SANDBOX_CLIENT_TLS.key)}; trust the CA ${shown(SANDBOX_CLIENT_TLS.ca)} (mutual TLS)`);
  } else log("  plain HTTP (--http): no certificates");
  const [asid, entry] = Object.entries(directory.nrls.asids)[0] ?? [];
  log(`Test data the sandbox knows (${shown(process.env.SANDBOX_DIRECTORY ? resolve(process.env.SANDBOX_DIRECTORY) : DEFAULT_DIRECTORY)}): NRLS fromASID ${asid ?? "?"} (custodian ODS ${entry?.ods ?? "?"}), toASID ${directory.spineAsid}; e-RS XAPI_ASID ${directory.ers.asids[0] ?? "?"}; smartcard tokens under ers.users[].token.`);
  log(system ? `Assessing: ${describeSystem(system)}.` : "Assessing a system not named: give --system, --system-version, --supplier and --system-asid (or ASSESSED_* in .env), so the pack says whose system it judged.");
  log(`The evidence will be signed ${signing}.`);
  log(`Ends ${[options.requests !== undefined ? `after ${options.requests} request(s)` : "", options.untilIdle !== undefined ? `after ${options.untilIdle} s without a request` : "", "on Ctrl-C"].filter(Boolean).join(", ")}; then the evidence is written under ${shown(options.out)}.`);
  options.onListening?.(baseUrls);
  armIdle();

  const onSignal = (signal: NodeJS.Signals) => end(`stopped by ${signal}`);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  void options.stop?.then(() => end("stopped by the caller"));
  const why = await ended;
  clearTimeout(idle);
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  // A second signal while the evidence is written stops at once.
  const hard = () => process.exit(EXIT.SIGINT);
  process.once("SIGINT", hard);
  try {
    // Requests in flight as the end came are let finish and be judged (bounded by the sandbox's own request timeout),
    // then the sandbox stops.
    if (inFlight > 0) await new Promise<void>((r) => {
      drained = r;
      setTimeout(r, 30_000).unref();
    });
    await sandbox.close();
    log(`Assessment ended: ${why}. ${assessment.requests} request(s) judged.`);

    const { run, secrets } = clientRunResult({ runId, startedAt, tool: await tool, assessment, catalogue, baseUrls, tls: !options.http, ended: why, printed, carriedFiles: carriedHistory(options.out), ...(system ? { system } : {}) });
    const { kept = 0, requests } = run.assessment!;
    if (kept < requests) log(`${kept} of the ${requests} requests are kept in full as cases (the first to show each rule held or broken); every request is counted in its rules' verdicts and listed in requests.csv.`);
    // An assessment that received nothing keeps its own pack, but does not replace the latest one: the last real
    // assessment stays what the output root's summary and report show.
    const received = assessment.requests > 0;
    let published;
    try {
      published = await publish(run, { outRoot: options.out, html: options.report, recordHistory: received, latest: received, keepRuns: config.keepRuns, signers, secrets });
    } catch (err) {
      if (err instanceof OutputLeakError) {
        log(`${err.message} (exit ${EXIT.mustFailed}).`);
        return EXIT.mustFailed;
      }
      log(`The evidence could not be written to ${options.out}: ${(err as Error).message}. Nothing of this assessment was kept (exit ${EXIT.configOrSuite}).`);
      return EXIT.configOrSuite;
    }
    for (const w of published.warnings) log(`warning: ${w}`);
    for (const line of prunedLines(published.pruned, config.keepRuns)) log(line);
    // With nothing received the latest copies are left alone: the paths are this pack's own.
    const latestDir = received ? options.out : published.runDir;
    const paths = {
      runDir: shown(published.runDir),
      summary: shown(join(latestDir, "summary.json")),
      coverage: shown(join(latestDir, "requirements.md")),
      junit: shown(join(latestDir, "junit.xml")),
      report: published.reportPath && reportShown(shown(received ? join(options.out, ALLURE_REPORT) : dirname(published.reportPath)), run.cases.length),
    };
    if (!received) log(`Nothing was received: this pack is kept in ${shown(published.runDir)}, and the latest assessment's files in ${shown(options.out)} are left as they were.`);
    for (const line of closingLines({ ...run, gate: published.gate, signedBy: published.signedBy }, consoleStyle(), paths)) log(line);
    return published.gate.exitCode;
  } finally {
    process.off("SIGINT", hard);
  }
}

/** A request as the console shows it when it arrives: one line, then each rule it broke with what was sent. */
function requestLines(judged: JudgedRequest, req: ReceivedRequest, rules: readonly { id: string; level: string }[]): string[] {
  const broke = judged.findings.filter((f) => f.outcome === "fail");
  const what = judged.interaction ? INTERACTIONS[judged.interaction]!.name : "not an interaction the client rules cover";
  const verdict = broke.length ? `broke ${[...new Set(broke.map((f) => f.rule))].join(", ")}` : judged.findings.length ? `${new Set(judged.findings.map((f) => f.rule)).size} rule(s), all held` : "no rule judged";
  const lines = [`#${judged.n} ${req.method} ${judged.shownPath} → ${req.response.status} (${what}): ${verdict}`];
  for (const f of broke) {
    const level = rules.find((r) => r.id === f.rule)?.level ?? "";
    lines.push(`    ${f.rule} ${level}: expected ${f.expected}; got ${f.actual ?? "it"}${f.path ? ` (at ${f.path})` : ""}`);
  }
  return lines;
}

/**
 * Who signs the pack: the supplier's own identity when one is configured (TLS_CLIENT_CERT and TLS_CLIENT_KEY, or
 * TLS_PFX, read as a run reads them), so an assessor can tell the pack came from them; otherwise the sandbox's
 * committed test key, which shows the files are as written and nothing about who wrote them. Throws a ConfigError
 * naming the variable when the configured identity cannot be read.
 */
function assessmentSigners(config: Config, cwd: string): { signers: Signer[]; signing: string } {
  const targets = TARGETS.filter((t) => t.client);
  const resolved = targets.map((t) => ({ t, ...resolveTargetTls(t, config.values, cwd) }));
  const problems = resolved.flatMap((r) => r.problems);
  if (problems.length) throw new ConfigError([...new Set(problems)]);
  const own = signersFor(resolved.filter((r) => r.tls.files.pfx || (r.tls.files.cert && r.tls.files.key)).map((r) => ({ name: r.t.name, tls: r.tls.files, embedded: false })));
  if (own.length) return { signers: own, signing: `with your identity: ${own.map((s) => `${dnLine(s.identity.chain[0]!.subject)} (${s.targets.join(", ")})`).join("; ")}` };
  const sandbox = signersFor([{ name: targets[0]!.name, tls: sandboxClientTls(), embedded: true }]).map((s) => ({ ...s, targets: targets.map((t) => t.name) }));
  return { signers: sandbox, signing: "with the sandbox's public test key (it shows the files are as written, not who the supplier is): set TLS_CLIENT_CERT and TLS_CLIENT_KEY, or TLS_PFX, to sign with your own identity" };
}

/** The assessed system as declared: options over ASSESSED_* settings; undefined when nothing was declared. */
function assessedSystem(config: Config, given: AssessedSystem = {}): AssessedSystem | undefined {
  const v = config.values;
  const system: AssessedSystem = {
    ...(given.product ?? v.ASSESSED_SYSTEM ? { product: given.product ?? v.ASSESSED_SYSTEM } : {}),
    ...(given.version ?? v.ASSESSED_SYSTEM_VERSION ? { version: given.version ?? v.ASSESSED_SYSTEM_VERSION } : {}),
    ...(given.supplier ?? v.ASSESSED_SUPPLIER ? { supplier: given.supplier ?? v.ASSESSED_SUPPLIER } : {}),
    ...(given.asid ?? v.ASSESSED_SYSTEM_ASID ? { asid: given.asid ?? v.ASSESSED_SYSTEM_ASID } : {}),
  };
  return Object.keys(system).length ? system : undefined;
}
