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
import { fhirPathVariables, holdsTemplate, interpolate, interpolateForDisplay, InterpolationError, type Lookup } from "../template/template.ts";
import { SECRET_VARIABLES } from "../config/variables.ts";
import { decodedBearer } from "../spine/jwt.ts";
import { buildRequest } from "./build-request.ts";
import type { Fixtures } from "./build-body.ts";
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

/** A step as run: with the pages after the first of a paged answer (follow: next, each named "page N (link next)"),
 * which runCase lists after it, under the step's own name. */
type StepRun = StepResult & { followed?: StepResult[] };

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
  /** The run's fixtures, each read once for the run. */
  fixtures: Fixtures;
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
  // What teardown would remove (the captures its steps wait for), journalled while it is on the target.
  const cleanedBy = new Set(planned.teardown.flatMap((t) => t.when ?? []));
  const secretCaptures = new Set([...planned.steps, ...planned.teardown].flatMap((st) => Object.entries(st.capture ?? {}).filter(([, c]) => c.secret).map(([name]) => name)));
  // A case walking the reused-connection path, and each copy of a concurrent case, has a connection of its own.
  const count = planned.copies ?? 1;
  const own = planned.connection === "reused" || count > 1;
  const copies = Array.from({ length: count }, (_, i): Copy => {
    const generators = { caseUuid: randomUUID(), target: target.baseUrl };
    // Case variables may hold templates of configuration and generators (an each-value naming {{NRLS_FROM_ASID}}).
    const vars = interpolate(planned.vars, lookupIn({ config: ctx.config, generators }));
    const scope: Scope = { vars, captures: {}, config: ctx.config, generators };
    return {
      label: count > 1 ? `[copy ${i + 1} of ${count}] ` : "",
      scope,
      captures: scope.captures as Record<string, string>,
      journalled: new Set(),
      http: own ? target.http.ownConnection() : target.http,
      // Titles and expectations as sent: every non-secret template filled in, so a reader sees which claim was left out.
      shown: displayLookupIn(scope, new Set([...SECRET_VARIABLES, ...secretCaptures, "jwt"])),
    };
  });
  const runShown = async (copy: Copy, spec: LoadedStep, phase: StepResult["phase"]): Promise<StepRun> => {
    const r = await runStep(spec, phase, planned, copy, ctx, secrets);
    // A request sent twice says so beside its answer: the first try met a closed connection, not the target's answer.
    const retried = r.exchange?.retried && !r.note ? { note: `sent twice: the first try got no answer (${r.exchange.retried})` } : {};
    return { ...r, ...retried, name: copy.label + interpolateForDisplay(r.name, copy.shown), checks: r.checks.map((c) => ({ ...c, expected: interpolateForDisplay(c.expected, copy.shown) })) };
  };
  // A step and the pages it followed, in the order they were sent.
  const flat = (rs: StepRun[]): StepResult[] => rs.flatMap(({ followed, ...r }) => [r, ...(followed ?? []).map((p) => ({ ...p, name: `${r.name}: ${p.name}` }))]);
  const journal = (copy: Copy) => {
    if (!ctx.leftJournal) return;
    for (const name of cleanedBy) {
      if (copy.captures[name] === undefined || copy.journalled.has(name)) continue;
      copy.journalled.add(name);
      appendFileSync(ctx.leftJournal, `${JSON.stringify({ case: planned.key, name: copy.label + name, value: secretCaptures.has(name) ? undefined : copy.captures[name] })}\n`);
    }
  };
  const steps: StepResult[] = [];
  let status: CaseStatus = "passed";
  let reason: string | undefined;
  let stopped = false;
  try {
    let openedByPrimer: number | undefined;
    for (const [i, spec] of planned.steps.entries()) {
      if (i > 0 && ctx.stopped?.()) {
        stopped = true;
        reason = `the run was stopped before "${spec.name}": its later steps did not run; its teardown ran`;
        break;
      }
      // Every copy sends this step together, and the next step waits for all of them: creates are concurrent, and
      // every read-back comes before any copy's teardown.
      const done = await Promise.all(copies.map((copy) => runShown(copy, spec, "main")));
      steps.push(...flat(done));
      copies.forEach(journal);
      const notApplicable = done.find((st) => st.notApplicable);
      if (notApplicable) {
        status = "not-applicable";
        reason = notApplicable.notApplicable;
        break;
      }
      const broken = done.find((st) => st.status === "broken");
      if (broken) {
        status = "broken";
        reason = `${broken.name}: ${broken.note}`;
        break;
      }
      if (done.some((st) => st.status === "failed" || st.status === "blocked")) status = "failed";
      if (done.some((st) => st.answeredAs)) break;
      // The reused-connection path: the request after the primer must go on the primer's connection. A target that
      // closed it (Connection: close) has no such path to walk, which is no fault of its own.
      if (planned.connection === "reused" && i === 0) openedByPrimer = copies[0]!.http.connectionsOpened();
      if (planned.connection === "reused" && i === 1 && openedByPrimer !== undefined && copies[0]!.http.connectionsOpened()! > openedByPrimer) {
        status = "not-applicable";
        reason = "the target closed the connection after the first request, so this case's request could not be sent on a kept-alive connection (the path it walks)";
        break;
      }
    }
    // Teardown always runs, even after a failure, a broken step or a stop, so the target is left as it was found.
    for (const spec of planned.teardown) steps.push(...flat(await Promise.all(copies.map((copy) => runShown(copy, spec, "teardown")))));
  } finally {
    if (own) await Promise.all(copies.map((copy) => copy.http.close()));
  }
  if (ctx.leftJournal && copies.some((copy) => copy.journalled.size)) appendFileSync(ctx.leftJournal, `${JSON.stringify({ case: planned.key, done: true })}\n`);
  return { ...finish(status, steps, reason), ...(stopped ? { stopped } : {}) };
}

/** One copy of a case: its own generators, captures and (walking a connection of its own) sender. */
interface Copy {
  /** "[copy 2 of 4] " before its step names; empty for a case run once. */
  label: string;
  scope: Scope;
  captures: Record<string, string>;
  journalled: Set<string>;
  http: HttpTarget;
  shown: Lookup;
}

async function runStep(
  step: LoadedStep,
  phase: StepResult["phase"],
  pc: PlannedCase,
  { scope, captures, http }: Copy,
  ctx: CaseContext,
  secrets: string[],
): Promise<StepRun> {
  const missing = (step.when ?? []).filter((name) => captures[name] === undefined);
  if (missing.length) return { name: step.name, phase, status: "skipped", checks: [], note: `nothing to do: ${missing.join(", ")} not captured` };

  let request: OutgoingRequest;
  let checks: { e: LoadedCheck; vars?: Record<string, unknown> }[];
  const lookup = lookupIn(scope);
  try {
    request = buildRequest(step, pc, scope, ctx.fixtures);
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
  const sent = await http.send(request);
  const jwt = decodedBearer(request.headers);
  const exchange = jwt ? { ...sent, jwt } : sent;
  if (exchange.error) return { name: step.name, phase, status: "broken", exchange, checks: [], note: exchange.error.message };
  const first = parseResponse(exchange.response!);
  // A paged answer is judged whole: every page's entries in one Bundle, each page its own exchange in the evidence.
  const paged = step.request.follow === "next" ? await followNext(first, exchange, target, http, phase) : undefined;
  if (paged?.broken) return { name: step.name, phase, status: "broken", exchange, checks: [], note: paged.broken, followed: paged.pages };
  const res = paged?.whole ?? first;
  const followed = paged?.pages.length ? { followed: paged.pages } : {};

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
    other = answeredOtherWay(step, pc, res, lookup, exchange.request);
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
    return { name: step.name, phase, status: "passed", exchange, checks: kept, note: `answered as documented variant ${other.name}: ${other.reason}`, answeredAs: answered, ...followed };
  }
  return { name: step.name, phase, status: results.some((c) => c.outcome === "fail") ? "failed" : "passed", exchange, checks: results, ...followed };
}

/** Pages a step follows at most: a target whose next links never end cannot keep a case running. */
const MAX_PAGES = 50;

/**
 * Every page after the first of a paged Bundle (link relation next), requested as the first was (same headers, same
 * sender), and one Bundle holding every page's entries for the checks. Only a 200 Bundle is followed; a next link
 * off the target's origin is not requested (the request carries the JWT), and the step is then broken, saying so.
 */
async function followNext(first: ParsedResponse, exchange: Exchange, target: { baseUrl: string; extraHosts?: string[] }, http: HttpTarget, phase: StepResult["phase"]):
  Promise<{ whole: ParsedResponse; pages: StepResult[]; broken?: string }> {
  const pages: StepResult[] = [];
  const entries: unknown[] = [];
  let page = first;
  let from = exchange.request.url;
  for (;;) {
    const bundle = page.body as { resourceType?: unknown; entry?: unknown; link?: unknown } | undefined;
    if (page.status !== 200 || bundle?.resourceType !== "Bundle") break;
    if (Array.isArray(bundle.entry)) entries.push(...bundle.entry);
    const next = Array.isArray(bundle.link) ? (bundle.link as { relation?: unknown; url?: unknown }[]).find((l) => l?.relation === "next" && typeof l.url === "string") : undefined;
    if (!next) break;
    if (pages.length + 1 >= MAX_PAGES) return { whole: first, pages, broken: `the answer has more than ${MAX_PAGES} pages (link next): not followed further` };
    let url: string;
    try {
      url = new URL(String(next.url), from).href;
    } catch {
      return { whole: first, pages, broken: `page ${pages.length + 1}'s link next is not a URL: ${String(next.url)}` };
    }
    const off = offTargetHost(url, target);
    if (off) return { whole: first, pages, broken: `page ${pages.length + 1}'s link next was not followed: ${off}` };
    const sent = await http.send({ method: "GET", url, headers: exchange.request.headers });
    const shown = { ...sent, ...(exchange.jwt ? { jwt: exchange.jwt } : {}) };
    const name = `page ${pages.length + 2} (link next)`;
    if (sent.error) return { whole: first, pages: [...pages, { name, phase, status: "broken", exchange: shown, checks: [], note: sent.error.message }], broken: `page ${pages.length + 2}: ${sent.error.message}` };
    pages.push({ name, phase, status: "passed", exchange: shown, checks: [], note: "a page of the step's answer: its entries are judged with the first page's" });
    page = parseResponse(sent.response!);
    from = url;
    if (page.status !== 200) return { whole: first, pages, broken: `page ${pages.length + 1} (link next) was answered ${page.status}, not a page of the answer` };
  }
  if (!pages.length) return { whole: first, pages };
  const body = { ...(first.body as Record<string, unknown>), entry: entries };
  return { whole: { ...first, body }, pages };
}

/**
 * The documented variant the whole step was answered by, if any (a JWT signature not validated: the pointer was
 * created): the step's own variants first, then the suite's, which answer every requirement the step checks.
 */
function answeredOtherWay(step: LoadedStep, pc: PlannedCase, res: ParsedResponse, lookup: Lookup, sent: { url: string; headers: readonly (readonly [string, string])[]; body?: string }) {
  const told = (v: { status: (number | string)[]; diagnosticsMatches?: string }) => statusAllowed(v.status, res.status) &&
    (!v.diagnosticsMatches || diagnosticsOf(res).some((d) => boundedTest(String(interpolate(v.diagnosticsMatches!, lookup)), d)));
  const carried = (v: { requestCarries?: string; requestContains?: string }) => {
    if (v.requestCarries && !sent.headers.some(([n]) => n.toLowerCase() === v.requestCarries!.toLowerCase())) return false;
    const text = v.requestContains && String(interpolate(v.requestContains, lookup));
    return !text || sent.url.includes(text) || sent.headers.some(([, value]) => value.includes(text)) || !!sent.body?.includes(text);
  };
  const shared = pc.defaultVariants?.find((v) => carried(v) && told(v));
  return step.variants?.find(told) ?? (shared && { ...shared, rules: [...new Set(step.expect.map((e) => e.req))] });
}

/**
 * A check with its templates filled in, except in FHIRPath expressions (its own and its variants'), which keep theirs:
 * their values go in as FHIRPath variables (template.ts).
 */
function prepareCheck(e: LoadedCheck, lookup: Lookup): { e: LoadedCheck; vars?: Record<string, unknown> } {
  const expressions = [e, ...(e.variants ?? []).map((v) => v.expect)].flatMap((x) => ("fhirpath" in x ? [x.fhirpath] : []));
  const vars = expressions.length ? Object.assign({}, ...expressions.map((x) => fhirPathVariables(x, lookup))) as Record<string, unknown> : undefined;
  if (!filledOutsideExpressions(e)) return { e, vars };
  const fill = <T extends object>(x: T): T => ("fhirpath" in x ? { ...interpolate(withoutExpression(x), lookup), fhirpath: x.fhirpath } : interpolate(x, lookup));
  const filled = { ...fill({ ...e, variants: undefined }), at: e.at, variants: e.variants?.map((v) => ({ ...v, expect: fill(v.expect) })) } as LoadedCheck;
  return { e: filled, vars };
}

/** A check or expectation with its FHIRPath expression left empty: what is filled in as text. */
const withoutExpression = <T extends object>(x: T): T => ("fhirpath" in x ? { ...x, fhirpath: "" } : x);

/** Whether a check holds templates outside its FHIRPath expressions: most hold none, and are used as they are. */
const fillable = new WeakMap<LoadedCheck, boolean>();
function filledOutsideExpressions(e: LoadedCheck): boolean {
  let known = fillable.get(e);
  if (known === undefined) {
    known = holdsTemplate({ ...withoutExpression(e), at: undefined, variants: e.variants?.map((v) => ({ ...v, expect: withoutExpression(v.expect) })) });
    fillable.set(e, known);
  }
  return known;
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
