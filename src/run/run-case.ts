// Runs one planned case: its steps in order, every expectation of each (soft), captures between steps, and its
// teardown whatever happened. Knows nothing of Allure or vitest: it returns a result that the caller redacts and
// reports.
import { randomUUID } from "node:crypto";
import type { TargetName } from "../config/load-config.ts";
import type { PlannedCase } from "../plan/plan.ts";
import { buildBody } from "../plan/build-body.ts";
import { interpolate, InterpolationError, type Lookup } from "../plan/interpolate.ts";
import { spineJwt } from "../plan/spine-jwt.ts";
import type { Expectation, StepSpec } from "../suite/types.ts";
import { evaluateFhirPath, fhirPathVariables, runExpectation, type CheckResult } from "./checks.ts";
import type { Exchange, HttpTarget, OutgoingRequest } from "./http-client.ts";
import { parseResponse, type ParsedResponse } from "./parse-response.ts";

export type CaseStatus = "passed" | "failed" | "broken" | "not-applicable";
export type StepStatus = "passed" | "failed" | "broken" | "skipped" | "blocked";

export interface StepResult {
  name: string;
  phase: "main" | "teardown";
  status: StepStatus;
  exchange?: Exchange;
  checks: CheckResult[];
  /** Why a step was skipped, blocked or broken. */
  note?: string;
  /** Set when the response showed the case does not apply to this target. */
  notApplicable?: string;
}

export interface CaseResult {
  key: string;
  status: CaseStatus;
  /** Why the case is not applicable, or what broke it. */
  reason?: string;
  steps: StepResult[];
  startedAt: number;
  durationMs: number;
  /** Values captured as secrets; the caller redacts them. Never serialised as such. */
  capturedSecrets: string[];
}

export interface RunContext {
  targets: Record<TargetName, { baseUrl: string; http: HttpTarget }>;
  /** Configuration values, offered to templates by name. */
  config: Readonly<Record<string, string>>;
  fixturesDir: string;
}

export async function runCase(planned: PlannedCase, ctx: RunContext): Promise<CaseResult> {
  let pc = planned;
  const startedAt = Date.now();
  const finish = (status: CaseStatus, steps: StepResult[], reason?: string): CaseResult => ({
    key: pc.key, status, reason, steps, startedAt, durationMs: Date.now() - startedAt, capturedSecrets,
  });
  const capturedSecrets: string[] = [];
  if (pc.notApplicable) return finish("not-applicable", [], pc.notApplicable);

  const target = ctx.targets[pc.target];
  // {{caseUuid}}: one value for the whole case, so its steps can recognise what it created among other cases'.
  const captures: Record<string, string> = {};
  const caseUuid = randomUUID();
  // Case variables may hold templates of configuration and generators (an each-value naming {{NRLS_FROM_ASID}}).
  const resolvedVars = interpolate(pc.vars, (n) => (n in ctx.config ? ctx.config[n] : n === "caseUuid" ? caseUuid : n === "uuid" ? randomUUID() : n === "now" ? new Date().toISOString() : undefined));
  pc = { ...pc, vars: resolvedVars };
  const steps: StepResult[] = [];
  let status: CaseStatus = "passed";
  let reason: string | undefined;

  for (const spec of pc.steps) {
    const step = await runStep(spec, "main", pc, ctx, target.baseUrl, captures, capturedSecrets, caseUuid);
    steps.push(step);
    if (step.notApplicable) {
      status = "not-applicable";
      reason = step.notApplicable;
      break;
    }
    if (step.status === "broken") {
      status = "broken";
      reason = `${spec.name}: ${step.note}`;
      break;
    }
    if (step.status === "failed" || step.status === "blocked") status = "failed";
  }
  // Teardown always runs, even after a failure or a broken step, so the target is left as it was found.
  for (const spec of pc.teardown) steps.push(await runStep(spec, "teardown", pc, ctx, target.baseUrl, captures, capturedSecrets, caseUuid));
  return finish(status, steps, reason);
}

async function runStep(
  spec: StepSpec,
  phase: StepResult["phase"],
  pc: PlannedCase,
  ctx: RunContext,
  baseUrl: string,
  captures: Record<string, string>,
  capturedSecrets: string[],
  caseUuid: string,
): Promise<StepResult> {
  const missing = (spec.when ?? []).filter((name) => captures[name] === undefined);
  if (missing.length) return { name: spec.name, phase, status: "skipped", checks: [], note: `nothing to do: ${missing.join(", ")} not captured` };

  let request: OutgoingRequest;
  let expectations: { e: Expectation; vars?: Record<string, unknown> }[];
  const lookup = makeLookup(pc, ctx, baseUrl, captures, caseUuid);
  try {
    request = buildRequest(spec, ctx, baseUrl, lookup, pc.defaultHeaders);
    // A FHIRPath expression keeps its templates: their values go in as FHIRPath variables (fhirpath-template.ts).
    expectations = (spec.expect ?? []).map((e) => ("fhirpath" in e
      ? { e: { ...interpolate({ ...e, fhirpath: "" }, lookup), fhirpath: e.fhirpath }, vars: fhirPathVariables(e.fhirpath, lookup) }
      : { e: interpolate(e, lookup) }));
  } catch (err) {
    // A capture an earlier step should have provided is missing: the checks of this step cannot be made.
    const note = err instanceof InterpolationError ? `could not build the request: ${err.message} (an earlier step did not provide it)` : `could not build the request: ${(err as Error).message}`;
    const checks = (spec.expect ?? []).map((e): CheckResult => ({ req: e.req, expected: describeExpectation(e), outcome: "fail", actual: `not checked: ${note}` }));
    return { name: spec.name, phase, status: "blocked", checks, note };
  }

  const exchange = await ctx.targets[pc.target].http.send(request);
  if (exchange.error) return { name: spec.name, phase, status: "broken", exchange, checks: [], note: exchange.error.message };
  const res = parseResponse(exchange.response!);

  if (spec.notApplicableIf?.status.includes(res.status)) {
    const why = `${spec.notApplicableIf.reason} (HTTP ${res.status})`;
    return { name: spec.name, phase, status: "skipped", exchange, checks: [], note: `not applicable: ${why}`, notApplicable: why };
  }
  const checks = expectations.flatMap(({ e, vars }) => runExpectation(e, res, vars));
  for (const [name, cap] of Object.entries(spec.capture ?? {})) {
    const value = capture(cap, res, lookup);
    if (value !== undefined) {
      captures[name] = value;
      if (cap.secret) capturedSecrets.push(value);
    }
  }
  return { name: spec.name, phase, status: checks.some((c) => c.outcome === "fail") ? "failed" : "passed", exchange, checks };
}

function makeLookup(pc: PlannedCase, ctx: RunContext, baseUrl: string, captures: Record<string, string>, caseUuid: string): Lookup {
  return (name) => {
    if (name in pc.vars) return pc.vars[name];
    if (name in captures) return captures[name];
    if (name in ctx.config) return ctx.config[name];
    if (name === "uuid") return randomUUID();
    if (name === "caseUuid") return caseUuid;
    if (name === "now") return new Date().toISOString();
    if (name === "target") return baseUrl;
    return undefined;
  };
}

function buildRequest(spec: StepSpec, ctx: RunContext, baseUrl: string, base: Lookup, defaults: Record<string, string>): OutgoingRequest {
  const req = spec.request;
  const url = req.url !== undefined ? String(interpolate(req.url, base)) : baseUrl.replace(/\/$/, "") + String(interpolate(req.path!, base));
  let lookup = base;
  if (req.jwt) {
    const jwt = spineJwt(interpolate(req.jwt, base), {
      fromAsid: ctx.config.NRLS_FROM_ASID ?? "",
      ods: ctx.config.NRLS_CUSTODIAN_ODS ?? "",
      audience: baseUrl,
    });
    lookup = (name) => (name === "jwt" ? jwt : base(name));
  }
  const full = new URL(url);
  for (const [k, v] of Object.entries(interpolate(req.query ?? {}, lookup))) full.searchParams.append(k, v);
  const headers: [string, string][] = [];
  // The step's headers (names too) are interpolated before they override the defaults; a null value, written or
  // interpolated, leaves the header out.
  const merged: Record<string, unknown> = { ...interpolate(defaults, lookup), ...interpolate(req.headers ?? {}, lookup) };
  for (const [name, value] of Object.entries(merged)) if (value !== null && value !== undefined) headers.push([name, String(value)]);
  const body = req.body ? buildBody(interpolate(req.body, lookup), ctx.fixturesDir) : undefined;
  return { method: req.method, url: full.toString(), headers, body };
}

function capture(cap: NonNullable<StepSpec["capture"]>[string], res: ParsedResponse, lookup: Lookup): string | undefined {
  let value: string | undefined;
  if (cap.header) value = res.headers.get(cap.header.toLowerCase())?.[0];
  else if (cap.body && res.body !== undefined) {
    try {
      const got = evaluateFhirPath(res.body, cap.body, fhirPathVariables(cap.body, lookup))[0];
      value = got === undefined || got === null ? undefined : String(got);
    } catch {
      value = undefined;
    }
  }
  if (value === undefined || !cap.pattern) return value || undefined;
  const m = new RegExp(cap.pattern).exec(value);
  return m ? (m[1] ?? m[0]) : undefined;
}

function describeExpectation(e: NonNullable<StepSpec["expect"]>[number]): string {
  const { req: _req, warnOnly: _w, ...rest } = e;
  return JSON.stringify(rest);
}
