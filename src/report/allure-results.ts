// Writes the run's Allure results from the (redacted) case results: one Allure test per case × requirement, so each
// requirement's node shows only its own checks, grouped API (epic) → interaction (feature) → requirement (story).
// Each HTTP exchange is an HTTP Exchange attachment in the step that sent it. Written here, in the CLI's process
// after the cases, rather than by the vitest worker while they run, so the worker's time goes to the target.
import { hostname } from "node:os";
import { createHash, randomUUID } from "node:crypto";
import { Stage, Status, type Label, type Parameter, type StepResult, type TestResult } from "allure-js-commons";
import { ALLURE_HTTP_EXCHANGE_CONTENT_TYPE, ALLURE_HTTP_EXCHANGE_FILE_EXTENSION, ALLURE_HTTP_EXCHANGE_SCHEMA_VERSION, type HttpExchange } from "allure-js-commons/http";
import type { PlannedCase, PlannedRequirement, Plan } from "../plan/plan.ts";
import type { Exchange } from "../run/http-client.ts";
import type { CaseResult, StepResult as CaseStep } from "../run/run-case.ts";
import { checkMessage } from "../run/case-outcome.ts";
import { requirementInCase } from "./verdicts.ts";
import { directoryWriter, type DirectoryWriter } from "./write-atomic.ts";

/**
 * The run's allure-results folder, filled case by case as results come in (the CLI's process is mostly waiting while
 * the cases run) and made to appear whole by commit().
 */
export class AllureResultsWriter {
  private readonly out: DirectoryWriter;
  private readonly cases: Map<string, PlannedCase>;
  private readonly written = new Set<string>();
  private readonly host = hostname();

  constructor(dir: string, private readonly plan: Plan, private readonly targetUrls: Record<PlannedCase["target"], string>) {
    this.out = directoryWriter(dir);
    this.cases = new Map(plan.cases.map((c) => [c.key, c]));
  }

  /** Writes a case's tests: one per requirement it verifies, each with the case's exchanges. */
  add(result: CaseResult): void {
    const pc = this.cases.get(result.key);
    if (!pc || this.written.has(pc.key)) return;
    this.written.add(pc.key);
    // Each exchange serialised once; Allure wants a file of its own for every test that shows it.
    const exchanges = result.steps.map((step) => step.exchange && JSON.stringify(toAllureExchange(step.exchange), null, 2));
    for (const reqId of pc.verifies) {
      const sources = exchanges.map((content) => {
        if (content === undefined) return undefined;
        const source = `${randomUUID()}-attachment${ALLURE_HTTP_EXCHANGE_FILE_EXTENSION}`;
        this.out.put(source, content);
        return source;
      });
      const tr = requirementResult(pc, reqId, result, sources, this.plan.requirements.filter((r) => r.id === reqId), this.targetUrls[pc.target], this.host);
      this.out.put(`${tr.uuid}-result.json`, JSON.stringify(tr));
    }
  }

  commit(): void {
    this.out.commit();
  }

  abort(): void {
    this.out.abort();
  }
}

function requirementResult(pc: PlannedCase, reqId: string, result: CaseResult, sources: (string | undefined)[], reqs: PlannedRequirement[], targetUrl: string, host: string): TestResult {
  const mine = requirementInCase(reqId, pc, result);
  const status = mine.status === "failed" ? Status.FAILED
    : mine.status === "broken" || (mine.status === "not-run" && result.status === "broken") ? Status.BROKEN
    : mine.status === "not-applicable" || mine.status === "not-run" ? Status.SKIPPED
    : Status.PASSED;
  const message = mine.status === "broken" || status !== Status.BROKEN ? mine.messages.join("\n") : result.reason ?? mine.messages.join("\n");

  const labels: Label[] = [
    { name: "epic", value: pc.api },
    { name: "feature", value: pc.interaction },
    { name: "story", value: reqId },
    { name: "parentSuite", value: pc.suite },
    { name: "suite", value: pc.interaction },
    { name: "severity", value: reqs.some((r) => r.level === "MUST") ? "critical" : "normal" },
    { name: "level", value: reqs[0]?.level ?? "" },
    ...pc.tags.map((value) => ({ name: "tag", value })),
    { name: "case", value: pc.key },
    { name: "host", value: host },
    { name: "thread", value: pc.target },
  ];
  const parameters: Parameter[] = [{ name: "case", value: pc.key }, { name: "target", value: targetUrl }];
  if (pc.format) parameters.push({ name: "format", value: pc.format });
  for (const [name, value] of Object.entries(pc.vars)) {
    if (name !== "format" && name !== "mime") parameters.push({ name, value: typeof value === "string" ? value : JSON.stringify(value) });
  }
  // Identity by case and requirement, so history and trends follow a check from run to run and machine to machine.
  const fullName = `${pc.key} ${reqId}`;
  return {
    uuid: randomUUID(),
    name: `${reqId}: ${pc.title}`,
    fullName,
    testCaseId: md5(fullName),
    historyId: md5(fullName),
    status,
    statusDetails: message ? { message } : {},
    stage: Stage.FINISHED,
    description: describeCase(pc, reqs, result),
    labels,
    links: reqs.filter((r) => r.sourceUrl).map((r) => ({ url: r.sourceUrl!, name: `${r.id}: ${r.source.file} § ${r.source.section}` })),
    parameters,
    attachments: [],
    steps: result.steps.map((step, i) => stepResult(step, reqId, sources[i])),
    start: result.startedAt,
    stop: result.startedAt + result.durationMs,
  };
}

function stepResult(step: CaseStep, reqId: string, source: string | undefined): StepResult {
  const e = step.exchange;
  const start = e?.startedAt ?? 0;
  const stop = e ? e.startedAt + e.durationMs : 0;
  const leaf = (name: string, status: Status, message?: string): StepResult => ({
    name, status, statusDetails: message ? { message } : {}, stage: Stage.FINISHED, steps: [], attachments: [], parameters: [], start: stop, stop,
  });
  const steps: StepResult[] = [];
  if (step.note) steps.push(leaf(step.note, step.status === "broken" ? Status.BROKEN : Status.SKIPPED));
  const mine = step.checks.filter((c) => c.req === reqId);
  for (const c of mine) {
    const name = `${c.req}: ${c.expected}${c.outcome === "warn" ? " (warning)" : ""}`;
    steps.push(leaf(name, c.outcome === "fail" ? Status.FAILED : Status.PASSED, c.outcome === "pass" ? undefined : checkMessage(c)));
  }
  const status = mine.some((c) => c.outcome === "fail") ? Status.FAILED
    : step.status === "broken" ? Status.BROKEN
    : step.status === "skipped" || step.status === "blocked" ? Status.SKIPPED
    : Status.PASSED;
  const title = `${step.phase === "teardown" ? "teardown: " : ""}${step.name}${e ? ` — ${e.request.method} ${pathOf(e.request.url)} → ${e.response?.status ?? e.error?.fault}` : ""}`;
  return {
    name: title, status, statusDetails: {}, stage: Stage.FINISHED, steps, parameters: [], start, stop,
    attachments: source ? [{ name: `HTTP exchange: ${step.name}`, source, type: ALLURE_HTTP_EXCHANGE_CONTENT_TYPE }] : [],
  };
}

const md5 = (text: string) => createHash("md5").update(text).digest("hex");

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

function describeCase(pc: PlannedCase, reqs: PlannedRequirement[], result: CaseResult): string {
  const others = pc.verifies.filter((id) => !reqs.some((r) => r.id === id));
  const lines = [
    `**Case** \`${pc.key}\` from \`${pc.file}\`${others.length ? `; the same run of it also checks ${others.join(", ")}` : ""}.`,
    "", "| Requirement | Level | Basis | Rule | Source |", "|---|---|---|---|---|",
  ];
  for (const r of reqs) lines.push(`| ${r.id} | ${r.level} | ${r.basis} | ${r.text.replace(/\|/g, "\\|")} | ${r.source.file} § ${r.source.section} |`);
  if (result.reason) lines.push("", `**${result.status}**: ${result.reason}`);
  const notes = reqs.filter((r) => r.note).map((r) => `- ${r.id}: ${r.note}`);
  if (notes.length) lines.push("", "**Choices where sources disagree**", ...notes);
  return lines.join("\n");
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
