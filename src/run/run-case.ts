// Runs one planned case: its steps in order, every check of each (soft), captures between steps, and its teardown
// whatever happened. Knows nothing of Allure or vitest: it returns a result that runPlan redacts and reports.
import { randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";
import type { CompiledPlan } from "../plan/compile-plan.ts";
import type { PlannedCase } from "../plan/make-plan.ts";
import type { CaseStatus, StepStatus } from "../model/status.ts";
import { describeExpectation, type Capture, type LoadedCheck, type LoadedStep } from "../suite/types.ts";
import type { TargetName } from "../targets.ts";
import { displayLookupIn, lookupIn, type Scope } from "../template/scope.ts";
import { fhirPathVariables, interpolate, interpolateForDisplay, InterpolationError, type Lookup } from "../template/template.ts";
import { SECRET_VARIABLES } from "../config/variables.ts";
import { decodedBearer } from "../spine/jwt.ts";
import { buildRequest } from "./build-request.ts";
import { boundedExec, boundedTest, SuitePatternError } from "./bounded-regex.ts";
import { answeredAs, evaluateCheck, statusAllowed, variantUse, type CheckResult, type VariantUse } from "./evaluate-check.ts";
import type { Exchange, HttpTarget, OutgoingRequest } from "./http-client.ts";
import { parseResponse, type ParsedResponse } from "./parse-response.ts";

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
  /** Set when the whole step was answered a documented other way: the case's later steps did not run. */
  answeredAs?: { variant: VariantUse; reason: string };
}

export interface CaseResult {
  key: string;
  status: CaseStatus;
  /** Why the case is not applicable, or what broke it. */
  reason?: string;
  steps: StepResult[];
  startedAt: number;
  durationMs: number;
  /** Values the case captured as secrets (session keys); runPlan redacts them and drops this list. */
  secrets: string[];
  /** The run was asked to stop before this case's last step: the steps after its current request did not run. */
  stopped?: boolean;
}

export interface CaseContext {
  /** Every target the plan's applicable cases name (a run may leave others out: their cases are not-applicable). */
  targets: Partial<Record<TargetName, { baseUrl: string; extraHosts?: string[]; http: HttpTarget }>>;
  /** Configuration values, offered to templates by name. */
  config: Readonly<Record<string, string>>;
  fixturesDir: string;
  compiled: CompiledPlan;
  /** Has the run been asked to stop? Checked after each step. */
  stopped?: () => boolean;
  /** Where to journal what the case captured for its teardown to remove, until the teardown has run. */
  leftJournal?: string;
}

export async function runCase(planned: PlannedCase, given: CaseContext): Promise<CaseResult> {
  // Its FHIR bodies are read with the model of its API's FHIR release.
  const ctx: CaseContext = { ...given, compiled: given.compiled.forRelease(planned.fhirRelease) };
  const startedAt = Date.now();
  const secrets: string[] = [];
  const finish = (status: CaseStatus, steps: StepResult[], reason?: string): CaseResult => ({
    key: planned.key, status, reason, steps, startedAt, durationMs: Date.now() - startedAt, secrets,
  });
  if (planned.notApplicable) return finish("not-applicable", [], planned.notApplicable);

  const target = ctx.targets[planned.target];
  if (!target) throw new Error(`no target opened for ${planned.target}, which case ${planned.key} needs`);
  const generators = { caseUuid: randomUUID(), target: target.baseUrl };
  // Case variables may hold templates of configuration and generators (an each-value naming {{NRLS_FROM_ASID}}).
  const vars = interpolate(planned.vars, lookupIn({ config: ctx.config, generators }));
  const scope: Scope = { vars, captures: {}, config: ctx.config, generators };
  const captures = scope.captures as Record<string, string>;
  const steps: StepResult[] = [];
  let status: CaseStatus = "passed";
  let reason: string | undefined;

  // What teardown would remove (the captures its steps wait for), journalled while it is on the target.
  const cleanedBy = new Set(planned.teardown.flatMap((t) => t.when ?? []));
  const secretCaptures = new Set([...planned.steps, ...planned.teardown].flatMap((st) => Object.entries(st.capture ?? {}).filter(([, c]) => c.secret).map(([name]) => name)));
  // Titles and expectations as sent: every non-secret template filled in, so a reader sees which claim was left out.
  const shown = displayLookupIn(scope, new Set([...SECRET_VARIABLES, ...secretCaptures, "jwt"]));
  const runShown = async (spec: LoadedStep, phase: StepResult["phase"]): Promise<StepResult> => {
    const r = await runStep(spec, phase, planned, scope, ctx, captures, secrets);
    return { ...r, name: interpolateForDisplay(r.name, shown), checks: r.checks.map((c) => ({ ...c, expected: interpolateForDisplay(c.expected, shown) })) };
  };
  const journalled = new Set<string>();
  let stopped = false;
  for (const [i, spec] of planned.steps.entries()) {
    if (i > 0 && ctx.stopped?.()) {
      stopped = true;
      reason = `the run was stopped before "${spec.name}": its later steps did not run; its teardown ran`;
      break;
    }
    const step = await runShown(spec, "main");
    steps.push(step);
    if (ctx.leftJournal) {
      for (const name of cleanedBy) {
        if (captures[name] === undefined || journalled.has(name)) continue;
        journalled.add(name);
        appendFileSync(ctx.leftJournal, `${JSON.stringify({ case: planned.key, name, value: secretCaptures.has(name) ? undefined : captures[name] })}\n`);
      }
    }
    if (step.notApplicable) {
      status = "not-applicable";
      reason = step.notApplicable;
      break;
    }
    if (step.status === "broken") {
      status = "broken";
      reason = `${step.name}: ${step.note}`;
      break;
    }
    if (step.status === "failed" || step.status === "blocked") status = "failed";
    if (step.answeredAs) break;
  }
  // Teardown always runs, even after a failure, a broken step or a stop, so the target is left as it was found.
  for (const spec of planned.teardown) steps.push(await runShown(spec, "teardown"));
  if (ctx.leftJournal && journalled.size) appendFileSync(ctx.leftJournal, `${JSON.stringify({ case: planned.key, done: true })}\n`);
  return { ...finish(status, steps, reason), ...(stopped ? { stopped } : {}) };
}

async function runStep(
  step: LoadedStep,
  phase: StepResult["phase"],
  pc: PlannedCase,
  scope: Scope,
  ctx: CaseContext,
  captures: Record<string, string>,
  secrets: string[],
): Promise<StepResult> {
  const missing = (step.when ?? []).filter((name) => captures[name] === undefined);
  if (missing.length) return { name: step.name, phase, status: "skipped", checks: [], note: `nothing to do: ${missing.join(", ")} not captured` };

  let request: OutgoingRequest;
  let checks: { e: LoadedCheck; vars?: Record<string, unknown> }[];
  const lookup = lookupIn(scope);
  try {
    request = buildRequest(step, pc, scope, ctx.fixturesDir);
    checks = step.expect.map((e) => prepareCheck(e, lookup));
  } catch (err) {
    // A capture an earlier step should have provided is missing: the checks of this step cannot be made.
    const note = err instanceof InterpolationError ? `could not build the request: ${err.message} (an earlier step did not provide it)` : `could not build the request: ${(err as Error).message}`;
    const blocked = step.expect.map((e): CheckResult => ({ requirement: e.req, expected: describeExpectation(e), outcome: "fail", actual: `not checked: ${note}`, at: e.at }));
    return { name: step.name, phase, status: "blocked", checks: blocked, note };
  }

  // A request goes only to the target's own origin (or a host configured for it): a Location naming any other host
  // would otherwise receive the read JWT over the client's mutual-TLS identity.
  const target = ctx.targets[pc.target]!;
  const offTarget = offTargetHost(request.url, target);
  if (offTarget) {
    const note = `not requested: ${offTarget}`;
    const blocked = step.expect.map((e): CheckResult => ({ requirement: e.req, expected: describeExpectation(e), outcome: "fail", actual: note, at: e.at }));
    return { name: step.name, phase, status: "blocked", checks: blocked, note };
  }
  const sent = await target.http.send(request);
  const jwt = decodedBearer(request.headers);
  const exchange = jwt ? { ...sent, jwt } : sent;
  if (exchange.error) return { name: step.name, phase, status: "broken", exchange, checks: [], note: exchange.error.message };
  const res = parseResponse(exchange.response!);

  if (step.notApplicableIf?.status.includes(res.status)) {
    const why = `${step.notApplicableIf.reason} (HTTP ${res.status})`;
    return { name: step.name, phase, status: "skipped", exchange, checks: [], note: `not applicable: ${why}`, notApplicable: why };
  }
  let results: CheckResult[];
  let other: ReturnType<typeof answeredOtherWay>;
  try {
    results = checks.flatMap(({ e, vars }) => evaluateCheck(e, e.at, res, ctx.compiled, vars));
    for (const [name, cap] of Object.entries(step.capture ?? {})) {
      const value = capture(cap, res, lookup, ctx.compiled, exchange.request.url);
      if (value !== undefined) {
        captures[name] = value;
        if (cap.secret) secrets.push(value);
      }
    }
    other = answeredOtherWay(step, pc, res, lookup);
  } catch (err) {
    // The suite's own check could not be evaluated (a pattern invalid after interpolation, or one that never ends), or
    // the response could not be (nested beyond what a checker can walk): the step is broken, saying which, and the
    // teardown still runs.
    const note = err instanceof SuitePatternError ? err.message : `the response could not be checked: ${(err as Error).message}`;
    return { name: step.name, phase, status: "broken", exchange, checks: [], note: `${note} (step at ${step.at})` };
  }
  if (other) {
    const answered = { variant: variantUse(other), reason: other.reason };
    // What a check saw means little without the status that told the variant ("false, in an HTTP 403 answer").
    const mine = results.filter((c) => other.rules.includes(c.requirement))
      .map((c) => (c.outcome === "pass" || c.actual === String(res.status) ? c : { ...c, actual: `${c.actual}, in an HTTP ${res.status} answer` }));
    const kept = answeredAs(mine, answered.variant);
    return { name: step.name, phase, status: "passed", exchange, checks: kept, note: `answered as documented variant ${other.name}: ${other.reason}`, answeredAs: answered };
  }
  return { name: step.name, phase, status: results.some((c) => c.outcome === "fail") ? "failed" : "passed", exchange, checks: results };
}

/**
 * The documented variant the whole step was answered by, if any (a JWT signature not validated: the pointer was
 * created): the step's own variants first, then the suite's, which answer every requirement the step checks.
 */
function answeredOtherWay(step: LoadedStep, pc: PlannedCase, res: ParsedResponse, lookup: Lookup) {
  const told = (v: { status: (number | string)[]; diagnosticsMatches?: string }) => statusAllowed(v.status, res.status) &&
    (!v.diagnosticsMatches || diagnosticsOf(res).some((d) => boundedTest(String(interpolate(v.diagnosticsMatches!, lookup)), d)));
  const shared = pc.defaultVariants?.find(told);
  return step.variants?.find(told) ?? (shared && { ...shared, rules: [...new Set(step.expect.map((e) => e.req))] });
}

/**
 * A check with its templates filled in, except in FHIRPath expressions (its own and its variants'), which keep theirs:
 * their values go in as FHIRPath variables (template.ts).
 */
function prepareCheck(e: LoadedCheck, lookup: Lookup): { e: LoadedCheck; vars?: Record<string, unknown> } {
  const fill = <T extends object>(x: T): T => ("fhirpath" in x ? { ...interpolate({ ...x, fhirpath: "" }, lookup), fhirpath: x.fhirpath } : interpolate(x, lookup));
  const expressions = [e, ...(e.variants ?? []).map((v) => v.expect)].flatMap((x) => ("fhirpath" in x ? [x.fhirpath] : []));
  const filled = { ...fill({ ...e, variants: undefined }), at: e.at, variants: e.variants?.map((v) => ({ ...v, expect: fill(v.expect) })) } as LoadedCheck;
  return { e: filled, vars: expressions.length ? Object.assign({}, ...expressions.map((x) => fhirPathVariables(x, lookup))) : undefined };
}

function capture(cap: Capture, res: ParsedResponse, lookup: Lookup, compiled: CompiledPlan, requestUrl: string): string | undefined {
  const value = captured(cap, res, lookup, compiled);
  if (value === undefined) return undefined;
  if (cap.url) {
    // A relative reference resolves against the request's URL (RFC 9110 §10.2.2); one that cannot is kept as sent.
    try {
      return new URL(value, requestUrl).href;
    } catch {
      return value;
    }
  }
  if (cap.decode) {
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return value;
}

function captured(cap: Capture, res: ParsedResponse, lookup: Lookup, compiled: CompiledPlan): string | undefined {
  let value: string | undefined;
  if (cap.header) value = res.headers.get(cap.header.toLowerCase())?.[0];
  else if (cap.body && res.body !== undefined) {
    try {
      const got = compiled.fhirpath(cap.body, res.body, fhirPathVariables(cap.body, lookup))[0];
      value = got === undefined || got === null ? undefined : String(got);
    } catch {
      value = undefined;
    }
  }
  if (value === undefined || !cap.pattern) return value || undefined;
  const m = boundedExec(cap.pattern, value);
  return m ? (m[1] ?? m[0]) : undefined;
}

/** Why a URL is not the target's to request, or undefined when it is (same origin, or a host configured for it). */
export function offTargetHost(url: string, target: { baseUrl: string; extraHosts?: string[] }): string | undefined {
  const to = new URL(url);
  const own = new URL(target.baseUrl);
  if (to.origin === own.origin) return undefined;
  const port = to.port || (to.protocol === "https:" ? "443" : "80");
  const allowed = (target.extraHosts ?? []).some((h) => h === to.hostname.toLowerCase() || h === `${to.hostname.toLowerCase()}:${port}`);
  if (allowed && to.protocol === own.protocol) return undefined;
  return `${url} is on ${to.host}, not the target's own origin ${own.origin}${allowed ? " (its host is allowed, but not over " + to.protocol.slice(0, -1) + ")" : ""}; list the host in NRLS_LOCATION_HOSTS if it is a Spine proxy you trust with this identity`;
}

/** The diagnostics of an OperationOutcome answer (JSON, or XML converted), for telling one answer from another. */
function diagnosticsOf(res: ParsedResponse): string[] {
  const issues = (res.body as { issue?: unknown } | undefined)?.issue;
  return Array.isArray(issues) ? issues.flatMap((i) => (typeof (i as { diagnostics?: unknown })?.diagnostics === "string" ? [(i as { diagnostics: string }).diagnostics] : [])) : [];
}
