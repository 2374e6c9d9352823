// manifest.json: every evidence file of a run with its SHA-256 and size, the run's metadata and inputs, and a hash of
// the effective configuration (secrets left out). It is then signed (manifest.jws) by each client identity that made
// the run's calls, so an edit with recomputed hashes no longer verifies, and the pack names who stands behind it.
import { createHash, X509Certificate } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { filesUnder } from "../files-under.ts";
import type { RunInputs, RunResult } from "../model/run-result.ts";
import { PROJECT_ROOT } from "../project-root.ts";
import { writeFileAtomic } from "../write-atomic.ts";
import { signDetached } from "./jws.ts";
import type { Signer } from "./signing-identity.ts";
import type { FileHash } from "./background-hashes.ts";

export const MANIFEST = "manifest.json";
/** Every covered file's SHA-256 as `sha256sum -c` reads it; itself covered by the manifest. */
export const SHA256SUMS = "SHA256SUMS";
/** Where `report --force` keeps the manifest and signatures a run wrote, when the results no longer match them. */
export const ORIGINAL = "original-manifest";

export interface Manifest {
  manifestVersion: 1 | 2;
  runId: string;
  createdAt: string;
  tool: { name: string; version: string; commit?: string };
  gate: { exitCode: number; reason: string };
  /** What the run was given: targets and their kind, test data (secrets masked), filters, --strict, versions. */
  inputs?: RunInputs;
  /** Set when `report --force` rendered these files from results that no longer matched the signed manifest. */
  regeneratedFromAltered?: { at: string; changed: string[]; missing: string[]; added: string[] };
  /** SHA-256 of the configuration in effect, secrets excluded: two runs with the same hash ran the same set-up. */
  configHash: string;
  algorithm: "sha256";
  files: { path: string; sha256: string; bytes: number }[];
}

/** The embedded sandbox's test client certificate: a signature by it proves the files are unchanged, nothing more. */
export const SANDBOX_TEST_CERT = join(PROJECT_ROOT, "fixtures", "tls", "client.crt");

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

/** The signature files: the first signer's are manifest.jws and signer.pem; another's carry its targets' names. */
export function signatureFiles(signers: readonly Pick<Signer, "targets">[]): { jws: string; pem: string }[] {
  return signers.map((s, i) => (i === 0 ? "manifest.jws" : `manifest.${s.targets.join("-")}.jws`)).map((jws) => ({ jws, pem: pemBeside(jws) }));
}

/** A manifest's signature: manifest.jws, or manifest.<targets>.jws. */
export const isJwsFile = (name: string) => /^manifest(\.[a-z-]+)?\.jws$/.test(name);
/** The certificate written beside a signature (signatureFiles): manifest.nrls.jws → signer.nrls.pem. */
export const pemBeside = (jws: string) => jws.replace(/^manifest/, "signer").replace(/\.jws$/, ".pem");
/** A manifest's signature or the certificate beside it. */
export const isSignatureFile = (name: string) => isJwsFile(name) || /^signer(\.[a-z-]+)?\.pem$/.test(name);

/** The files the manifest covers: everything but itself, its signatures and a kept original manifest. */
export function coveredFiles(dir: string): string[] {
  return filesUnder(dir).map((f) => relative(dir, f).split(sep).join("/"))
    .filter((f) => f !== MANIFEST && !isSignatureFile(f) && !f.startsWith(`${ORIGINAL}/`));
}

export type ManifestRun = Pick<RunResult, "runId" | "tool" | "gate" | "configHash" | "inputs" | "regenerated">;

/**
 * Hashes every file of the run folder `dir` under the run's metadata, then signs the manifest with each signer.
 * `known`: hashes already made (BackgroundHashes, by absolute path), each used only for a file whose size and
 * modification time are still those it was hashed with.
 */
export function writeManifest(dir: string, run: ManifestRun, signers: readonly Signer[] = [], known?: { get(path: string): FileHash | undefined }): Manifest {
  // The same hashes in sha256sum's own format, for an assessor with stock tools alone (`sha256sum -c SHA256SUMS` in
  // the folder). Written first, so the manifest covers it and the signature over the manifest covers its every line.
  // Each file is read and hashed once, for both.
  const hashed = new Map(coveredFiles(dir).filter((f) => f !== SHA256SUMS).map((path) => {
    const file = join(dir, path);
    const before = known?.get(file);
    if (before) {
      const now = statSync(file);
      if (now.size === before.bytes && now.mtimeMs === before.mtimeMs) return [path, { path, sha256: before.sha256, bytes: before.bytes }] as const;
    }
    const data = readFileSync(file);
    return [path, { path, sha256: sha256(data), bytes: data.length }] as const;
  }));
  const sums = `${[...hashed.values()].map((f) => `${f.sha256}  ${f.path}`).join("\n")}\n`;
  writeFileAtomic(join(dir, SHA256SUMS), sums);
  hashed.set(SHA256SUMS, { path: SHA256SUMS, sha256: sha256(Buffer.from(sums)), bytes: Buffer.byteLength(sums) });
  const manifest: Manifest = {
    manifestVersion: 2,
    runId: run.runId,
    tool: run.tool,
    gate: { exitCode: run.gate.exitCode, reason: run.gate.reason },
    ...(run.inputs ? { inputs: run.inputs } : {}),
    ...(run.regenerated?.fromAltered ? { regeneratedFromAltered: run.regenerated.fromAltered } : {}),
    configHash: run.configHash,
    createdAt: new Date().toISOString(),
    algorithm: "sha256",
    // In the folder's own order (a listing, nothing read again).
    files: coveredFiles(dir).map((path) => hashed.get(path)!),
  };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  writeFileAtomic(join(dir, MANIFEST), text);
  const bytes = Buffer.from(text);
  signatureFiles(signers).forEach(({ jws, pem }, i) => {
    const s = signers[i]!;
    const signed = signDetached(bytes, s.identity, {
      "urn:spine-assure:run": run.runId,
      "urn:spine-assure:signed-at": manifest.createdAt,
      "urn:spine-assure:targets": s.targets,
      "urn:spine-assure:identity": s.embedded ? "embedded sandbox test identity" : "client identity of the endpoint(s)",
    });
    writeFileAtomic(join(dir, jws), `${signed}\n`);
    writeFileAtomic(join(dir, pem), s.identity.chain.map((c) => c.toString()).join(""));
  });
  return manifest;
}

/** Reads a manifest, refusing anything that is not one of ours. */
export function readManifest(path: string): { manifest: Manifest; bytes: Buffer } {
  if (!existsSync(path)) throw new Error(`no ${MANIFEST} at ${path}: not an evidence folder`);
  const bytes = readFileSync(path);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(bytes.toString("utf8")) as Manifest;
  } catch (err) {
    throw new Error(`${path} is not JSON: ${(err as Error).message}`);
  }
  if ((manifest.manifestVersion !== 1 && manifest.manifestVersion !== 2) || !Array.isArray(manifest.files)) throw new Error(`${path} is not a spine-assure manifest`);
  return { manifest, bytes };
}

export interface HashCheck {
  ok: boolean;
  checked: number;
  changed: string[];
  missing: string[];
  added: string[];
}

/** Recomputes every hash under `dir` against `manifest`. */
export function checkHashes(dir: string, manifest: Manifest): HashCheck {
  const listed = new Map(manifest.files.map((f) => [f.path, f.sha256]));
  const present = new Set(coveredFiles(dir));
  const changed: string[] = [];
  const missing: string[] = [];
  for (const [file, hash] of listed) {
    if (!present.has(file)) missing.push(file);
    else if (sha256(readFileSync(join(dir, file))) !== hash) changed.push(file);
  }
  const added = [...present].filter((f) => !listed.has(f));
  return { ok: !changed.length && !missing.length && !added.length, checked: listed.size, changed, missing, added };
}

/** True when `cert` is the embedded sandbox's committed test client certificate. */
export function isSandboxTestCertificate(cert: X509Certificate): boolean {
  return existsSync(SANDBOX_TEST_CERT) && new X509Certificate(readFileSync(SANDBOX_TEST_CERT)).fingerprint256 === cert.fingerprint256;
}
