// JUnit XML for CI systems: one testsuite per suite, one testcase per case; failed cases carry their messages,
// broken ones are errors, not-applicable and not-run ones are skipped with the reason.
import { escapeXml } from "../fhir/xml-codec.ts";
import { caseMessages, uniqueVariants } from "../judge/judge-case.ts";
import type { CaseRecord, RunResult } from "../judge/run-result.ts";
import { JUNIT_ELEMENT } from "../judge/status.ts";

export function junitXml(run: RunResult): string {
  const suites = new Map<string, CaseRecord[]>();
  for (const c of run.cases) suites.set(c.suite, [...(suites.get(c.suite) ?? []), c]);
  const count = (cs: CaseRecord[], element: string) => cs.filter((c) => JUNIT_ELEMENT[c.status] === element).length;
  const totals = (cs: CaseRecord[]) => `tests="${cs.length}" failures="${count(cs, "failure")}" errors="${count(cs, "error")}" skipped="${count(cs, "skipped")}"`;
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="spine-assure ${escapeXml(run.runId)}" ${totals(run.cases)} time="${(run.durationMs / 1000).toFixed(3)}">`);
  for (const [name, cases] of suites) {
    const time = cases.reduce((t, c) => t + c.durationMs, 0) / 1000;
    out.push(`  <testsuite name="${escapeXml(name)}" ${totals(cases)} time="${time.toFixed(3)}">`);
    for (const c of cases) {
      const messages = caseMessages(c);
      const head = `    <testcase classname="${escapeXml(name)}" name="${escapeXml(c.key)}" time="${(c.durationMs / 1000).toFixed(3)}">`;
      const variants = uniqueVariants(c.requirements.flatMap((r) => r.variants ?? [])).map((v) => `${v.name} (${v.outcome}; ${v.source})`);
      const props = `      <properties><property name="title" value="${escapeXml(c.title)}"/><property name="requirements" value="${escapeXml(c.verifies.join(" "))}"/>${variants.length ? `<property name="documented variants" value="${escapeXml(variants.join("; "))}"/>` : ""}</properties>`;
      const element = JUNIT_ELEMENT[c.status];
      const first = escapeXml(messages[0] ?? c.status);
      const body = element === "skipped" ? `      <skipped message="${first}"/>` : element ? `      <${element} message="${first}">${escapeXml(messages.join("\n"))}</${element}>` : "";
      out.push(head, props, ...(body ? [body] : []), "    </testcase>");
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>", "");
  return out.join("\n");
}
