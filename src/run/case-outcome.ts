// How a case result is told: one line per failed or warned check, naming the requirement, the expectation and what
// came back. Used by Allure steps and the requirement verdicts.
import type { CheckResult } from "./checks.ts";

export function checkMessage(c: CheckResult): string {
  const tag = c.outcome === "warn" ? " (warning)" : "";
  return `${c.req}${tag}: expected ${c.expected}; got ${c.actual ?? "it"}`;
}
