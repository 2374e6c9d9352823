// From case results to a verdict per requirement, and from verdicts to the gate's exit code.
//   pass            every case that checks it passed
//   fail            a MUST check failed, or a case that should have checked it broke (unproven is not conformant)
//   warning         a SHOULD check failed or broke, or a check marked warn-only did not hold
//   not-applicable  every case that checks it was not applicable to this target (with the reasons)
//   not-run         no case checked it (filtered out, or nothing planned)
//   waived          it failed or warned, and waivers.yaml accepts that until a date (applied in waivers.ts)
import type { Plan, PlannedCase, PlannedRequirement } from "../plan/plan.ts";
import { checkMessage } from "../run/case-outcome.ts";
import type { CaseResult } from "../run/run-case.ts";

export type Verdict = "pass" | "fail" | "warning" | "not-applicable" | "not-run" | "waived";
export type RequirementCaseStatus = "passed" | "failed" | "warning" | "broken" | "not-applicable" | "not-run";

export interface RequirementCase {
  key: string;
  title: string;
  /** How this case went for this requirement. */
  status: RequirementCaseStatus;
  /** How the case went as a whole. */
  caseStatus: CaseResult["status"] | "not-run";
  format?: string;
  messages: string[];
}

export interface RequirementVerdict {
  id: string;
  level: PlannedRequirement["level"];
  basis: PlannedRequirement["basis"];
  text: string;
  api: string;
  interaction: string;
  suite: string;
  source: { file: string; section: string; url?: string };
  note?: string;
  verdict: Verdict;
  reason?: string;
  /** The waiver that applied (or had expired) for this requirement. */
  waiver?: { requirement: string; reason: string; expires: string; approvedBy: string; expired: boolean };
  cases: RequirementCase[];
}

export function requirementVerdicts(plan: Plan, results: ReadonlyMap<string, CaseResult>): RequirementVerdict[] {
  return plan.requirements.map((r) => {
    const cases = plan.cases.filter((c) => c.verifies.includes(r.id)).map((c) => requirementInCase(r.id, c, results.get(c.key)));
    const { verdict, reason } = decide(r, cases);
    return {
      id: r.id, level: r.level, basis: r.basis, text: r.text, api: r.api, interaction: r.interaction, suite: r.suite,
      source: { file: r.source.file, section: r.source.section, url: r.sourceUrl }, note: r.note,
      verdict, reason, cases,
    };
  });
}

/** How one case went for one requirement: only that requirement's checks count. */
export function requirementInCase(id: string, pc: PlannedCase, result: CaseResult | undefined): RequirementCase {
  const base = { key: pc.key, title: pc.title, format: pc.format };
  if (!result) return { ...base, status: "not-run", caseStatus: "not-run", messages: ["the case did not run"] };
  const checks = result.steps.flatMap((s) => s.checks).filter((c) => c.req === id);
  const messages = checks.filter((c) => c.outcome !== "pass").map(checkMessage);
  let status: RequirementCaseStatus;
  if (result.status === "not-applicable") {
    status = "not-applicable";
    messages.push(result.reason ?? "not applicable");
  } else if (checks.some((c) => c.outcome === "fail")) status = "failed";
  else if (result.status === "broken" && checkedAfterBreak(id, pc, result)) {
    status = "broken";
    messages.push(`not checked, the case broke: ${result.reason}`);
  } else if (checks.some((c) => c.outcome === "warn")) status = "warning";
  else if (checks.length) status = "passed";
  else {
    status = "not-run";
    messages.push("no check for this requirement ran in this case");
  }
  return { ...base, status, caseStatus: result.status, messages };
}

/** Does the requirement have expectations in the step that broke, or in steps after it? */
function checkedAfterBreak(id: string, pc: PlannedCase, result: CaseResult): boolean {
  const ran = result.steps.filter((s) => s.phase === "main").length;
  return pc.steps.slice(Math.max(0, ran - 1)).some((s) => (s.expect ?? []).some((e) => e.req === id));
}

function decide(r: PlannedRequirement, cases: RequirementCase[]): { verdict: Verdict; reason?: string } {
  const some = (s: RequirementCaseStatus) => cases.filter((c) => c.status === s);
  const failedOrBroken = [...some("failed"), ...some("broken")];
  if (failedOrBroken.length) {
    const reason = `${failedOrBroken.length} of ${cases.length} case(s) ${some("broken").length ? "failed or broke" : "failed"}`;
    return { verdict: r.level === "MUST" ? "fail" : "warning", reason };
  }
  if (some("warning").length) return { verdict: "warning", reason: `${some("warning").length} case(s) passed with a warning` };
  if (some("passed").length) return { verdict: "pass" };
  if (cases.length && some("not-applicable").length === cases.length) {
    return { verdict: "not-applicable", reason: [...new Set(cases.flatMap((c) => c.messages))].join("; ") };
  }
  return { verdict: "not-run", reason: cases.length ? "no case that checks it ran" : "no case selected for this run" };
}

export interface TargetReach {
  name: string;
  requests: number;
  responses: number;
}

export const EXIT = { ok: 0, mustFailed: 1, configOrSuite: 2, unreachable: 3 } as const;

/** 3 when a target was tried and never answered; 1 when a MUST rule failed (or any rule, strict); else 0. */
export function gateExitCode(verdicts: RequirementVerdict[], reach: TargetReach[], strict = false): { code: number; reason: string } {
  const dead = reach.filter((t) => t.requests > 0 && t.responses === 0);
  if (dead.length) return { code: EXIT.unreachable, reason: `no response at all from ${dead.map((t) => t.name).join(", ")}` };
  const failing = verdicts.filter((v) => v.verdict === "fail" || (strict && v.verdict === "warning"));
  if (failing.length) return { code: EXIT.mustFailed, reason: `${failing.length} requirement(s) failed: ${failing.map((v) => v.id).join(", ")}` };
  return { code: EXIT.ok, reason: "no MUST requirement failed" };
}
