// A check of a response, evaluated: every check runs (soft assertions), and each result names its requirement, what
// was expected, what came back, and where the check was written. FHIRPath and schemas come compiled from the plan.
import { isDeepStrictEqual } from "node:util";
import type { CompiledPlan } from "../plan/compile-plan.ts";
import { bareMediaType } from "../fhir/media-types.ts";
import { operationOutcomeChecks } from "./operation-outcome-check.ts";
import type { CheckOutcome } from "../model/status.ts";
import { formatSchemaErrors } from "../suite/schemas.ts";
import type { Expectation, SourceLocation } from "../suite/types.ts";
import type { ParsedResponse } from "./parse-response.ts";
import { boundedTest } from "./bounded-regex.ts";

export interface CheckResult {
  /** The requirement this check gives evidence for. */
  requirement: string;
  /** What was expected, in words. */
  expected: string;
  outcome: CheckOutcome;
  /** What came back, when the check did not pass. */
  actual?: string;
  /** The suite file and line that wrote the check. */
  at: SourceLocation;
  /** Set when the target answered in a documented other way (RULES.md revision 2) the check names as a variant. */
  variant?: VariantUse;
}

/**
 * A documented variant a check accepted (outcome pass) or warned about (outcome warn), with its source; or an answer
 * for another reason than the rule's, which the test data caused (outcome unsuitable, naming the variable to change).
 */
export interface VariantUse {
  name: string;
  outcome: "accepted" | "warning" | "unsuitable";
  /** For unsuitable: the test-data variable. */
  variable?: string;
  /** `file § section` under ../shared/spec. */
  source: string;
}

const show = (v: unknown): string => (v === undefined ? "nothing" : typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v));

/**
 * Evaluates one check; an OperationOutcome shorthand gives one result per aspect it names. `vars` holds the values of
 * a FHIRPath check's templates (fhirPathVariables); every other field arrives interpolated.
 */
export function evaluateCheck(e: Expectation, at: SourceLocation, res: ParsedResponse, compiled: CompiledPlan, vars?: Record<string, unknown>): CheckResult[] {
  const results = withVariants(e, evaluate(e, at, res, compiled, vars), at, res, compiled, vars);
  return e.warnOnly ? results.map((r) => (r.outcome === "fail" ? { ...r, outcome: "warn" } : r)) : results;
}

/**
 * A check that did not pass is tried against its documented variants, in order. A variant restates the whole check
 * the other documented way; the first that holds in every aspect turns the check's failed or warned aspects into an
 * accepted pass (or a warning), each still saying what the rule expected and what came back, and naming the variant
 * and its source. No variant holding, the result stands.
 */
function withVariants(e: Expectation, results: CheckResult[], at: SourceLocation, res: ParsedResponse, compiled: CompiledPlan, vars?: Record<string, unknown>): CheckResult[] {
  if (!e.variants || results.every((r) => r.outcome === "pass")) return results;
  for (const v of e.variants) {
    if (!evaluate({ ...v.expect, req: e.req } as Expectation, at, res, compiled, vars).every((r) => r.outcome === "pass")) continue;
    return answeredAs(results, variantUse(v));
  }
  return results;
}

export function variantUse(v: { name: string; outcome: VariantUse["outcome"]; variable?: string; source: { file: string; section: string } }): VariantUse {
  return { name: v.name, outcome: v.outcome, ...(v.variable ? { variable: v.variable } : {}), source: `${v.source.file} § ${v.source.section}` };
}

const VARIANT_CHECK_OUTCOME: Record<VariantUse["outcome"], CheckOutcome> = { accepted: "pass", warning: "warn", unsuitable: "unsuitable" };

/** Results as the target answered them the documented other way: what did not pass is accepted (or warns), naming it. */
export function answeredAs(results: CheckResult[], variant: VariantUse): CheckResult[] {
  return results.map((r) => (r.outcome !== "pass" ? { ...r, outcome: VARIANT_CHECK_OUTCOME[variant.outcome], variant } : r));
}

/** Is `status` one of `allowed`: a status, or a class ("4xx")? */
export function statusAllowed(allowed: readonly (number | string)[], status: number): boolean {
  return allowed.some((s) => (typeof s === "number" ? s === status : String(status)[0] === s[0]));
}

function evaluate(e: Expectation, at: SourceLocation, res: ParsedResponse, compiled: CompiledPlan, vars?: Record<string, unknown>): CheckResult[] {
  const result = (expected: string, ok: boolean, actual?: unknown): CheckResult =>
    ok ? { requirement: e.req, expected, outcome: "pass", at } : { requirement: e.req, expected, outcome: "fail", actual: typeof actual === "string" ? actual : show(actual), at };

  if ("status" in e) {
    const allowed = Array.isArray(e.status) ? e.status : [e.status];
    return [result(`HTTP status ${allowed.join(" or ")}`, statusAllowed(allowed, res.status), String(res.status))];
  }
  if ("header" in e) {
    const values = res.headers.get(e.header.toLowerCase());
    const v = values?.[0];
    const name = e.header;
    if (e.absent) return [result(`no ${name} header`, values === undefined, `${name}: ${v}`)];
    const out = [result(`a ${name} header`, values !== undefined, "no such header")];
    if (values === undefined) return out;
    if (e.once) out.push(result(`exactly one ${name} header`, values.length === 1, `${values.length} ${name} headers`));
    if (e.equals !== undefined) out.push(result(`${name} equals ${show(e.equals)}`, v === e.equals, v));
    if (e.matches !== undefined) out.push(result(`${name} matches /${e.matches}/`, boundedTest(e.matches, v!), v));
    // Media types compare as HTTP defines them: case-insensitive, parameters (charset) allowed.
    if (e.mediaType !== undefined) out.push(result(`${name} is ${e.mediaType}`, bareMediaType(v!) === e.mediaType.toLowerCase(), v));
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
    const validate = compiled.schema(e.schema);
    const ok = validate(res.body) as boolean;
    return [result(`body valid against ${e.schema}`, ok, formatSchemaErrors(validate.errors).slice(0, 6).join("; "))];
  }
  if ("fhirpath" in e) {
    const label = e.description ?? (e.equals !== undefined ? `${e.fhirpath} = ${show(e.equals)}` : e.fhirpath);
    let got: unknown[];
    try {
      got = compiled.fhirpath(e.fhirpath, res.body, vars);
    } catch (err) {
      return [result(label, false, `FHIRPath error: ${(err as Error).message}`)];
    }
    const ok = e.equals !== undefined ? isDeepStrictEqual(got, Array.isArray(e.equals) ? e.equals : [e.equals]) : isDeepStrictEqual(got, [true]);
    return [result(label, ok, got.length === 1 ? got[0] : got)];
  }
  return operationOutcomeChecks(e.outcome, res.body, result, (r) => ({ ...r, outcome: "warn" }));
}
