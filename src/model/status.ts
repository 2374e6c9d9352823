// The run's status vocabulary, and how each output says it. Every renderer takes its words from here, so a status
// means the same thing in the summary, the matrix, JUnit, the console and the report.
//
//   check        pass | fail | warn | unsuitable           one check of one response (unsuitable: answered for another
//                                                          reason than the rule's, which the test data caused)
//   step         passed | failed | broken | skipped | blocked
//   case         passed | failed | broken | not-applicable (not-run: never started)
//   case × rule  passed | failed | warning | unsuitable | broken | not-applicable | not-run   one case, one requirement
//   verdict      pass | fail | warning | unsuitable | not-applicable | not-run | waived      a requirement, all its cases
import { Status } from "allure-js-commons";

export type CheckOutcome = "pass" | "fail" | "warn" | "unsuitable";
export type StepStatus = "passed" | "failed" | "broken" | "skipped" | "blocked";
export type CaseStatus = "passed" | "failed" | "broken" | "not-applicable";
export type CaseRunStatus = CaseStatus | "not-run";
export type RequirementCaseStatus = "passed" | "failed" | "warning" | "unsuitable" | "broken" | "not-applicable" | "not-run";
export type Verdict = "pass" | "fail" | "warning" | "unsuitable" | "not-applicable" | "not-run" | "waived";
/** test-data: no MUST rule failed, but test data unfit for a MUST rule (any rule, --strict) left it unproven. */
export type GateResult = "pass" | "fail" | "test-data" | "unreachable" | "interrupted";

/** The order verdicts are counted and listed in. */
export const VERDICTS: readonly Verdict[] = ["pass", "fail", "warning", "unsuitable", "waived", "not-applicable", "not-run"];

/** Exit codes: what a CI gate reads. `deadline`: the run passed ASSURE_RUN_TIMEOUT and was stopped, not a result. */
export const EXIT = { ok: 0, mustFailed: 1, configOrSuite: 2, unreachable: 3, deadline: 4, SIGINT: 130, SIGTERM: 143 } as const;

/** Why a run stopped before its end: a signal, or its own deadline (ASSURE_RUN_TIMEOUT). */
export type StopReason = "SIGINT" | "SIGTERM" | "deadline";

export function gateResultOf(exitCode: number): GateResult {
  if (exitCode === EXIT.SIGINT || exitCode === EXIT.SIGTERM || exitCode === EXIT.deadline) return "interrupted";
  return exitCode === EXIT.ok ? "pass" : exitCode === EXIT.unreachable ? "unreachable" : exitCode === EXIT.configOrSuite ? "test-data" : "fail";
}

// ---- the console ----
export const VERDICT_LABEL: Record<Verdict, string> = { pass: "PASS", fail: "FAIL", warning: "WARN", unsuitable: "DATA", "not-applicable": "N/A", "not-run": "NOT RUN", waived: "WAIVED" };
export const VERDICT_COLOUR: Record<Verdict, string> = { pass: "32", fail: "31", warning: "33", unsuitable: "34", "not-applicable": "36", "not-run": "90", waived: "35" };
/** A check's outcome as a message suffix. */
export const CHECK_SUFFIX: Record<CheckOutcome, string> = { pass: "", fail: "", warn: " (warning)", unsuitable: " (test data unsuitable for this rule)" };

// ---- Allure ----
/** A requirement's test within a case; a check not reached because the case broke shows as broken. */
export function allureTestStatus(status: RequirementCaseStatus, caseStatus: CaseRunStatus): Status {
  if (status === "failed") return Status.FAILED;
  // Broken in Allure's sense: not the product's failure — the case broke, or the test data could not show the rule.
  if (status === "broken" || status === "unsuitable" || (status === "not-run" && caseStatus === "broken")) return Status.BROKEN;
  if (status === "not-applicable" || status === "not-run") return Status.SKIPPED;
  return Status.PASSED;
}

export function allureStepStatus(status: StepStatus, anyCheckFailed: boolean): Status {
  if (anyCheckFailed) return Status.FAILED;
  if (status === "broken") return Status.BROKEN;
  if (status === "skipped" || status === "blocked") return Status.SKIPPED;
  return Status.PASSED;
}

export const ALLURE_CHECK_STATUS: Record<CheckOutcome, Status> = { pass: Status.PASSED, fail: Status.FAILED, warn: Status.PASSED, unsuitable: Status.BROKEN };
