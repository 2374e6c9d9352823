// JUnit XML for CI systems: one testsuite per suite, one testcase per case; failed cases carry their messages,
// broken ones are errors, not-applicable ones are skipped with the reason.
import { escapeXml } from "../fhir/xml-codec.ts";
import type { Summary } from "./summary.ts";

export function junitXml(summary: Summary): string {
  const suites = new Map<string, Summary["cases"]>();
  for (const c of summary.cases) suites.set(c.suite, [...(suites.get(c.suite) ?? []), c]);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const count = (cs: Summary["cases"], s: string) => cs.filter((c) => c.status === s).length;
  const all = summary.cases;
  out.push(`<testsuites name="spine-assure ${escapeXml(summary.runId)}" tests="${all.length}" failures="${count(all, "failed")}" errors="${count(all, "broken")}" skipped="${count(all, "not-applicable") + count(all, "not-run")}" time="${(summary.durationMs / 1000).toFixed(3)}">`);
  for (const [name, cases] of suites) {
    const time = cases.reduce((t, c) => t + c.durationMs, 0) / 1000;
    out.push(`  <testsuite name="${escapeXml(name)}" tests="${cases.length}" failures="${count(cases, "failed")}" errors="${count(cases, "broken")}" skipped="${count(cases, "not-applicable") + count(cases, "not-run")}" time="${time.toFixed(3)}">`);
    for (const c of cases) {
      const head = `    <testcase classname="${escapeXml(name)}" name="${escapeXml(c.key)}" time="${(c.durationMs / 1000).toFixed(3)}">`;
      const props = `      <properties><property name="title" value="${escapeXml(c.title)}"/><property name="requirements" value="${escapeXml(c.requirements.join(" "))}"/></properties>`;
      const text = escapeXml(c.messages.join("\n"));
      const first = escapeXml(c.messages[0] ?? c.status);
      const body =
        c.status === "failed" ? `      <failure message="${first}">${text}</failure>` :
        c.status === "broken" ? `      <error message="${first}">${text}</error>` :
        c.status === "not-applicable" || c.status === "not-run" ? `      <skipped message="${first}"/>` : "";
      out.push(head, props, ...(body ? [body] : []), "    </testcase>");
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>", "");
  return out.join("\n");
}
