// Compiled JSON Schema validators kept between runs, as the code Ajv generates for them ("standalone" code). Loading
// Ajv, checking a schema against its meta-schema and compiling it cost a run's worker about a quarter of a second
// before its first case, for the same few body schemas every time; the code they compile to loads in milliseconds and
// validates exactly as they do (it is what Ajv runs). Kept only by the compiled CLI, in its build's folder (whose name
// fingerprints the lockfile, so another Ajv means another folder), under a fingerprint of every file in the schemas
// folder: a schema edited, added or removed compiles afresh, which is also how a broken one is still reported.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Ajv, ValidateFunction } from "ajv";
import { filesFingerprint } from "../files-fingerprint.ts";
import { filesUnder } from "../files-under.ts";
import { COMPILED_BUILD } from "../project-root.ts";
import { writeFileAtomic } from "../write-atomic.ts";

const require = createRequire(import.meta.url);
const fingerprints = new Map<string, string | undefined>();

/** The folder's fingerprint (filesFingerprint), taken once a process. */
function fingerprint(dir: string): string | undefined {
  if (!fingerprints.has(dir)) fingerprints.set(dir, filesFingerprint(filesUnder(dir)));
  return fingerprints.get(dir);
}

const pathOf = (dir: string, relPath: string, build: string | undefined): string | undefined => {
  const print = build && fingerprint(dir);
  return print ? join(build!, "schemas", print, `${relPath.replaceAll("/", "__")}.cjs`) : undefined;
};

/** Whether validators are kept here: only the compiled CLI keeps them (and Ajv must then keep each one's code). */
export const keepsValidators = !!COMPILED_BUILD;

/** The validator compiled from exactly these schema files before, or undefined. `build`: where they are kept. */
export function keptValidator(dir: string, relPath: string, build = COMPILED_BUILD): ValidateFunction | undefined {
  const file = pathOf(dir, relPath, build);
  if (!file) return undefined;
  try {
    // Run as a CommonJS module whose requires (Ajv's runtime, the formats) resolve from here, wherever the file is.
    const module = { exports: {} as unknown };
    new Function("module", "exports", "require", readFileSync(file, "utf8"))(module, module.exports, require);
    return typeof module.exports === "function" ? (module.exports as ValidateFunction) : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps a validator's code; a failure to write only costs a later run the compile. */
export function keepValidator(dir: string, relPath: string, ajv: Ajv, validate: ValidateFunction, build = COMPILED_BUILD): void {
  const file = pathOf(dir, relPath, build);
  if (!file) return;
  try {
    const standaloneCode = (require("ajv/dist/standalone") as { default: (ajv: Ajv, validate: ValidateFunction) => string }).default;
    writeFileAtomic(file, standaloneCode(ajv, validate));
  } catch {
    // Read-only or full, or code Ajv cannot give: nothing lost.
  }
}
