// The run's Allure results, rendered from judged cases: one Allure test per case × requirement, so each requirement's
// node shows only its own checks, grouped API (epic) → interaction (feature) → requirement (story). Each HTTP exchange
// is an HTTP Exchange attachment in the step that sent it. A case's files can be rendered as soon as it is judged, so
// the run writes them while it mostly waits on the target.
import { createHash, randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { Stage, Status, type Label, type Parameter, type StepResult, type TestResult } from "allure-js-commons";
import { ALLURE_HTTP_EXCHANGE_CONTENT_TYPE, ALLURE_HTTP_EXCHANGE_FILE_EXTENSION, ALLURE_HTTP_EXCHANGE_SCHEMA_VERSION, type HttpExchange } from "allure-js-commons/http";
import { checkMessage } from "../src/judge/judge-case.ts";
import { esc, inlineCode } from "./html-text.ts";
import { sourceTitle } from "./source-title.ts";
import type { CaseRecord, RequirementVerdict } from "../src/model/run-result.ts";
import { ALLURE_CHECK_STATUS, allureStepStatus, allureTestStatus, CHECK_SUFFIX } from "../src/model/status.ts";
import type { Exchange } from "../src/run/http-client.ts";
import type { DecodedJwt } from "../src/spine/jwt.ts";
import type { StepResult as CaseStep } from "../src/run/run-case.ts";

/** What the report says of a requirement: its rule and source. */
export type RequirementInfo = Pick<RequirementVerdict, "id" | "level" | "basis" | "text" | "source" | "note">;

export interface AllureFile {
  name: string;
  content: string;
}

const host = hostname();

/**
 * A case's files: for each requirement it verifies, a test result with its own copy of the exchanges that are its
 * evidence — the steps that check it, and the steps that check nothing (setup and teardown, the context of every
 * requirement). A step that checks only other requirements is listed without its exchange, which is in their tests.
 */
export function allureFilesForCase(c: CaseRecord, requirements: ReadonlyMap<string, RequirementInfo>, targetUrl: string, runId: string): AllureFile[] {
  const files: AllureFile[] = [];
  // Each exchange (and its decoded JWT) serialised once; Allure wants a file of its own for every test that shows it.
  // The first test that shows it gets it whole (as the evidence keeps it); every later copy gets its bodies cut to
  // COPY_BODY_CHARS, saying where the whole is, so a large body costs the pack once, not once per requirement.
  const exchanges = c.steps.map((step) => step.exchange && JSON.stringify(toAllureExchange(step.exchange), null, 2));
  const firstShownIn = new Map<number, string>();
  c.verifies.forEach((id, i) => {
    const attachments: AllureFile[] = [];
    const sources = exchanges.map((content, s) => {
      const step = c.steps[s]!;
      if (content === undefined || (step.checks.length && !step.checks.some((k) => k.requirement === id))) return undefined;
      const first = firstShownIn.get(s);
      if (!first) firstShownIn.set(s, id);
      const exchange = `${randomUUID()}-attachment${ALLURE_HTTP_EXCHANGE_FILE_EXTENSION}`;
      attachments.push({ name: exchange, content: first ? copyOf(step.exchange!, content, first, c.key) : content });
      return { exchange };
    });
    const tr = requirementTest(c, c.requirements[i]!, requirements.get(id), id, sources, targetUrl, runId);
    // The test before its attachments: the report's generator, reading each file as it is written, then knows each
    // attachment's type from the test that declares it, instead of opening the file to guess it from its first bytes
    // (Allure's reader does not know the .httpexchange extension): about 0.2 s of its CPU in a whole run.
    files.push({ name: `${tr.uuid}-result.json`, content: JSON.stringify(tr) }, ...attachments);
  });
  return files;
}

/** Body characters a later copy of an exchange keeps: enough to see what it was, never a large body again and again. */
export const COPY_BODY_CHARS = 4096;

/** A later copy of an exchange: the serialised whole when its bodies are small, else its bodies cut, saying where the whole is. */
function copyOf(e: Exchange, whole: string, firstRequirement: string, caseKey: string): string {
  const long = (body: string | undefined) => body !== undefined && body.length > COPY_BODY_CHARS;
  if (!long(e.request.body) && !long(e.response?.body)) return whole;
  const cut = (body: string) => (body.length > COPY_BODY_CHARS ? `${body.slice(0, COPY_BODY_CHARS)}\n… (${body.length} characters in all: this copy keeps the first ${COPY_BODY_CHARS}; the whole, as the evidence keeps it, is in ${firstRequirement}'s test of this case and in run-result.json, case ${caseKey})` : body);
  const exchange = toAllureExchange({ ...e, request: { ...e.request, ...(e.request.body !== undefined ? { body: cut(e.request.body) } : {}) }, ...(e.response ? { response: { ...e.response, body: cut(e.response.body) } } : {}) });
  // The sizes stay the whole bodies', and a cut one is marked so.
  if (exchange.request.body && long(e.request.body)) Object.assign(exchange.request.body, { size: Buffer.byteLength(e.request.body!), truncated: true });
  if (exchange.response?.body && long(e.response!.body)) exchange.response.body.truncated = true;
  return JSON.stringify(exchange, null, 2);
}

/** environment.properties: what Allure shows as the run's environment. */
export function allureEnvironment(env: Record<string, string>): AllureFile {
  const lines = Object.entries(env).map(([k, v]) => `${k.replace(/[=:\s]/g, "_")}=${v.replace(/\n/g, " ")}`);
  return { name: "environment.properties", content: `${lines.join("\n")}\n` };
}

/** A step's attachments in one requirement's test: its HTTP exchange, and the JWT it sent, decoded. */
type StepSources = { exchange: string } | undefined;

/** A requirement's test in one run: its result file's uuid, made from the run, case and requirement. */
function testUuid(runId: string, caseKey: string, id: string): string {
  const h = md5(`${runId} ${caseKey} ${id}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Where the report shows that test: Allure 3 names a test result by the MD5 of its uuid. */
export function allureTestLink(runId: string, caseKey: string, id: string): string {
  return `allure-report/index.html#/${md5(testUuid(runId, caseKey, id))}`;
}

/**
 * What kind of failure a requirement's test shows, for grouping: the first check that did not hold, with ids,
 * times, ports and numbers normalised out, so one rule failing in ten cases is one group, not ten.
 */
export function failureKind(c: CaseRecord, id: string): string | undefined {
  const check = c.steps.flatMap((s) => s.checks).find((k) => k.requirement === id && k.outcome !== "pass");
  const text = check ? check.expected : c.status === "broken" ? c.reason : undefined;
  return text
    ?.replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>")
    .replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z?/g, "<time>")
    .replace(/:\d{2,5}\b/g, ":<port>")
    .replace(/\b\d{4,}\b/g, "<n>");
}

function requirementTest(c: CaseRecord, mine: CaseRecord["requirements"][number], rule: RequirementInfo | undefined, id: string, sources: StepSources[], targetUrl: string, runId: string): TestResult {
  const status = allureTestStatus(mine.status, c.status);
  const message = mine.status === "broken" || status !== Status.BROKEN ? mine.messages.join("\n") : c.reason ?? mine.messages.join("\n");
  const labels: Label[] = [
    { name: "epic", value: c.api },
    { name: "feature", value: c.interaction },
    { name: "story", value: id },
    { name: "parentSuite", value: c.suite },
    { name: "suite", value: c.interaction },
    { name: "severity", value: rule?.level === "MUST" ? "critical" : "normal" },
    { name: "level", value: rule?.level ?? "" },
    ...c.tags.map((value) => ({ name: "tag", value })),
    { name: "case", value: c.key },
    { name: "host", value: host },
    { name: "thread", value: c.target },
    ...(status === Status.FAILED || status === Status.BROKEN ? [{ name: "failed check", value: failureKind(c, id) ?? mine.status }] : []),
  ];
  const parameters: Parameter[] = [{ name: "case", value: c.key }, { name: "target", value: targetUrl }];
  if (c.format) parameters.push({ name: "format", value: c.format });
  for (const [name, value] of Object.entries(c.vars)) {
    if (name !== "format" && name !== "mime") parameters.push({ name, value: typeof value === "string" ? value : JSON.stringify(value) });
  }
  // Identity by case and requirement, so history and trends follow a check from run to run and machine to machine.
  const fullName = `${c.key} ${id}`;
  const start = c.startedAt ?? 0;
  return {
    uuid: testUuid(runId, c.key, id),
    name: `${id}: ${c.title}`,
    fullName,
    testCaseId: md5(fullName),
    historyId: md5(fullName),
    status,
    statusDetails: message ? { message } : {},
    stage: Stage.FINISHED,
    descriptionHtml: describeCase(c, rule),
    labels,
    links: rule?.source.url ? [{ url: rule.source.url, name: `${rule.id}: ${sourceTitle(rule.source)}` }] : [],
    parameters,
    attachments: [],
    steps: c.steps.map((step, i) => stepResult(step, id, sources[i])),
    start,
    stop: start + c.durationMs,
  };
}

function stepResult(step: CaseStep, id: string, source: StepSources): StepResult {
  const e = step.exchange;
  const start = e?.startedAt ?? 0;
  const stop = e ? e.startedAt + e.durationMs : 0;
  const leaf = (name: string, status: Status, message?: string): StepResult => ({
    name, status, statusDetails: message ? { message } : {}, stage: Stage.FINISHED, steps: [], attachments: [], parameters: [], start: stop, stop,
  });
  const steps: StepResult[] = [];
  if (step.note) steps.push(leaf(step.note, step.status === "broken" ? Status.BROKEN : Status.SKIPPED));
  const mine = step.checks.filter((c) => c.requirement === id);
  for (const c of mine) {
    const variant = c.variant ? ` — documented variant ${c.variant.name} (${c.variant.source})` : "";
    steps.push(leaf(`${c.requirement}: ${c.expected}${CHECK_SUFFIX[c.outcome]}${variant}`, ALLURE_CHECK_STATUS[c.outcome], c.outcome === "pass" && !c.variant ? undefined : checkMessage(c)));
  }
  const title = `${step.phase === "teardown" ? "teardown: " : ""}${step.name}${e ? ` — ${e.request.method} ${pathOf(e.request.url)} → ${e.response?.status ?? e.error?.fault}` : ""}`;
  return {
    name: title, status: allureStepStatus(step.status, mine.some((c) => c.outcome === "fail")), statusDetails: {}, stage: Stage.FINISHED, steps,
    // The JWT the step sent, decoded, beside its exchange (where the token itself is redacted): as the step's
    // parameters, not a file of its own per test — a third of the results' files, and of the report's time, went on it.
    parameters: source && e?.jwt ? jwtParameters(e.jwt) : [],
    start, stop,
    attachments: source ? [{ name: `HTTP exchange: ${step.name}`, source: source.exchange, type: ALLURE_HTTP_EXCHANGE_CONTENT_TYPE }] : [],
  };
}

const md5 = (text: string) => createHash("md5").update(text).digest("hex");

/**
 * A decoded JWT as step parameters: its header, each claim on a line of its own (a value the report can show whole,
 * where one line of every claim was cut off), and its shape.
 */
function jwtParameters(jwt: DecodedJwt): Parameter[] {
  const shown = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  const claims = jwt.claims && typeof jwt.claims === "object" && !Array.isArray(jwt.claims)
    ? Object.entries(jwt.claims as Record<string, unknown>).map(([name, value]) => ({ name: `JWT claim ${name}`, value: shown(value) }))
    : [{ name: "JWT claims (not a JSON object)", value: shown(jwt.claims) }];
  return [
    { name: "JWT header", value: shown(jwt.header) },
    ...claims,
    { name: "JWT sections and signature", value: `${jwt.sections} section(s); signature ${jwt.signature === "" ? "empty" : `"${jwt.signature}"`}` },
  ];
}

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

/**
 * What a test of the report is about, as HTML: the case (or received request) and where it is written, the rule with
 * its level, basis and source, why it did not pass, and the choice made where sources disagree. Written as HTML here,
 * every value escaped, rather than as Markdown for the report's generator to convert test by test after the run.
 */
function describeCase(c: CaseRecord, r: RequirementInfo | undefined): string {
  const others = c.verifies.filter((id) => id !== r?.id);
  const code = (s: string) => `<code>${esc(s)}</code>`;
  const parts = [
    c.receivedRequest
      ? `<p><strong>Request</strong> ${code(c.key)}, sent by the supplier's system and received ${c.startedAt ? new Date(c.startedAt).toISOString() : ""}, judged against ${code(c.at)}${others.length ? `; it was also judged for ${esc(others.join(", "))}` : ""}.</p>`
      : `<p><strong>Case</strong> ${code(c.key)} written at ${code(c.at)}${others.length ? `; the same run of it also checks ${esc(others.join(", "))}` : ""}.</p>`,
    "<table>\n<thead>\n<tr><th>Requirement</th><th>Level</th><th>Basis</th><th>Rule</th><th>Source</th></tr>\n</thead>\n<tbody>",
  ];
  if (r) parts.push(`<tr><td>${esc(r.id)}</td><td>${esc(r.level)}</td><td>${esc(r.basis)}</td><td>${inlineCode(r.text)}</td><td>${esc(`${r.source.file} § ${r.source.section}`)}</td></tr>`);
  parts.push("</tbody>\n</table>");
  if (c.reason && c.status !== "passed") parts.push(`<p><strong>${esc(c.status)}</strong>: ${esc(c.reason)}</p>`);
  if (r?.note) parts.push("<p><strong>Choices where sources disagree</strong></p>", `<ul>\n<li>${esc(r.id)}: ${inlineCode(r.note)}</li>\n</ul>`);
  return parts.join("\n");
}

/** An exchange in Allure's HTTP Exchange format, which the report renders as request and response. */
export function toAllureExchange(e: Exchange): HttpExchange {
  const nv = (list: [string, string][]) => list.map(([name, value]) => ({ name, value }));
  const contentType = (list: [string, string][]) => list.find(([n]) => n.toLowerCase() === "content-type")?.[1];
  const url = new URL(e.request.url);
  return {
    schemaVersion: ALLURE_HTTP_EXCHANGE_SCHEMA_VERSION,
    request: {
      method: e.request.method,
      url: e.request.url,
      headers: nv(e.request.headers),
      query: [...url.searchParams].map(([name, value]) => ({ name, value })),
      body: e.request.body !== undefined ? { contentType: contentType(e.request.headers), encoding: "utf8", value: e.request.body, size: Buffer.byteLength(e.request.body) } : undefined,
    },
    response: e.response && {
      status: e.response.status,
      headers: nv(e.response.headers),
      body: { contentType: contentType(e.response.headers), encoding: "utf8", value: e.response.body, size: e.response.bytes, truncated: e.error?.fault === "too-large" },
    },
    error: e.error && { name: e.error.fault, message: e.error.message },
    start: e.startedAt,
    stop: e.startedAt + e.durationMs,
  };
}

export interface AllureResultsWriter {
  add(c: CaseRecord): void;
}

/**
 * What a test's target parameter says: the base URL of an external target; for the embedded sandbox, which listens
 * on a new port each run, just that — a parameter that changed every run would give every test a new history id.
 */
export function allureTargets(targets: Readonly<Record<string, { baseUrl: string; embedded: boolean }>>): Record<string, string> {
  return Object.fromEntries(Object.entries(targets).map(([name, t]) => [name, t.embedded ? "embedded sandbox" : t.baseUrl]));
}

/** The folder of a run's Allure results, inside its run folder. */
export const ALLURE_RESULTS = "allure-results";

/**
 * Writes each judged case's Allure files into a run folder once, as the case arrives or at the end. `written` hears
 * each file's name (inside ALLURE_RESULTS) once it is whole: the report's generator reads it then.
 */
export function allureResultsWriter(folder: { put(name: string, content: string, written?: () => void): void }, runId: string, requirements: readonly RequirementInfo[], targetUrls: Readonly<Record<string, string>>, written?: (name: string) => void): AllureResultsWriter {
  const byId = new Map(requirements.map((r) => [r.id, r]));
  const done = new Set<string>();
  return {
    add(c: CaseRecord): void {
      // A case that never started has nothing to show; one already written is not written twice.
      if (c.status === "not-run" || done.has(c.key)) return;
      done.add(c.key);
      for (const f of allureFilesForCase(c, byId, targetUrls[c.target] ?? "", runId)) {
        folder.put(`${ALLURE_RESULTS}/${f.name}`, f.content, written && (() => written(f.name)));
      }
    },
  };
}
