// The plan's checks, compiled once in the process that runs them: every FHIRPath expression (against the model of its
// API's FHIR release for FHIR bodies, plain for other JSON) and every body schema. What does not compile is a suite
// problem named by the file and line that wrote it, so validating suites and preparing to run them are the same work.
import { createRequire } from "node:module";
import type fhirpathModule from "fhirpath";
import type { ValidateFunction } from "ajv";
import type { Plan } from "./make-plan.ts";
import { compileSchemaFile, validatorFor } from "../suite/schemas.ts";
import type { SuiteProblem } from "../suite/suite-problems.ts";
import { fhirPathTemplate } from "../template/template.ts";
import { join } from "node:path";
import { PROJECT_ROOT } from "../project-root.ts";
import { fhirpathModel, type FhirRelease } from "../fhir/fhir-release.ts";
import { compiledCliParseCache } from "./fhirpath-parse-cache.ts";

type Evaluator = (resource: object, vars?: Record<string, unknown>) => unknown[];

export interface CompiledPlan {
  /**
   * Evaluates a compiled expression (its templates read from `vars`), with the model of `release` (STU3 unless a
   * view says otherwise) when the body is FHIR.
   */
  fhirpath(expression: string, body: unknown, vars?: Record<string, unknown>): unknown[];
  /** The same plan reading FHIR bodies as `release` (a case's API module's; undefined: STU3). */
  forRelease(release: FhirRelease | undefined): CompiledPlan;
  /** The validator of a body schema, by its path under schemas/. */
  schema(path: string): ValidateFunction;
  /** What did not compile; a plan with problems must not run. */
  problems: SuiteProblem[];
}

// fhirpath's CommonJS build, not the single-file ES module build an import would load: its parser is a module of its
// own there, which the compiled CLI's cache of parses can serve (fhirpath-parse-cache.ts). The same code either way.
const fhirpath = createRequire(import.meta.url)("fhirpath") as typeof fhirpathModule;

const isFhir = (body: unknown) => !!body && typeof body === "object" && "resourceType" in body;

// Compiled expressions, kept for the process: parsing FHIRPath is most of a plan's compile, and a process that runs
// plans again (the self-test, ninety times) meets the same expressions. An evaluator holds no state between calls.
const compiledExpressions = new Map<string, Evaluator>();
function compileExpression(expression: string, release?: FhirRelease): Evaluator {
  const key = `${release ?? "plain"}\0${expression}`;
  let compiled = compiledExpressions.get(key);
  if (!compiled) {
    const text = fhirPathTemplate(expression).expression;
    compiled = (release ? fhirpath.compile(text, fhirpathModel(release) as never) : fhirpath.compile(text)) as unknown as Evaluator;
    compiledExpressions.set(key, compiled);
  }
  return compiled;
}

export function compilePlan(plan: Pick<Plan, "checks">, schemasDir = join(PROJECT_ROOT, "schemas")): CompiledPlan {
  const problems: SuiteProblem[] = [];
  const problem = (at: string, path: string, message: string) => {
    const [file, line] = splitLocation(at);
    problems.push({ file, line, path, message });
  };
  // The plan's expressions, each compiled once here: a model changes how an expression is evaluated, never whether it
  // parses, so one parse validates it. Compiled for the bodies it will mostly meet — its API's FHIR release, plain for
  // an API that is not FHIR —; the other form (an error page answered by a FHIR API, say) is compiled on first use.
  // Kept for the process by compileExpression. Parsing is most of a plan's compile: this halved it.
  const inPlan = new Set<string>();
  // The compiled CLI keeps the parses between runs (fhirpath-parse-cache.ts).
  const parses = compiledCliParseCache();
  for (const { expression, at, release } of plan.checks.fhirpath) {
    try {
      compileExpression(expression, release);
      inPlan.add(expression);
    } catch (err) {
      problem(at, "fhirpath", `FHIRPath does not compile: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  parses?.keep();
  const validators = new Map<string, ValidateFunction>();
  for (const { schema, at } of plan.checks.schemas) {
    if (validators.has(schema)) continue;
    const trouble = compileSchemaFile(join(schemasDir, schema), schemasDir);
    if (trouble) problem(at, "schema", trouble);
    else validators.set(schema, validatorFor(schema, schemasDir));
  }
  const view = (release: FhirRelease): CompiledPlan => ({
    problems,
    fhirpath(expression, body, vars = {}) {
      if (!inPlan.has(expression)) throw new Error(`FHIRPath not in the compiled plan: ${expression}`);
      return compileExpression(expression, isFhir(body) ? release : undefined)(body as object, vars);
    },
    forRelease: (r) => view(r ?? "STU3"),
    schema(path) {
      const validate = validators.get(path);
      if (!validate) throw new Error(`schema not in the compiled plan: ${path}`);
      return validate;
    },
  });
  return view("STU3");
}

function splitLocation(at: string): [string, number | undefined] {
  const m = /^(.*):(\d+)$/.exec(at);
  return m ? [m[1]!, Number(m[2])] : [at, undefined];
}
