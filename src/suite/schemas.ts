// One Ajv instance over every JSON Schema in schemas/: suites, response bodies, the summary. Schemas refer to each
// other by relative $ref; each is registered under https://spine-assure.local/schemas/<path>.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, sep } from "node:path";
import type { Ajv, ErrorObject, ValidateFunction } from "ajv";
import { filesUnder } from "../files-under.ts";
import { PROJECT_ROOT } from "../project-root.ts";

export type SchemaError = ErrorObject;
export const SCHEMA_BASE = "https://spine-assure.local/schemas/";
const SCHEMAS_DIR = join(PROJECT_ROOT, "schemas");

let ajv: Ajv | undefined;
const loadedDirs = new Set<string>();

function instance(): Ajv {
  if (!ajv) {
    // Loaded when first needed, not with every command: a run whose suites come from the cache validates nothing until
    // its outputs, and its process loads Ajv while it waits for its cases (reporters/index.ts, warmRenderers).
    const require = createRequire(import.meta.url);
    const { Ajv: AjvClass } = require("ajv") as typeof import("ajv");
    // ajv-formats ships CommonJS whose export is the plugin function.
    const addFormats = require("ajv-formats") as (ajv: Ajv) => Ajv;
    ajv = new AjvClass({ allErrors: true, strict: false, allowUnionTypes: true });
    addFormats(ajv);
  }
  return ajv;
}

function idFor(dir: string, file: string): string {
  return SCHEMA_BASE + relative(dir, file).split(sep).join("/");
}

/** Registers every *.json under `dir` (default schemas/) once; ids derive from the path when a file has none. */
export function registerSchemas(dir = SCHEMAS_DIR): void {
  if (loadedDirs.has(dir)) return;
  loadedDirs.add(dir);
  for (const file of filesUnder(dir).filter((f) => f.endsWith(".json"))) {
    const schema = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    const id = idFor(dir, file);
    if (!instance().getSchema(id)) instance().addSchema({ ...schema, $id: id });
  }
}

/** The validator for a schema file, by its path under schemas/ (e.g. "ers/professional-session.schema.json"). */
export function validatorFor(relPath: string, dir = SCHEMAS_DIR): ValidateFunction {
  registerSchemas(dir);
  const fn = instance().getSchema(SCHEMA_BASE + relPath);
  if (!fn) throw new Error(`no JSON Schema at schemas/${relPath}`);
  return fn;
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
