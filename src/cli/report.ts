// `spine-assure report [RUN] [--force]`: renders a run's outputs again from its stored run-result.json, through the same
// publish stage as `run`. It first verifies the folder: a pack whose files or signature no longer match is refused —
// regenerating would launder the edit — unless --force, which marks every output "regenerated from altered results"
// and keeps the run's own signed manifest beside the new one (original-manifest/). The history is not appended to.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { loadConfig } from "../config/load-config.ts";
import { isSignatureFile, MANIFEST, ORIGINAL } from "../evidence/manifest.ts";
import { signersFor, type Signer } from "../evidence/signing-identity.ts";
import { verifyEvidence } from "../evidence/verify-evidence.ts";
import type { RunResult } from "../model/run-result.ts";
import { EXIT } from "../model/status.ts";
import { readRunResult, RUN_RESULT } from "../evidence/run-result-file.ts";
import { publish } from "../stages/publish.ts";
import { reportShown } from "../../reporters/allure-report.ts";
import { restoreInterrupted } from "../write-atomic.ts";
import { sandboxClientTls } from "../stages/open-targets.ts";
import { isTargetName } from "../targets.ts";

export async function regenerateReport(runDir: string | undefined, outRoot: string, force = false): Promise<number> {
  const latestOf = (root: string) => (existsSync(join(root, "latest-run")) ? readFileSync(join(root, "latest-run"), "utf8").trim() : undefined);
  const latestId = latestOf(outRoot);
  const dir = runDir ?? (latestId ? join(outRoot, "runs", latestId) : undefined);
  // A regeneration stopped between its two renames left the folder whole beside itself: put back before anything.
  if (dir) restoreInterrupted(dir);
  if (!dir || !existsSync(join(dir, RUN_RESULT))) {
    console.error(`report: no run to regenerate (${dir ? `${dir}/${RUN_RESULT} not found: a run folder written before run results were stored cannot be regenerated; run again` : `no latest run under ${outRoot}`})`);
    return EXIT.configOrSuite;
  }
  let run: RunResult;
  try {
    run = readRunResult(join(dir, RUN_RESULT));
    if (basename(dir) !== run.runId) throw new Error(`not the stored result of run ${basename(dir)}`);
  } catch (err) {
    console.error(`report: ${join(dir, RUN_RESULT)}: ${(err as Error).message}`);
    return EXIT.configOrSuite;
  }
  // What no longer matches the run's manifest and its signature (a folder without a manifest has nothing to check).
  const altered = existsSync(join(dir, MANIFEST)) ? alterations(dir) : undefined;
  if (altered && !force) {
    console.error(`report: ${dir} no longer matches its manifest — regenerating would make the edit look like the run's own result. Nothing was written.`);
    for (const line of altered.lines) console.error(`  ${line}`);
    console.error("  `spine-assure verify-evidence` shows the detail; --force regenerates all the same, marking every output \"regenerated from altered results\".");
    return 1;
  }
  // Only a regeneration from altered results changes what the outputs say; an intact one renders them as they were.
  const at = new Date().toISOString();
  if (altered) run.regenerated = { at, fromAltered: { at, changed: altered.changed, missing: altered.missing, added: altered.added } };
  // A run folder is <output root>/runs/<id>: its own root holds the history and the latest copies.
  const root = join(dir, "..", "..");
  const signers = run.regenerated?.fromAltered ? [] : reSigners(run);
  const published = await publish(run, { outRoot: root, html: true, recordHistory: false, latest: basename(dir) === latestOf(root), signers, keep: originalManifest(dir) });
  for (const w of published.warnings) console.error(`report: ${w}`);
  if (!published.reportPath) return EXIT.configOrSuite;
  const how = run.regenerated?.fromAltered ? "REGENERATED FROM ALTERED RESULTS, unsigned" : published.signedBy.length ? `signed again by ${published.signedBy.map((s) => s.subject).join("; ")}` : "unsigned (the client identity that ran it is not configured here)";
  console.log(`report: regenerated run ${run.runId} in ${dir} (report ${reportShown(dirname(published.reportPath), run.cases.length)}); manifest rewritten, ${how}; the run's own manifest is kept in ${ORIGINAL}/`);
  return 0;
}

function alterations(dir: string): { lines: string[]; changed: string[]; missing: string[]; added: string[] } | undefined {
  const v = verifyEvidence(dir);
  const bad = v.signatures.filter((s) => s.problems.length);
  if (v.hashes.ok && !bad.length) return undefined;
  return {
    lines: [...v.hashes.changed.map((f) => `edited:  ${f}`), ...v.hashes.missing.map((f) => `removed: ${f}`), ...v.hashes.added.map((f) => `added:   ${f}`), ...bad.flatMap((s) => s.problems.map((p) => `${s.file}: ${p}`))],
    changed: v.hashes.changed, missing: v.hashes.missing, added: v.hashes.added,
  };
}

/**
 * The run's own manifest and signatures, to keep in original-manifest/ of the regenerated folder: those at the top of
 * the folder, or the ones a first regeneration already kept (a later regeneration keeps the first).
 */
function originalManifest(dir: string): Record<string, string> {
  const from = existsSync(join(dir, ORIGINAL)) ? join(dir, ORIGINAL) : dir;
  const files = readdirSync(from).filter((f) => f === MANIFEST || isSignatureFile(f));
  return Object.fromEntries(files.map((f) => [`${ORIGINAL}/${f}`, readFileSync(join(from, f), "utf8")]));
}

/**
 * Who signs regenerated outputs: the identity that signed the run, when it is available here — the sandbox's test
 * identity for a sandbox run, the configured one for an external target when it is the certificate the run used.
 */
function reSigners(run: RunResult): Signer[] {
  let config: ReturnType<typeof loadConfig> | undefined;
  try {
    if (run.targets.some((t) => !t.embedded)) config = loadConfig({ testDataIsFatal: false });
  } catch {
    // Without a usable configuration only sandbox runs can be signed again.
  }
  const sandbox = sandboxClientTls();
  try {
    // A pack may name an API this harness no longer has: it cannot be signed again for that API.
    return signersFor(run.targets.flatMap((t) => {
      const name = t.name;
      if (!isTargetName(name)) return [];
      const tls = t.embedded ? sandbox : config?.tls[name]?.files;
      return tls ? [{ name, tls, embedded: t.embedded, ...(t.embedded ? {} : { fingerprint: t.clientCertificate?.fingerprint ?? "none" }) }] : [];
    }));
  } catch {
    return [];
  }
}
