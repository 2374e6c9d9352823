// JUnit XML for CI systems: one testsuite per suite, one testcase per case. A testcase fails exactly when it makes the
// gate fail, so every CI's test view agrees with the exit code: a MUST check that failed is a failure, a broken case
// an error, test data unfit for a MUST rule an error; a SHOULD warning, a waived failure or unfit data for a SHOULD
// rule is a failure only under --strict, and otherwise passes with the finding in <system-out> and a property.
// Not-applicable and not-run cases are skipped with the reason. Every message names the suite line of its check.
import { escapeXml } from "../src/fhir/xml-codec.ts";
import { caseMessages, uniqueVariants, variantShown } from "../src/judge/judge-case.ts";
import type { CaseRecord, RunResult } from "../src/model/run-result.ts";

type Element = "failure" | "error" | "skipped" | undefined;

interface Outcome {
  element: Element;
  /** Findings that do not gate this run (shown, not failed). */
  notes: string[];
}

/** How a case counts for the gate, requirement by requirement (see gate.ts). */
export function junitOutcome(c: CaseRecord, run: Pick<RunResult, "requirements" | "strict">): Outcome {
  if (c.status === "not-applicable" || c.status === "not-run") return { element: "skipped", notes: [] };
  const verdicts = new Map(run.requirements.map((r) => [r.id, r]));
  let element: Element;
  const notes: string[] = [];
  const raise = (e: "failure" | "error") => (element = element === "error" ? "error" : e);
  c.requirements.forEach((rc, i) => {
    const rule = verdicts.get(c.verifies[i]!);
    const must = rule?.level === "MUST";
    const waived = rule?.verdict === "waived";
    // A check the case never reached because it broke counts as broken: the rule was not shown to hold.
    const status = rc.status === "not-run" && c.status === "broken" ? "broken" : rc.status;
    const bad = status === "failed" || status === "broken";
    if (!bad && status !== "warning" && status !== "unsuitable") return;
    const gates = !waived && (status === "unsuitable" ? must || run.strict : (bad && must) || run.strict);
    if (gates) raise(status === "broken" || status === "unsuitable" ? "error" : "failure");
    else notes.push(...(rc.messages.length ? rc.messages : [c.reason ?? status]).map((m) => `${waived ? "waived" : status === "unsuitable" ? "test data unsuitable (does not gate without --strict)" : "warning (does not gate without --strict)"}: ${m}`));
  });
  return { element, notes };
}

export function junitXml(run: RunResult): string {
  const suites = new Map<string, CaseRecord[]>();
  for (const c of run.cases) {
    const list = suites.get(c.suite);
    if (list) list.push(c);
    else suites.set(c.suite, [c]);
  }
  const outcomes = new Map(run.cases.map((c) => [c.key, junitOutcome(c, run)]));
  const count = (cs: CaseRecord[], element: string) => cs.filter((c) => outcomes.get(c.key)!.element === element).length;
  const totals = (cs: CaseRecord[]) => `tests="${cs.length}" failures="${count(cs, "failure")}" errors="${count(cs, "error")}" skipped="${count(cs, "skipped")}"`;
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="spine-assure ${escapeXml(run.runId)}" ${totals(run.cases)} time="${(run.durationMs / 1000).toFixed(3)}">`);
  const runProps = [
    ["gate", `exit ${run.gate.exitCode}: ${run.gate.reason}`],
    ["strict", String(run.strict)],
    ...(run.assessment ? [["assessment", `client: ${run.assessment.requests} request(s) from the supplier's system, judged against the client rules`]] : []),
    ...(run.regenerated?.fromAltered ? [["regenerated", "REGENERATED FROM ALTERED RESULTS: not what the run wrote"]] : []),
  ];
  for (const [name, cases] of suites) {
    const time = cases.reduce((t, c) => t + c.durationMs, 0) / 1000;
    out.push(`  <testsuite name="${escapeXml(name)}" ${totals(cases)} time="${time.toFixed(3)}">`);
    out.push(`    <properties>${runProps.map(([n, v]) => `<property name="${n}" value="${escapeXml(v!)}"/>`).join("")}</properties>`);
    for (const c of cases) {
      const { element, notes } = outcomes.get(c.key)!;
      const messages = caseMessages(c);
      const head = `    <testcase classname="${escapeXml(name)}" name="${escapeXml(c.key)}" time="${(c.durationMs / 1000).toFixed(3)}">`;
      const variants = uniqueVariants(c.requirements.flatMap((r) => r.variants ?? [])).map(variantShown);
      const props = [
        ["title", c.title], ["requirements", c.verifies.join(" ")], ["written at", c.at],
        ...(variants.length ? [["documented variants", variants.join("; ")]] : []),
        ...(notes.length ? [["findings that do not gate", String(notes.length)]] : []),
      ];
      const first = escapeXml(messages[0] ?? c.reason ?? c.status);
      const body = element === "skipped" ? `      <skipped message="${escapeXml(c.reason ?? c.status)}"/>` : element ? `      <${element} message="${first}">${escapeXml((messages.length ? messages : [c.reason ?? c.status]).join("\n"))}</${element}>` : "";
      out.push(head, `      <properties>${props.map(([n, v]) => `<property name="${n}" value="${escapeXml(v!)}"/>`).join("")}</properties>`, ...(body ? [body] : []));
      if (notes.length) out.push(`      <system-out>${escapeXml(notes.join("\n"))}</system-out>`);
      out.push("    </testcase>");
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>", "");
  return out.join("\n");
}
