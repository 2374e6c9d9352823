// Checks of an OperationOutcome against what a rule says of it (suites' `outcome:` shorthand): one result per aspect
// named, so a report shows exactly which part of the issue was wrong.
import type { OutcomeExpectation } from "../suite/types.ts";
import { boundedTest } from "./bounded-regex.ts";

/** Records one aspect: what was expected, whether it held, and what was there instead. */
export type AspectResult<R> = (expected: string, ok: boolean, actual?: unknown) => R;

const SEVERITY_RANK: Record<string, number> = { fatal: 0, error: 1, warning: 2, information: 3 };

/**
 * The issue a rule speaks of, when the suite names none by position: an OperationOutcome may carry extra issues of lower
 * severity beside it, before it or after (issue is 1..*; RULES.md revisions 2 and 3). The one with the code the check
 * says it is `of`, or with the rule's coding; else the first of the most severe.
 */
function itsIssue(issues: Record<string, unknown>[], o: OutcomeExpectation): number {
  const codeOf = (i: Record<string, unknown>) => ((i.details as { coding?: { code?: unknown }[] } | undefined)?.coding ?? [])[0]?.code;
  for (const code of [o.of, o.coding]) {
    if (code === undefined) continue;
    const withCode = issues.findIndex((i) => codeOf(i) === code);
    if (withCode >= 0) return withCode;
  }
  let best = 0;
  issues.forEach((i, n) => {
    if ((SEVERITY_RANK[String(i.severity)] ?? 9) < (SEVERITY_RANK[String(issues[best]!.severity)] ?? 9)) best = n;
  });
  return best;
}

const show = (v: unknown): string => (v === undefined ? "nothing" : JSON.stringify(v) ?? String(v));

export function operationOutcomeChecks<R extends { outcome: string }>(o: OutcomeExpectation, body: unknown, result: AspectResult<R>, warn: (r: R) => R): R[] {
  const b = body as Record<string, unknown>;
  if (b.resourceType !== "OperationOutcome") return [result("an OperationOutcome", false, `resourceType ${show(b.resourceType)}`)];
  const issues = Array.isArray(b.issue) ? (b.issue as Record<string, unknown>[]) : [];
  const index = o.issue ?? itsIssue(issues, o);
  const issue = issues[index];
  if (!issue) return [result(`OperationOutcome.issue[${index}]`, false, `${issues.length} issue(s)`)];
  const details = (issue.details ?? {}) as Record<string, unknown>;
  const codings = Array.isArray(details.coding) ? (details.coding as Record<string, unknown>[]) : [];
  const coding = codings[0] ?? {};
  const out: R[] = [];
  const where = `issue[${index}]`;
  if (o.profile !== undefined) {
    const profiles = ((b.meta as Record<string, unknown> | undefined)?.profile ?? []) as unknown[];
    out.push(result(`meta.profile includes ${o.profile}`, profiles.includes(o.profile), profiles));
  }
  if (o.severity !== undefined) out.push(result(`${where}.severity = ${o.severity}`, issue.severity === o.severity, issue.severity));
  if (o.code !== undefined) out.push(result(`${where}.code = ${o.code}`, issue.code === o.code, issue.code));
  if (o.singleCoding) out.push(result(`${where}.details.coding has exactly one coding`, codings.length === 1, `${codings.length} codings`));
  if (o.system !== undefined) out.push(result(`${where}.details.coding.system = ${o.system}`, coding.system === o.system, coding.system));
  if (o.coding !== undefined) out.push(result(`${where}.details.coding.code = ${o.coding}`, coding.code === o.coding, coding.code));
  if (o.display !== undefined) {
    // The page's or the CodeSystem's text, in any case and with or without a closing full stop (RULES.md revision 2).
    const plain = (d: string) => d.trim().replace(/\.$/, "").toLowerCase();
    const display = typeof coding.display === "string" ? plain(coding.display) : undefined;
    const ok = display !== undefined && o.display.some((d) => plain(d) === display);
    const check = result(`${where}.details.coding.display is one of ${o.display.map((d) => show(d)).join(", ")} (any case)`, ok, coding.display);
    out.push(check.outcome === "fail" && o.displayMismatch === "warn" ? warn(check) : check);
  }
  if (o.diagnostics !== undefined) out.push(result(`${where}.diagnostics = ${show(o.diagnostics)}`, issue.diagnostics === o.diagnostics, issue.diagnostics));
  if (o.diagnosticsMatches !== undefined) {
    const d = issue.diagnostics;
    out.push(result(`${where}.diagnostics matches /${o.diagnosticsMatches}/`, typeof d === "string" && boundedTest(o.diagnosticsMatches, d), d));
  }
  if (o.textMatches !== undefined) {
    const t = details.text;
    out.push(result(`${where}.details.text matches /${o.textMatches}/`, typeof t === "string" && boundedTest(o.textMatches, t), t));
  }
  if (o.noText) out.push(result(`${where}.details.text is absent`, details.text === undefined, details.text));
  return out;
}
