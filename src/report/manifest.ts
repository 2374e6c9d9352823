// manifest.json: every evidence file of a run with its SHA-256 and size, the run's metadata and a hash of the
// effective configuration (secrets left out). verify-evidence recomputes it and names any file edited, added or removed.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { filesUnder } from "../files-under.ts";
import type { RunResult } from "../judge/run-result.ts";
import { writeFileAtomic } from "./write-atomic.ts";

export const MANIFEST = "manifest.json";

export interface Manifest {
  manifestVersion: 1;
  runId: string;
  createdAt: string;
  tool: { name: string; version: string; commit?: string };
  gate: { exitCode: number; reason: string };
  /** SHA-256 of the configuration in effect, secrets excluded: two runs with the same hash ran the same set-up. */
  configHash: string;
  algorithm: "sha256";
  files: { path: string; sha256: string; bytes: number }[];
}

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

function listFiles(dir: string): string[] {
  return filesUnder(dir).map((f) => relative(dir, f).split(sep).join("/")).filter((f) => f !== MANIFEST);
}

/** Hashes every file of the run folder `dir`, under the run's metadata. */
export function writeManifest(dir: string, run: Pick<RunResult, "runId" | "tool" | "gate" | "configHash">): Manifest {
  const manifest: Manifest = {
    manifestVersion: 1,
    runId: run.runId,
    tool: run.tool,
    gate: { exitCode: run.gate.exitCode, reason: run.gate.reason },
    configHash: run.configHash,
    createdAt: new Date().toISOString(),
    algorithm: "sha256",
    files: listFiles(dir).map((path) => {
      const data = readFileSync(join(dir, path));
      return { path, sha256: sha256(data), bytes: data.length };
    }),
  };
  writeFileAtomic(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export interface Verification {
  ok: boolean;
  checked: number;
  changed: string[];
  missing: string[];
  added: string[];
}

/** Recomputes every hash under `dir` against its manifest. */
export function verifyEvidence(dir: string): Verification {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) throw new Error(`no ${MANIFEST} in ${dir}: not an evidence folder`);
  const manifest = JSON.parse(readFileSync(path, "utf8")) as Manifest;
  if (manifest.manifestVersion !== 1 || !Array.isArray(manifest.files)) throw new Error(`${path} is not a spine-assure manifest`);
  const listed = new Map(manifest.files.map((f) => [f.path, f.sha256]));
  const present = new Set(listFiles(dir));
  const changed: string[] = [];
  const missing: string[] = [];
  for (const [file, hash] of listed) {
    if (!present.has(file)) missing.push(file);
    else if (sha256(readFileSync(join(dir, file))) !== hash) changed.push(file);
  }
  const added = [...present].filter((f) => !listed.has(f));
  return { ok: !changed.length && !missing.length && !added.length, checked: listed.size, changed, missing, added };
}
