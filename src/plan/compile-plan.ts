// The plan's checks, compiled once in the process that runs them: every FHIRPath expression (against the STU3 model
// for FHIR bodies, plain for other JSON) and every body schema. What does not compile is a suite problem named by the
// file and line that wrote it, so validating suites and preparing to run them are the same work.
import fhirpath from "fhirpath";
import stu3 from "fhirpath/fhir-context/stu3";
import type { ValidateFunction } from "ajv";
import type { Plan } from "./make-plan.ts";
import { compileSchemaFile, validatorFor } from "../suite/schemas.ts";
import type { SuiteProblem } from "../suite/suite-problems.ts";
import { fhirPathTemplate } from "../template/template.ts";
import { join } from "node:path";
import { PROJECT_ROOT } from "../project-root.ts";

type Evaluator = (resource: object, vars?: Record<string, unknown>) => unknown[];

export interface CompiledPlan {
  /** Evaluates a compiled expression (its templates read from `vars`), with the STU3 model when the body is FHIR. */
  fhirpath(expression: string, body: unknown, vars?: Record<string, unknown>): unknown[];
  /** The validator of a body schema, by its path under schemas/. */
  schema(path: string): ValidateFunction;
  /** What did not compile; a plan with problems must not run. */
  problems: SuiteProblem[];
}

const isFhir = (body: unknown) => !!body && typeof body === "object" && "resourceType" in body;

export function compilePlan(plan: Pick<Plan, "checks">, schemasDir = join(PROJECT_ROOT, "schemas")): CompiledPlan {
  const problems: SuiteProblem[] = [];
  const problem = (at: string, path: string, message: string) => {
    const [file, line] = splitLocation(at);
    problems.push({ file, line, path, message });
  };
  const evaluators = new Map<string, { fhir: Evaluator; plain: Evaluator }>();
  for (const { expression, at } of plan.checks.fhirpath) {
    if (evaluators.has(expression)) continue;
    try {
      const source = fhirPathTemplate(expression).expression;
      evaluators.set(expression, {
        fhir: fhirpath.compile(source, stu3) as unknown as Evaluator,
        plain: fhirpath.compile(source) as unknown as Evaluator,
      });
    } catch (err) {
      problem(at, "fhirpath", `FHIRPath does not compile: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  const validators = new Map<string, ValidateFunction>();
  for (const { schema, at } of plan.checks.schemas) {
    if (validators.has(schema)) continue;
    const trouble = compileSchemaFile(join(schemasDir, schema), schemasDir);
    if (trouble) problem(at, "schema", trouble);
    else validators.set(schema, validatorFor(schema, schemasDir));
  }
  return {
    problems,
    fhirpath(expression, body, vars = {}) {
      const compiled = evaluators.get(expression);
      if (!compiled) throw new Error(`FHIRPath not in the compiled plan: ${expression}`);
      return (isFhir(body) ? compiled.fhir : compiled.plain)(body as object, vars);
    },
    schema(path) {
      const validate = validators.get(path);
      if (!validate) throw new Error(`schema not in the compiled plan: ${path}`);
      return validate;
    },
  };
}

function splitLocation(at: string): [string, number | undefined] {
  const m = /^(.*):(\d+)$/.exec(at);
  return m ? [m[1]!, Number(m[2])] : [at, undefined];
}
