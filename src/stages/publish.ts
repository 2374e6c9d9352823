// Stage 5, publish: every output rendered from the RunResult into the run's folder — run-result.json, summary,
// coverage matrix, JUnit, Allure results and the HTML report, then the manifest over them — which appears whole
// only when complete; then the latest copies at fixed paths and the history. `run` and `report RUN` both end here.
import { cpSync, existsSync, rmSync } from "node:fs";
import { readRunResult, RUN_RESULT } from "../evidence/run-result-file.ts";
import { join, relative } from "node:path";
import { mergeRuns } from "../judge/merge-runs.ts";
import { findLeaksInFiles } from "../judge/leak-gate.ts";
import { Redactor } from "../secrets/redact.ts";
import { filesUnder } from "../files-under.ts";
import { linkTree } from "../link-tree.ts";
import type { RunResult } from "../model/run-result.ts";
import { ALLURE_REPORT, allureHistoryOf, allureStaticParts, reportLayoutFor, reportTimeoutMs, startAllureGenerator, type AllureGenerator } from "../../reporters/allure-report.ts";
import { LATEST_FILES } from "../../reporters/index.ts";
import { ALLURE_RESULTS, allureEnvironment, allureResultsWriter, allureTargets, type AllureResultsWriter } from "../../reporters/allure-results.ts";
import { readHistory, recordRun, targetKey, type Changes } from "../../reporters/history.ts";
import { checkHashes, MANIFEST, readManifest, writeManifest } from "../evidence/manifest.ts";
import { BackgroundHashes } from "../evidence/background-hashes.ts";
import type { Signer } from "../evidence/signing-identity.ts";
import { certInfo } from "../config/tls-identity.ts";
import { pruneRuns, type PrunedRun } from "../evidence/prune-runs.ts";
import { directoryWriter, swapFolder, writeFileAtomic, type DirectoryWriter } from "../write-atomic.ts";


export interface PublishOptions {
  /** The output root: runs/<id>/ per run, the latest copies at the root. */
  outRoot: string;
  /** The run folder being filled, and the writer that put Allure results in it as cases arrived. */
  open?: { folder: DirectoryWriter; allure: AllureResultsWriter };
  /** Generate the HTML report. */
  html: boolean;
  /** The report's generator, started when the run began so that it has loaded by now (else it is started here). */
  generator?: AllureGenerator;
  /** Append the run to the history (a regenerated report is not a new run). */
  recordHistory: boolean;
  /** Make these the latest copies (a run always does; a regenerated report only for the latest run). */
  latest: boolean;
  /** After publishing, keep only this many run folders (the newest), and never those in `protectRuns`. */
  keepRuns?: number;
  protectRuns?: string[];
  /** The client identities that sign the manifest (none: the pack is unsigned, and verify-evidence says so). */
  signers?: readonly Signer[];
  /** Every secret form the run met (in memory only): the written files are searched for them before the manifest. */
  secrets?: readonly string[] | Redactor;
  /** Files carried into the new folder as they are, outside the manifest (a regenerated run's original manifest). */
  keep?: Readonly<Record<string, string>>;
}

export interface Published {
  runDir: string;
  reportPath?: string;
  changes?: Changes;
  /** What went wrong without stopping publication (the HTML report could not be generated). */
  warnings: string[];
  /** The gate as judged (publishing renders it, never changes it). */
  gate: RunResult["gate"];
  /** Who signed the manifest (empty: unsigned). */
  signedBy: NonNullable<RunResult["signedBy"]>;
  /** The latest copies are a merged view of these runs (oldest first), not this run alone. */
  mergedFrom?: RunResult["mergedFrom"];
  /** Older run folders removed to keep --keep-runs, each with its gate's exit code. */
  pruned: PrunedRun[];
}

/** A secret found in the written outputs although the judged run held none: the pack is withheld. */
export class OutputLeakError extends Error {
  constructor(readonly where: string[]) {
    super(`a secret appears in the written outputs (${where.join(", ")}) though not in what they were rendered from: nothing of this run was kept`);
  }
}

export function runFolderOf(outRoot: string, runId: string): string {
  return join(outRoot, "runs", runId);
}

/** The run folder's writer, for Allure results written while the run goes on. */
export function openRunFolder(outRoot: string, runId: string): DirectoryWriter {
  return directoryWriter(runFolderOf(outRoot, runId));
}

export async function publish(given: RunResult, options: PublishOptions): Promise<Published> {
  // Who signs is part of what the outputs say (the first screen names them); an unsigned pack says so too.
  const run: RunResult = { ...given, signedBy: (options.signers ?? []).map((s) => signerShown(s)) };
  const runDir = runFolderOf(options.outRoot, run.runId);
  const folder = options.open?.folder ?? openRunFolder(options.outRoot, run.runId);
  const warnings: string[] = [];
  const hashes = new BackgroundHashes();
  try {
    // Cases whose results were not written as they arrived (all of them, for a regenerated report).
    const allure = options.open?.allure ?? allureResultsWriter(folder, run.runId, run.requirements, allureTargets(Object.fromEntries(run.targets.map((t) => [t.name, t]))));
    for (const c of run.cases) allure.add(c);
    const env = allureEnvironment({ ...run.environment, Gate: `exit ${run.gate.exitCode}: ${run.gate.reason}` });
    folder.put(`${ALLURE_RESULTS}/${env.name}`, env.content);
    const writeRendered = (r: RunResult) => {
      folder.put(RUN_RESULT, `${JSON.stringify(r)}\n`);
      for (const [name, render] of Object.entries(LATEST_FILES)) {
        const text = render(r);
        if (text !== undefined) folder.put(name, text);
      }
    };
    writeRendered(run);
    // Everything below reads the folder: the files put so far (the cases' results, written as they arrived) are whole first.
    await folder.flushed();
    // A guard, not a decision: the gate was decided on everything these files are rendered from (the cases, the
    // verdicts, the history the report carries forward). A secret found in what was written anyway, when the gate knew
    // of none, is a defect of a renderer: the pack is withheld, never published with a gate it contradicts. (When the
    // gate already failed for a leak, the outputs say so and carry it where the judged sources did.) The files the
    // HTML report is generated from are searched while it is generated, and the report once it is.
    // One hunter for both searches (with the HTML report, the files it is generated from and the report itself).
    const hunter = options.secrets && !run.gate.leaks?.length ? Redactor.hunting(options.secrets) : undefined;
    const guard = (paths: readonly { path: string; where: string }[], known: readonly string[] = []) => {
      const leaks = hunter ? findLeaksInFiles(paths, hunter, known) : [];
      if (leaks.length) throw new OutputLeakError(leaks.map((l) => l.where));
    };
    const written = () => filesUnder(folder.path).map((path) => ({ path, where: relative(folder.path, path) }));
    const sources = written();
    // The manifest's hashes are made on a thread of their own while this one searches the same files.
    const hashing = [hashes.hash(sources.map((f) => f.path))];
    let reportPath: string | undefined;
    if (options.html) {
      // Allure's generator is a process of its own: it starts at once and the search of what it reads runs beside it
      // (two cores), instead of before it. A secret found there withholds the pack all the same, once it has ended.
      const name = `Spine ${run.assessment ? "client assessment" : "assurance report"} — gate: exit ${run.gate.exitCode} ${run.gate.result.toUpperCase()}${run.regenerated?.fromAltered ? " — REGENERATED FROM ALTERED RESULTS" : ""}`;
      const generating = (options.generator ?? startAllureGenerator()).generate(join(folder.path, ALLURE_RESULTS), join(folder.path, ALLURE_REPORT), allureHistoryOf(options.outRoot), name, reportTimeoutMs(run.cases.length), reportLayoutFor(run.cases.length)).then(
        () => undefined,
        (err: Error) => err,
      );
      const known = allureStaticParts();
      try {
        guard(sources);
      } finally {
        const failed = await generating;
        if (failed) warnings.push(failed.message);
        else reportPath = join(runDir, ALLURE_REPORT, "index.html");
      }
      const report = written().filter((f) => f.where.startsWith(ALLURE_REPORT));
      hashing.push(hashes.hash(report.map((f) => f.path)));
      // The report app's own code, the same in every report, is left out of its search (allureStaticParts).
      guard(report, await known);
    } else guard(sources);
    for (const [name, content] of Object.entries(options.keep ?? {})) folder.put(name, content);
    await Promise.all([...hashing, folder.flushed()]);
    writeManifest(folder.path, run, options.signers, hashes);
    await folder.commit();
    const refused: string[] = [];
    const view = options.latest && run.filters ? latestView(run, options.outRoot, refused) : run;
    if (refused.length) warnings.push(`not merged into the latest view: ${refused.join(", ")}`);
    if (options.latest) {
      try {
        // The latest run's files at fixed paths, for CI steps and people who just want "the report". After a partial
        // run they are the merged view: the last full run with the newer partial runs over it.
        for (const [name, render] of Object.entries(LATEST_FILES)) {
          const latest = join(options.outRoot, name);
          // A file this run does not have (an assessment's request log after a run) is not left from an older one.
          if (view === run) {
            if (existsSync(join(runDir, name))) cpSync(join(runDir, name), latest);
            else rmSync(latest, { force: true });
          } else {
            const text = render(view);
            if (text === undefined) rmSync(latest, { force: true });
            else writeFileAtomic(latest, text);
          }
        }
        replaceFolder(reportPath && existsSync(reportPath) ? join(runDir, ALLURE_REPORT) : undefined, join(options.outRoot, ALLURE_REPORT));
        writeFileAtomic(join(options.outRoot, "latest-run"), `${run.runId}\n`);
      } catch (err) {
        // Another run writing the same --out at the same moment: this run's own folder is whole all the same.
        warnings.push(`the latest copies in ${options.outRoot} could not be updated (${(err as Error).message}); this run's evidence is complete in ${runDir}`);
      }
    }
    const changes = options.recordHistory ? recordRun(join(options.outRoot, "history.jsonl"), run) : undefined;
    // Never prune a run the merged latest view is made from.
    const cited = [run.runId, ...(options.protectRuns ?? []), ...(view.mergedFrom ?? []).map((r) => r.runId)];
    const pruned = options.keepRuns ? pruneRuns(options.outRoot, options.keepRuns, new Set(cited)) : [];
    return { runDir, reportPath, changes, warnings, gate: run.gate, signedBy: run.signedBy ?? [], pruned, ...(view.mergedFrom ? { mergedFrom: view.mergedFrom } : {}) };
  } catch (err) {
    folder.abort();
    throw err;
  } finally {
    await hashes.close();
  }
}

/**
 * Puts a copy of `from` at `to` (or removes `to`), never leaving a half-copied folder: copy beside, then swap. The copy's
 * files are links to the run's own (nothing writes into either in place): a run's folder is immutable once written.
 */
function replaceFolder(from: string | undefined, to: string): void {
  const fresh = `${to}.${process.pid}.new`;
  rmSync(fresh, { recursive: true, force: true });
  if (from) linkTree(from, fresh);
  try {
    swapFolder(from ? fresh : undefined, to);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}

function signerShown(s: Signer): NonNullable<RunResult["signedBy"]>[number] {
  const c = s.identity.chain[0]!;
  const { subject, issuer, validFrom, validTo } = certInfo(c);
  return { subject, issuer, serial: c.serialNumber, validFrom, validTo, targets: s.targets, embedded: s.embedded };
}

/**
 * The last full run against the same target, with every partial run since and `run` over it (or `run` alone). Only
 * runs whose folders still hash as their manifests say, made from the same suites as `run`, are merged: an edited
 * run-result.json, or a partial run made with other suites (a check loosened), never speaks in the merged view.
 */
function latestView(run: RunResult, outRoot: string, refused: string[]): RunResult {
  const earlier = readHistory(join(outRoot, "history.jsonl")).filter((h) => h.target === targetKey(run) && !h.interrupted);
  const fullAt = earlier.findLastIndex((h) => !h.partial);
  if (fullAt < 0) return run;
  const load = (runId: string): RunResult | undefined => {
    const dir = runFolderOf(outRoot, runId);
    const path = join(dir, RUN_RESULT);
    if (!existsSync(path)) return undefined;
    try {
      const { manifest } = readManifest(join(dir, MANIFEST));
      if (!checkHashes(dir, manifest).ok) {
        refused.push(`${runId} (its files no longer match its manifest)`);
        return undefined;
      }
      const earlierRun = readRunResult(path);
      if (earlierRun.inputs?.suitesHash !== run.inputs?.suitesHash) {
        refused.push(`${runId} (made from other suites)`);
        return undefined;
      }
      return earlierRun;
    } catch {
      // A result this harness cannot read (another version, or not one it wrote) is left out of the merged view.
      refused.push(`${runId} (unreadable)`);
      return undefined;
    }
  };
  const base = load(earlier[fullAt]!.runId);
  if (!base) return run;
  const partials = earlier.slice(fullAt + 1).flatMap((h) => load(h.runId) ?? []);
  return mergeRuns([base, ...partials, run]);
}
