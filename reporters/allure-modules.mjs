/* global process */
// Allure's generator modules for reporters/allure-generate.mjs, loaded from one bundle instead of some 130 files.
// Loading them file by file cost the generator about 1.5 s of CPU before it read a result (resolution, CommonJS
// lexing, compiling module by module), and a run starts a generator every time; bundled by esbuild, 0.5 s. The bundle
// is kept under node_modules/.cache/spine-assure/allure-<fingerprint>/ (the fingerprint: the installed packages and
// this file) and built, once, by the first generator that finds none. Anything that stops the build (no esbuild, a
// read-only checkout, an Allure release this file does not know) leaves the modules loaded as they are installed.
//
// The bundle is CommonJS, compiled through node:vm with V8's code cache beside it: Node 20 keeps no compiled code for an
// ES module between processes, and compiling the 3.8 MB bundle is a third of a second of every generator's start. The
// first generator to write a report saves the cache (the functions it compiled included); the ones after it compile
// nothing they find there: 0.18 s less CPU a generator, of 2.3–2.5 s for a whole run's report (`spine-assure report`,
// five runs each way, alternately, after a warm-up). V8 checks a cache against the source and its own version and
// flags; one it refuses is compiled afresh and replaced.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import vm from "node:vm";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
// Allure's packages as the `allure` package itself resolves them (they are its dependencies, not this project's).
const allureEntry = createRequire(import.meta.url).resolve("allure");
const fromAllure = createRequire(allureEntry);
/**
 * What the bundle holds (and its fingerprint follows): core (AllureReport, resolveConfig), the reader's result files,
 * the report's plugin, the CI detection core uses (detect), and the agent plugin core adds to every configuration.
 */
const MODULES = ["@allurereport/core", "@allurereport/reader-api", "@allurereport/plugin-awesome", "@allurereport/ci", "@allurereport/plugin-agent"];

// Allure's core finds a plugin by name when it reads the configuration (`awesome` → @allurereport/plugin-awesome, and
// `agent`, which it adds), by a dynamic import no bundler can follow: in the bundle those names are imported statically,
// so core and plugins share one copy of the modules they use. Nothing else in the bundle imports dynamically as the
// generator uses it (the configuration file is imported by the generator and given to resolveConfig): V8's code cache
// in Node 20 keeps no way back to an import() callback, so an import() made by cached code would fail.
const PLUGIN_LOADER = "export const importWrapper = async (path) => {";
const PLUGIN_BUNDLED = `${PLUGIN_LOADER}
    if (path === "@allurereport/plugin-awesome") return import("@allurereport/plugin-awesome");
    if (path === "@allurereport/plugin-agent") return import("@allurereport/plugin-agent");`;

/** A package's package.json, found above its entry module (a package need not export it). */
function manifestOf(entry) {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const parent = dirname(dir);
    const installed = basename(parent) === "node_modules" || (basename(parent).startsWith("@") && basename(dirname(parent)) === "node_modules");
    if (installed && existsSync(join(dir, "package.json"))) return join(dir, "package.json");
  }
  throw new Error(`no package.json above ${entry}`);
}

function fingerprint() {
  const hash = createHash("sha256");
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  for (const name of MODULES) {
    const manifest = manifestOf(fromAllure.resolve(name));
    hash.update(`${name}\0${readFileSync(manifest, "utf8")}\0${statSync(manifest).mtimeMs}\n`);
  }
  const lock = join(ROOT, "package-lock.json");
  if (existsSync(lock)) hash.update(`${statSync(lock).size}\0${statSync(lock).mtimeMs}`);
  return hash.digest("hex").slice(0, 16);
}

async function bundle() {
  const dir = join(ROOT, "node_modules", ".cache", "spine-assure", `allure-${fingerprint()}`);
  const file = join(dir, "allure-modules.cjs");
  if (existsSync(file)) return file;
  const { build } = await import("esbuild");
  let patched = false;
  const scratch = `${dir}.building-${process.pid}-${Date.now()}`;
  mkdirSync(scratch, { recursive: true });
  try {
    await build({
      stdin: { contents: `export { AllureReport, resolveConfig } from "@allurereport/core";\nexport { BufferResultFile, PathResultFile } from "@allurereport/reader-api";\nexport { detect } from "@allurereport/ci";\nimport "@allurereport/plugin-awesome";\n`, resolveDir: dirname(manifestOf(allureEntry)), loader: "js" },
      bundle: true,
      format: "cjs",
      platform: "node",
      target: "node20",
      outfile: join(scratch, "allure-modules.cjs"),
      logLevel: "silent",
      plugins: [{
        name: "as-installed",
        setup(b) {
          // A module that finds its files beside itself (the report app's archive, its package.json) still finds them
          // where they are installed.
          b.onLoad({ filter: /[\\/]node_modules[\\/].*\.(c|m)?js$/ }, async (args) => {
            let text = await readFile(args.path, "utf8");
            if (text.includes("import.meta.url")) text = text.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href));
            // The report never embeds Google Analytics (allure-generate.mjs cuts it out of a report the modules as
            // installed write): a report written without it is not read and rewritten, 20 MB for a whole run.
            if (/[\\/]@allurereport[\\/]plugin-awesome[\\/]dist[\\/]generators\.js$/.test(args.path)) text = text.replace("analyticsEnable: true,", "analyticsEnable: false,");
            if (text.includes(PLUGIN_LOADER) && /[\\/]@allurereport[\\/]core[\\/]/.test(args.path)) {
              text = text.replace(PLUGIN_LOADER, PLUGIN_BUNDLED);
              patched = true;
            }
            return { contents: text, loader: "js" };
          });
        },
      }],
    });
    // A release whose core loads plugins otherwise would load a second copy of the plugin's modules: not bundled.
    if (!patched) throw new Error("Allure's plugin loader was not found");
    try {
      renameSync(scratch, dir);
    } catch {
      // Another generator built the same bundle first: theirs is as good.
    }
    pruneOlder(dirname(dir), basename(dir));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return existsSync(file) ? file : undefined;
}

/**
 * Removes bundles of other releases (or of an older allure-modules.mjs) built an hour ago or more: a generator loads its
 * bundle once, as it starts, so none is still needed.
 */
function pruneOlder(cache, current) {
  for (const name of readdirSync(cache)) {
    const path = join(cache, name);
    // Another generator may be removing the same entry: one already gone is skipped.
    const built = statSync(path, { throwIfNoEntry: false })?.mtimeMs;
    if (name.startsWith("allure-") && name !== current && built !== undefined && Date.now() - built > 60 * 60 * 1000) rmSync(path, { recursive: true, force: true });
  }
}

/** The bundle's path, built first if there is none; undefined when it cannot be had. */
export async function allureBundle() {
  try {
    return await bundle();
  } catch {
    return undefined;
  }
}

/**
 * The bundle's exports, compiled with its code cache when there is one (`cached`: V8 took it), and `saveCache`, which
 * writes the cache (the functions compiled so far included) when there was none or V8 refused it. Written beside and
 * renamed into place: a generator starting meanwhile reads the old cache or the new one, never half of one.
 */
export function loadBundle(file) {
  const cache = `${file}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cache);
  } catch {
    // None yet.
  }
  // The wrapper Node's own loader puts around a CommonJS module. No import() callback: cached code would lose it (see
  // PLUGIN_BUNDLED), so an import() fails alike with the cache or without, where a test sees it.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, "utf8")}\n})`, { filename: file, cachedData });
  const cached = !!cachedData && !script.cachedDataRejected;
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  const saveCache = () => {
    if (cached) return;
    try {
      const scratch = `${cache}.${process.pid}.tmp`;
      writeFileSync(scratch, script.createCachedData());
      renameSync(scratch, cache);
    } catch {
      // A read-only cache folder: the next generator compiles, as this one did.
    }
  };
  return { exports: module.exports, saveCache, cached };
}

/**
 * AllureReport, resolveConfig, BufferResultFile, PathResultFile and detect: from the bundle, or where it cannot be had (or
 * SPINE_ASSURE_ALLURE_UNBUNDLED is set), as installed; `bundled` says which. `saveCache` keeps the bundle's compiled code
 * for the next generator: called once the report is written.
 */
export async function allureModules() {
  const file = process.env.SPINE_ASSURE_ALLURE_UNBUNDLED ? undefined : await allureBundle();
  if (file) {
    try {
      const { exports, saveCache } = loadBundle(file);
      const { AllureReport, resolveConfig, BufferResultFile, PathResultFile, detect } = exports;
      return { AllureReport, resolveConfig, BufferResultFile, PathResultFile, detect, bundled: true, saveCache };
    } catch {
      // A bundle that does not load (a half-deleted cache): as installed, below.
    }
  }
  // The plugins are core's to load, by name.
  const [{ AllureReport, resolveConfig }, { BufferResultFile, PathResultFile }, { detect }] = await Promise.all(["@allurereport/core", "@allurereport/reader-api", "@allurereport/ci"].map((name) => import(pathToFileURL(fromAllure.resolve(name)).href)));
  return { AllureReport, resolveConfig, BufferResultFile, PathResultFile, detect, bundled: false, saveCache: () => {} };
}
