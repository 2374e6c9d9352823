// The one judging path, shared by a run against a target and a client assessment: from the judged cases, each
// requirement's verdict, the waivers, the leak gate over everything the outputs will be rendered from, and the gate.
// Nothing downstream decides anything: publishing only renders what this returns.
import type { PlannedRequirement } from "../plan/make-plan.ts";
import { Redactor } from "../secrets/redact.ts";
import { decideGate, type GateContext } from "./gate.ts";
import { findLeaksInFiles, findShapedLeaksInFiles, findLeaksInRun } from "./leak-gate.ts";
import type { CaseRecord, Gate, RequirementVerdict, TargetRecord } from "../model/run-result.ts";
import { requirementVerdicts } from "./verdicts.ts";
import { applyWaivers, type Waiver } from "./waivers.ts";

export interface RunToJudge {
  requirements: PlannedRequirement[];
  /** Every case, judged (judgeCase): those that never started included. */
  cases: CaseRecord[];
  targets: TargetRecord[];
  strict: boolean;
  waivers?: Waiver[];
  /**
   * Every secret value the run knows of, in every form: configured ones and those its cases met. Absent only for a run
   * whose results are never written (the self-test's verdicts): there is no output to search.
   */
  secrets: Iterable<string> | Redactor | undefined;
  /** Everything printed so far. */
  printed: readonly string[];
  /** A client assessment's request log, which the outputs list. */
  requestLog?: unknown;
  /** Files the outputs will carry forward from earlier runs (the history): searched for secrets too. */
  carriedFiles?: readonly { path: string; where: string }[];
  /** How a requirement no case exercised is described (an assessment names the interactions it applies to). */
  notRunReason?: (r: RequirementVerdict) => string | undefined;
  context?: Omit<GateContext, "strict" | "leaks">;
}

export interface JudgedRun {
  requirements: RequirementVerdict[];
  expiredWaivers: Waiver[];
  gate: Gate;
}

export function judgeRun(input: RunToJudge): JudgedRun {
  const requirements = requirementVerdicts(input.requirements, input.cases).map((r) => {
    const reason = r.verdict === "not-run" ? input.notRunReason?.(r) : undefined;
    return reason ? { ...r, reason } : r;
  });
  const { expired } = applyWaivers(requirements, input.waivers ?? []);
  const leaks = input.secrets === undefined ? [] : findLeaks(input, requirements, Redactor.hunting(input.secrets));
  const neverRan = input.cases.filter((c) => c.status === "not-run").map((c) => c.key);
  const gate = decideGate(requirements, input.targets, { ...input.context, strict: input.strict, leaks, neverRan });
  return { requirements, expiredWaivers: expired, gate };
}

/** The leak gate: every secret hunted for in what the outputs will be rendered from and the files they carry forward. */
function findLeaks(input: RunToJudge, requirements: RequirementVerdict[], secrets: Redactor) {
  return [
    ...findLeaksInRun({ cases: input.cases, requirements, printed: input.printed, requestLog: input.requestLog }, secrets),
    ...findLeaksInFiles(input.carriedFiles ?? [], secrets),
    ...findShapedLeaksInFiles(input.carriedFiles ?? []),
  ];
}

/** Every form of the configured secret values, for the leak gate. */
export function secretForms(values: Iterable<string>): string[] {
  return new Redactor(values).secrets();
}
