// The CLI's sources compiled once into plain JavaScript, so that a command does not pay for a TypeScript loader.
// tsx's loader hooks run on a thread of their own and every import (node_modules included) goes through them: that
// tripled the cost of importing vitest, Ajv, FHIRPath and the rest (bench/assure.ts). The copy is esbuild's bundle of
// src/cli/main.ts (packages stay external), kept under node_modules/.cache/spine-assure/<fingerprint>/ and rebuilt
// whenever any source file's size or time changes. Anything that stops it (no esbuild, a read-only checkout, a
// syntax error) returns undefined, and the caller runs the sources through tsx as before.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";

/** The folders whose files the CLI imports; a change in any of them means a new build. */
const SOURCES = ["src", "sandbox", "reporters", "apis"];
/** Builds kept besides the current one: a process still running from an older build may load its chunks late. */
const KEEP_BUILDS = 4;

function fingerprint(root) {
  const hash = createHash("sha256");
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|json|js|mjs)$/.test(entry.name)) {
        const st = statSync(path);
        hash.update(`${path}\0${st.size}\0${st.mtimeMs}\n`);
      }
    }
  };
  for (const dir of SOURCES) walk(join(root, dir));
  for (const file of ["package.json", "package-lock.json", "bin/compiled-cli.js"]) {
    const st = statSync(join(root, file));
    hash.update(`${file}\0${st.size}\0${st.mtimeMs}\n`);
  }
  return hash.digest("hex").slice(0, 16);
}

/** The compiled entry point's path, building it first if the sources changed; undefined when it cannot be had. */
export async function compiledCli(root) {
  if (process.env.SPINE_ASSURE_TSX) return undefined;
  try {
    const cache = join(root, "node_modules", ".cache", "spine-assure");
    const dir = join(cache, fingerprint(root));
    const entry = join(dir, "main.js");
    if (existsSync(entry)) return entry;
    const { build } = await import("esbuild");
    mkdirSync(cache, { recursive: true });
    // Built beside, then renamed into place: a run started at the same moment never sees half a build.
    const scratch = join(cache, `.building-${process.pid}-${Date.now()}`);
    await build({
      entryPoints: { main: join(root, "src", "cli", "main.ts"), "assurance.run": join(root, "src", "run", "vitest", "assurance.run.ts") },
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      outdir: scratch,
      logLevel: "silent",
    });
    try {
      renameSync(scratch, dir);
    } catch {
      // Another process built the same sources first: theirs is as good.
      rmSync(scratch, { recursive: true, force: true });
    }
    prune(cache, dir);
    return existsSync(entry) ? entry : undefined;
  } catch {
    return undefined;
  }
}

function prune(cache, current) {
  // Only the CLI's own builds (named by their fingerprint): the cache also holds other tools' entries (allure-…).
  const builds = readdirSync(cache)
    .filter((name) => /^[0-9a-f]{16}$/.test(name))
    .map((name) => join(cache, name))
    .filter((path) => path !== current)
    .map((path) => ({ path, time: statSync(path).mtimeMs }))
    .sort((a, b) => b.time - a.time);
  const hour = 60 * 60 * 1000;
  for (const old of builds.slice(KEEP_BUILDS)) if (Date.now() - old.time > hour) rmSync(old.path, { recursive: true, force: true });
}
