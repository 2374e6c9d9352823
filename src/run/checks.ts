// Expectations evaluated against a response. Every check runs (soft assertions); each result names its requirement,
// what was expected and what came back.
import { isDeepStrictEqual } from "node:util";
import fhirpath from "fhirpath";
import stu3 from "fhirpath/fhir-context/stu3";
import type { Expectation, OutcomeExpectation, StepSpec } from "../suite/types.ts";
import { formatSchemaErrors, validatorFor } from "../suite/schemas.ts";
import { fhirPathTemplate } from "../plan/fhirpath-template.ts";
import { interpolate, type Lookup } from "../plan/interpolate.ts";
import type { ParsedResponse } from "./parse-response.ts";

export type CheckOutcome = "pass" | "fail" | "warn";

export interface CheckResult {
  req: string;
  /** What was expected, in words. */
  expected: string;
  outcome: CheckOutcome;
  /** What came back, when the check did not pass. */
  actual?: string;
}

const show = (v: unknown): string => (v === undefined ? "nothing" : typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v));

// Parsing a FHIRPath expression (ANTLR) costs far more than evaluating it: each is compiled once per model.
const compiled = new Map<string, (resource: object, vars?: Record<string, unknown>) => unknown[]>();

/** Evaluates `expression` (its {{templates}} read from `vars`) on a body, with the STU3 model when it is FHIR. */
export function evaluateFhirPath(body: unknown, expression: string, vars: Record<string, unknown> = {}): unknown[] {
  const isFhir = !!body && typeof body === "object" && "resourceType" in body;
  const key = `${isFhir ? "stu3" : "plain"}\u0000${expression}`;
  let fn = compiled.get(key);
  if (!fn) {
    fn = fhirpath.compile(fhirPathTemplate(expression).expression, isFhir ? stu3 : undefined) as unknown as NonNullable<typeof fn>;
    compiled.set(key, fn);
  }
  return fn(body as object, vars);
}

/**
 * Compiles, ahead of the cases, every FHIRPath expression and JSON Schema the steps use. Left to first use, the
 * compiling (ANTLR's parser warming up, Ajv generating code) lands on the first responses of a run, while the
 * longest chains of requests wait behind it.
 */
export function compileChecks(steps: Iterable<StepSpec>): void {
  for (const step of steps) {
    const expressions = [...(step.expect ?? []).flatMap((e) => ("fhirpath" in e ? [e.fhirpath] : [])), ...Object.values(step.capture ?? {}).flatMap((c) => (c.body ? [c.body] : []))];
    for (const expression of expressions) {
      for (const body of [{ resourceType: "Basic" }, {}]) {
        try {
          evaluateFhirPath(body, expression, Object.fromEntries(fhirPathTemplate(expression).names.map((n) => [n, ""])));
        } catch {
          // Evaluation on a stand-in body may fail; the compiled expression is cached all the same.
        }
      }
    }
    for (const e of step.expect ?? []) if ("schema" in e) validatorFor(e.schema);
  }
}

/** The values of an expression's {{templates}}, for evaluateFhirPath. */
export function fhirPathVariables(expression: string, lookup: Lookup): Record<string, unknown> {
  return Object.fromEntries(fhirPathTemplate(expression).names.map((name) => {
    const v = interpolate(`{{${name}}}`, lookup);
    return [name, typeof v === "object" && v !== null ? JSON.stringify(v) : v];
  }));
}

/**
 * Evaluates one expectation; an OperationOutcome shorthand gives one result per aspect it names. `vars` holds the
 * values of a FHIRPath expectation's templates (fhirPathVariables); every other field arrives interpolated.
 */
export function runExpectation(e: Expectation, res: ParsedResponse, vars?: Record<string, unknown>): CheckResult[] {
  const results = evaluate(e, res, vars);
  return e.warnOnly ? results.map((r) => (r.outcome === "fail" ? { ...r, outcome: "warn" } : r)) : results;
}

function evaluate(e: Expectation, res: ParsedResponse, vars?: Record<string, unknown>): CheckResult[] {
  const result = (expected: string, ok: boolean, actual?: unknown): CheckResult =>
    ok ? { req: e.req, expected, outcome: "pass" } : { req: e.req, expected, outcome: "fail", actual: typeof actual === "string" ? actual : show(actual) };

  if ("status" in e) {
    const allowed = Array.isArray(e.status) ? e.status : [e.status];
    return [result(`HTTP status ${allowed.join(" or ")}`, allowed.includes(res.status), String(res.status))];
  }
  if ("header" in e) {
    const values = res.headers.get(e.header.toLowerCase());
    const v = values?.[0];
    const name = e.header;
    if (e.absent) return [result(`no ${name} header`, values === undefined, `${name}: ${v}`)];
    const out = [result(`a ${name} header`, values !== undefined, "no such header")];
    if (values === undefined) return out;
    if (e.equals !== undefined) out.push(result(`${name} equals ${show(e.equals)}`, v === e.equals, v));
    if (e.matches !== undefined) out.push(result(`${name} matches /${e.matches}/`, new RegExp(e.matches).test(v!), v));
    return out;
  }
  if ("emptyBody" in e) return [result("an empty body", res.text.length === 0, `${res.text.length} bytes: ${res.text.slice(0, 200)}`)];
  if ("format" in e) {
    const want = e.format;
    if (res.format !== want) return [result(`a ${want.toUpperCase()} body (Content-Type)`, false, `Content-Type: ${res.contentType ?? "(none)"}`)];
    return [result(`a well-formed ${want.toUpperCase()} body`, res.body !== undefined, res.parseError ?? "empty body")];
  }
  // The rest need a parsed body.
  if (res.body === undefined) {
    const what = "schema" in e ? `body valid against ${e.schema}` : "fhirpath" in e ? (e.description ?? e.fhirpath) : "an OperationOutcome body";
    return [result(what, false, res.parseError ?? "an empty body")];
  }
  if ("schema" in e) {
    const validate = validatorFor(e.schema);
    const ok = validate(res.body) as boolean;
    return [result(`body valid against ${e.schema}`, ok, formatSchemaErrors(validate.errors).slice(0, 6).join("; "))];
  }
  if ("fhirpath" in e) {
    const label = e.description ?? (e.equals !== undefined ? `${e.fhirpath} = ${show(e.equals)}` : e.fhirpath);
    let got: unknown[];
    try {
      got = evaluateFhirPath(res.body, e.fhirpath, vars);
    } catch (err) {
      return [result(label, false, `FHIRPath error: ${(err as Error).message}`)];
    }
    const ok = e.equals !== undefined ? isDeepStrictEqual(got, Array.isArray(e.equals) ? e.equals : [e.equals]) : isDeepStrictEqual(got, [true]);
    return [result(label, ok, got.length === 1 ? got[0] : got)];
  }
  return outcomeChecks(e.req, e.outcome, res.body, result);
}

function outcomeChecks(
  req: string,
  o: OutcomeExpectation,
  body: unknown,
  result: (expected: string, ok: boolean, actual?: unknown) => CheckResult,
): CheckResult[] {
  const b = body as Record<string, unknown>;
  if (b.resourceType !== "OperationOutcome") return [result("an OperationOutcome", false, `resourceType ${show(b.resourceType)}`)];
  const index = o.issue ?? 0;
  const issues = Array.isArray(b.issue) ? (b.issue as Record<string, unknown>[]) : [];
  const issue = issues[index];
  if (!issue) return [result(`OperationOutcome.issue[${index}]`, false, `${issues.length} issue(s)`)];
  const details = (issue.details ?? {}) as Record<string, unknown>;
  const codings = Array.isArray(details.coding) ? (details.coding as Record<string, unknown>[]) : [];
  const coding = codings[0] ?? {};
  const out: CheckResult[] = [];
  const where = `issue[${index}]`;
  if (o.profile !== undefined) {
    const profiles = ((b.meta as Record<string, unknown> | undefined)?.profile ?? []) as unknown[];
    out.push(result(`meta.profile includes ${o.profile}`, profiles.includes(o.profile), profiles));
  }
  if (o.severity !== undefined) out.push(result(`${where}.severity = ${o.severity}`, issue.severity === o.severity, issue.severity));
  if (o.code !== undefined) out.push(result(`${where}.code = ${o.code}`, issue.code === o.code, issue.code));
  if (o.singleCoding) out.push(result(`${where}.details.coding has exactly one coding`, codings.length === 1, `${codings.length} codings`));
  if (o.system !== undefined) out.push(result(`${where}.details.coding.system = ${o.system}`, coding.system === o.system, coding.system));
  if (o.coding !== undefined) out.push(result(`${where}.details.coding.code = ${o.coding}`, coding.code === o.coding, coding.code));
  if (o.display !== undefined) {
    const display = typeof coding.display === "string" ? coding.display.toLowerCase() : undefined;
    const ok = display !== undefined && o.display.some((d) => d.toLowerCase() === display);
    const check = result(`${where}.details.coding.display is one of ${o.display.map((d) => show(d)).join(", ")} (any case)`, ok, coding.display);
    out.push(check.outcome === "fail" && o.displayMismatch === "warn" ? { ...check, outcome: "warn" } : check);
  }
  if (o.diagnostics !== undefined) out.push(result(`${where}.diagnostics = ${show(o.diagnostics)}`, issue.diagnostics === o.diagnostics, issue.diagnostics));
  if (o.diagnosticsMatches !== undefined) {
    const d = issue.diagnostics;
    out.push(result(`${where}.diagnostics matches /${o.diagnosticsMatches}/`, typeof d === "string" && new RegExp(o.diagnosticsMatches).test(d), d));
  }
  if (o.textMatches !== undefined) {
    const t = details.text;
    out.push(result(`${where}.details.text matches /${o.textMatches}/`, typeof t === "string" && new RegExp(o.textMatches).test(t), t));
  }
  if (o.noText) out.push(result(`${where}.details.text is absent`, details.text === undefined, details.text));
  return out.map((r) => ({ ...r, req }));
}
