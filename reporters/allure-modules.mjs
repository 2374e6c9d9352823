/* global process */
// Allure's generator modules for reporters/allure-generate.mjs, loaded from one bundle instead of some 130 files.
// Loading them file by file cost the generator about 1.5 s of CPU before it read a result (resolution, CommonJS
// lexing, compiling module by module), and a run starts a generator every time; bundled by esbuild, 0.5 s. The bundle
// is kept under node_modules/.cache/spine-assure/allure-<fingerprint>/ (the fingerprint: the installed packages and
// this file) and built, once, by the first generator that finds none. Anything that stops the build (no esbuild, a
// read-only checkout, an Allure release this file does not know) leaves the modules loaded as they are installed.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
// Allure's packages as the `allure` package itself resolves them (they are its dependencies, not this project's).
const allureEntry = createRequire(import.meta.url).resolve("allure");
const fromAllure = createRequire(allureEntry);
/**
 * What the generator loads: core (AllureReport, readConfig), the reader (PathResultFile), the report's plugin, and the
 * CI detection core uses (detect).
 */
const MODULES = ["@allurereport/core", "@allurereport/reader-api", "@allurereport/plugin-awesome", "@allurereport/ci"];

// Allure's core finds a plugin by name when it reads the configuration (`awesome` → @allurereport/plugin-awesome), by a
// dynamic import no bundler can follow: in the bundle that name is imported statically, so core and plugin share one
// copy of the modules they both use.
const PLUGIN_LOADER = "export const importWrapper = async (path) => {";
const PLUGIN_BUNDLED = `${PLUGIN_LOADER}\n    if (path === "@allurereport/plugin-awesome") return import("@allurereport/plugin-awesome");`;

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
  const file = join(dir, "allure-modules.mjs");
  if (existsSync(file)) return file;
  const { build } = await import("esbuild");
  let patched = false;
  const scratch = `${dir}.building-${process.pid}-${Date.now()}`;
  mkdirSync(scratch, { recursive: true });
  try {
    await build({
      stdin: { contents: `export { AllureReport, readConfig } from "@allurereport/core";\nexport { PathResultFile } from "@allurereport/reader-api";\nexport { detect } from "@allurereport/ci";\nimport "@allurereport/plugin-awesome";\n`, resolveDir: dirname(manifestOf(allureEntry)), loader: "js" },
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      outfile: join(scratch, "allure-modules.mjs"),
      logLevel: "silent",
      // The CommonJS modules among them require Node's own modules, which an ES module bundle does through this.
      banner: { js: 'import { createRequire as __allureRequire } from "node:module"; const require = __allureRequire(import.meta.url);' },
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
 * AllureReport, readConfig, PathResultFile and detect: from the bundle, or where it cannot be had (or
 * SPINE_ASSURE_ALLURE_UNBUNDLED is set), as installed; `bundled` says which.
 */
export async function allureModules() {
  const file = process.env.SPINE_ASSURE_ALLURE_UNBUNDLED ? undefined : await allureBundle();
  if (file) {
    try {
      return { ...(await import(pathToFileURL(file).href)), bundled: true };
    } catch {
      // A bundle that does not load (a half-deleted cache): as installed, below.
    }
  }
  const [{ AllureReport, readConfig }, { PathResultFile }, , { detect }] = await Promise.all(MODULES.map((name) => import(pathToFileURL(fromAllure.resolve(name)).href)));
  return { AllureReport, readConfig, PathResultFile, detect, bundled: false };
}
