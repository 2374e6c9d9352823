// A problem found in a suite, named by file, line and the path inside the file, and the error that carries every
// problem found at once: nothing is sent until every suite loads and compiles cleanly.
import type { SchemaError } from "./schemas.ts";

export interface SuiteProblem {
  file: string;
  /** Where in the file, as cases[2].steps[0].expect[1]. */
  path: string;
  line?: number;
  message: string;
}

export class SuiteError extends Error {
  constructor(readonly problems: SuiteProblem[]) {
    super(`suite error:\n${problems.map((p) => `  - ${formatProblem(p)}`).join("\n")}`);
    this.name = "SuiteError";
  }
}

export function formatProblem(p: SuiteProblem): string {
  return `${p.file}${p.line ? `:${p.line}` : ""}: ${p.path ? `${p.path}: ` : ""}${p.message}`;
}

export function showPath(path: (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), "");
}

/** Ajv reports every branch of a oneOf; keep the deepest, most specific messages. */
export function pickSchemaErrors(errors: SchemaError[]): SchemaError[] {
  const useful = errors.filter((e) => e.keyword !== "oneOf" && e.keyword !== "if");
  const list = useful.length ? useful : errors;
  const depth = (e: SchemaError) => e.instancePath.split("/").length;
  const max = Math.max(...list.map(depth));
  const deepest = list.filter((e) => depth(e) === max);
  const seen = new Set<string>();
  return deepest.filter((e) => {
    const key = `${e.instancePath} ${describeSchemaError(e)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).slice(0, 4);
}

export function describeSchemaError(e: SchemaError): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "additionalProperties": return `unknown property "${String(p.additionalProperty)}"`;
    case "required": return `missing required property "${String(p.missingProperty)}"`;
    case "enum": return `${e.message ?? "invalid"}: ${JSON.stringify(p.allowedValues)}`;
    default: return e.message ?? e.keyword;
  }
}
