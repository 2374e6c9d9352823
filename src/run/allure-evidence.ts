// Puts a (redacted) case result into Allure: labels that group API → interaction → requirement, links to the
// sources, each HTTP exchange as an HTTP Exchange attachment inside its step, and each check as a sub-step.
import * as allure from "allure-js-commons";
import { ALLURE_HTTP_EXCHANGE_CONTENT_TYPE, ALLURE_HTTP_EXCHANGE_FILE_EXTENSION, ALLURE_HTTP_EXCHANGE_SCHEMA_VERSION, type HttpExchange } from "allure-js-commons/http";
import { Status } from "allure-js-commons";
import type { PlannedCase, PlannedRequirement } from "../plan/plan.ts";
import type { Exchange } from "./http-client.ts";
import type { CaseResult } from "./run-case.ts";
import { checkMessage } from "./case-outcome.ts";

/** Records one requirement of a case: its labels, the case's exchanges, and that requirement's checks. */
export async function recordInAllure(pc: PlannedCase, reqId: string, result: CaseResult, requirements: PlannedRequirement[], targetUrl: string): Promise<void> {
  const reqs = requirements.filter((r) => r.id === reqId);
  await allure.displayName(`${reqId}: ${pc.title}`);
  await allure.epic(pc.api);
  await allure.feature(pc.interaction);
  await allure.story(reqId);
  await allure.severity(reqs.some((r) => r.level === "MUST") ? "critical" : "normal");
  await allure.label("level", reqs[0]?.level ?? "");
  if (pc.tags.length) await allure.tags(...pc.tags);
  await allure.label("case", pc.key);
  await allure.parameter("case", pc.key);
  await allure.parameter("target", targetUrl);
  if (pc.format) await allure.parameter("format", pc.format);
  for (const [name, value] of Object.entries(pc.vars)) {
    if (name !== "format" && name !== "mime") await allure.parameter(name, typeof value === "string" ? value : JSON.stringify(value));
  }
  for (const r of reqs) if (r.sourceUrl) await allure.link(r.sourceUrl, `${r.id}: ${r.source.file} § ${r.source.section}`);
  await allure.description(describeCase(pc, reqs, result));

  for (const step of result.steps) {
    const title = `${step.phase === "teardown" ? "teardown: " : ""}${step.name}${step.exchange ? ` — ${step.exchange.request.method} ${pathOf(step.exchange.request.url)} → ${step.exchange.response?.status ?? step.exchange.error?.fault}` : ""}`;
    try {
      await allure.step(title, async () => {
        if (step.exchange) {
          await allure.attachment(`HTTP exchange: ${step.name}`, JSON.stringify(toAllureExchange(step.exchange), null, 2), {
            contentType: ALLURE_HTTP_EXCHANGE_CONTENT_TYPE,
            fileExtension: ALLURE_HTTP_EXCHANGE_FILE_EXTENSION,
          });
        }
        if (step.note) await allure.logStep(step.note, step.status === "broken" ? Status.BROKEN : Status.SKIPPED);
        const mine = step.checks.filter((c) => c.req === reqId);
        for (const c of mine) {
          const status = c.outcome === "fail" ? Status.FAILED : Status.PASSED;
          const name = `${c.req}: ${c.expected}${c.outcome === "warn" ? " (warning)" : ""}`;
          await allure.logStep(name, status, c.outcome === "pass" ? undefined : bare(checkMessage(c)));
        }
        if (mine.some((c) => c.outcome === "fail")) throw new StepFailed(`${step.name} failed`);
        if (step.status === "broken") throw new Error(step.note ?? "broken");
      });
    } catch {
      // The step is marked failed in the report; the case's own verdict is raised by the caller.
    }
  }
}

class StepFailed extends Error {
  override name = "AssertionError";
}

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

/** An error carrying only its message: a check failure is a finding about the target, not a harness stack. */
function bare(message: string): Error {
  const e = new Error(message);
  e.stack = message;
  return e;
}
