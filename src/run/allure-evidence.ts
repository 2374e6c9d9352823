// Puts a (redacted) case result into Allure: labels that group API → interaction → requirement, links to the
// sources, each HTTP exchange as an HTTP Exchange attachment inside its step, and each check as a sub-step.
import * as allure from "allure-js-commons";
import { ALLURE_HTTP_EXCHANGE_CONTENT_TYPE, ALLURE_HTTP_EXCHANGE_FILE_EXTENSION, ALLURE_HTTP_EXCHANGE_SCHEMA_VERSION, type HttpExchange } from "allure-js-commons/http";
import { Status } from "allure-js-commons";
import type { PlannedCase, PlannedRequirement } from "../plan/plan.ts";
import type { Exchange } from "./http-client.ts";
import type { CaseResult } from "./run-case.ts";
import { checkMessage } from "./case-outcome.ts";

export async function recordInAllure(pc: PlannedCase, result: CaseResult, requirements: PlannedRequirement[], targetUrl: string): Promise<void> {
  const reqs = pc.verifies.map((id) => requirements.find((r) => r.id === id)).filter((r): r is PlannedRequirement => !!r);
  await allure.displayName(pc.title);
  await allure.epic(pc.api);
  await allure.feature(pc.interaction);
  for (const r of reqs) await allure.story(r.id);
  await allure.severity(reqs.some((r) => r.level === "MUST") ? "critical" : "normal");
  if (pc.tags.length) await allure.tags(...pc.tags);
  await allure.label("case", pc.key);
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
        for (const c of step.checks) {
          const status = c.outcome === "fail" ? Status.FAILED : Status.PASSED;
          const name = `${c.req}: ${c.expected}${c.outcome === "warn" ? " (warning)" : ""}`;
          await allure.logStep(name, status, c.outcome === "pass" ? undefined : new Error(checkMessage(c)));
        }
        if (step.status === "failed" || step.status === "blocked") throw new StepFailed(`${step.name} failed`);
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
  const lines = [`**Case** \`${pc.key}\` from \`${pc.file}\``, "", "| Requirement | Level | Basis | Rule | Source |", "|---|---|---|---|---|"];
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
