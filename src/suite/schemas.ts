// One Ajv instance over every JSON Schema in schemas/: suites, response bodies, the summary. Schemas refer to each
// other by relative $ref; each is registered under https://spine-assure.local/schemas/<path>. The compiled CLI keeps
// each validator's code between runs (schema-code-cache.ts) and loads Ajv only for a schema it has not compiled.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, sep } from "node:path";
import type { Ajv, ErrorObject, ValidateFunction } from "ajv";
import { PROJECT_ROOT } from "../project-root.ts";
import { keepsValidators, keepValidator, keptValidator } from "./schema-code-cache.ts";

export type SchemaError = ErrorObject;
export const SCHEMA_BASE = "https://spine-assure.local/schemas/";
const SCHEMAS_DIR = join(PROJECT_ROOT, "schemas");

let ajv: Ajv | undefined;

function instance(): Ajv {
  if (!ajv) {
    // Loaded when first needed, not with every command: a run whose suites come from the cache validates nothing until
    // its outputs, and its process loads Ajv while it waits for its cases (reporters/index.ts, warmRenderers).
    const require = createRequire(import.meta.url);
    const { Ajv: AjvClass, _ } = require("ajv") as typeof import("ajv");
    // ajv-formats ships CommonJS whose export is the plugin function.
    const addFormats = require("ajv-formats") as (ajv: Ajv) => Ajv;
    // Where validators are kept as code (schema-code-cache.ts), Ajv keeps each one's source, and its formats are named
    // as the kept code will load them.
    const code = keepsValidators ? { code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } } : {};
    ajv = new AjvClass({ allErrors: true, strict: false, allowUnionTypes: true, ...code });
    addFormats(ajv);
  }
  return ajv;
}

/** Each validator given, by folder and path: compiled, or loaded as kept code, once per process. */
const validators = new Map<string, ValidateFunction>();

/** Ids registered so far, each once: the first directory to give an id keeps it. */
const registered = new Set<string>();

/** Registers one schema file (Ajv checks it against its meta-schema), its id derived from its path under `dir`. */
function register(dir: string, relPath: string): void {
  const id = SCHEMA_BASE + relPath;
  if (registered.has(id)) return;
  const schema = JSON.parse(readFileSync(join(dir, ...relPath.split("/")), "utf8")) as Record<string, unknown>;
  instance().addSchema({ ...schema, $id: id });
  registered.add(id);
}

/**
 * The validator for a schema file, by its path under schemas/ (e.g. "ers/professional-session.schema.json"). Only that
 * file and the ones it refers to are registered, each as a reference is met: a process that validates response bodies
 * never reads (nor checks against the meta-schema) the suite format's or the run result's large schemas.
 */
export function validatorFor(relPath: string, dir = SCHEMAS_DIR): ValidateFunction {
  const key = `${dir}\0${relPath}`;
  const done = validators.get(key);
  if (done) return done;
  const kept = keptValidator(dir, relPath);
  if (kept) {
    validators.set(key, kept);
    return kept;
  }
  if (!registered.has(SCHEMA_BASE + relPath) && !existsSync(join(dir, ...relPath.split("/")))) throw new Error(`no JSON Schema at schemas/${relPath}`);
  register(dir, relPath);
  // Ajv names the first schema a reference needs that it does not have; it is registered and the compile tried again
  // (what Ajv's own compileAsync does with a loader). Each file at most once, so this ends.
  for (;;) {
    try {
      const validate = instance().getSchema(SCHEMA_BASE + relPath)!;
      keepValidator(dir, relPath, instance(), validate);
      validators.set(key, validate);
      return validate;
    } catch (err) {
      const missing = (err as { missingSchema?: unknown }).missingSchema;
      const relMissing = typeof missing === "string" && missing.startsWith(SCHEMA_BASE) ? missing.slice(SCHEMA_BASE.length) : undefined;
      if (!relMissing || registered.has(missing as string) || !existsSync(join(dir, ...relMissing.split("/")))) throw err;
      register(dir, relMissing);
    }
  }
}

/** Why a schema file cannot be used (missing, not JSON, does not compile), or undefined when it is fine. */
export function compileSchemaFile(file: string, dir = SCHEMAS_DIR): string | undefined {
  if (!existsSync(file)) return `schema file not found: ${relative(PROJECT_ROOT, file)}`;
  try {
    validatorFor(relative(dir, file).split(sep).join("/"), dir);
    return undefined;
  } catch (e) {
    return `schema ${relative(PROJECT_ROOT, file)} does not compile: ${(e as Error).message}`;
  }
}

/** Ajv's errors as short lines: "/issue/0/severity must be equal to one of the allowed values". */
export function formatSchemaErrors(errors: SchemaError[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || "(body)"} ${e.message ?? e.keyword}${e.keyword === "enum" ? ` ${JSON.stringify((e.params as { allowedValues: unknown }).allowedValues)}` : ""}`);
}
