// How a case result is told: one line per failed or warned check, naming the requirement, the expectation and what
// came back. Used by the vitest test (its error), Allure steps and the summary.
import type { CheckResult } from "./checks.ts";
import type { CaseResult } from "./run-case.ts";

export function checkMessage(c: CheckResult): string {
  const tag = c.outcome === "warn" ? " (warning)" : "";
  return `${c.req}${tag}: expected ${c.expected}; got ${c.actual ?? "it"}`;
}

/** Messages of a case: failed and warned checks, broken or skipped steps. */
export function caseMessages(result: CaseResult): string[] {
  const out: string[] = [];
  for (const s of result.steps) {
    for (const c of s.checks) if (c.outcome !== "pass") out.push(checkMessage(c));
    if (s.status === "broken") out.push(`${s.phase === "teardown" ? "teardown " : ""}step "${s.name}" broken: ${s.note}`);
  }
  if (result.status === "not-applicable" && result.reason) out.push(`not applicable: ${result.reason}`);
  return out;
}
