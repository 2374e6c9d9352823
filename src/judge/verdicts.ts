// From judged cases to a verdict per requirement:
//   pass            every case that checks it passed
//   fail            a MUST check failed, or a case that should have checked it broke (unproven is not conformant)
//   warning         a SHOULD check failed or broke, or a check marked warn-only did not hold
//   unsuitable      the target answered for another reason than the rule's, which the test data caused: unproven
//                   either way, the variable to change is named
//   not-applicable  every case that checks it was not applicable to this target (with the reasons)
//   not-run         no case checked it (filtered out, or nothing planned)
//   waived          it failed or warned, and waivers.yaml accepts that until a date (applied in waivers.ts)
import type { PlannedRequirement } from "../plan/make-plan.ts";
import type { VariantUse } from "../run/evaluate-check.ts";
import { uniqueVariants } from "./judge-case.ts";
import type { CaseRecord, RequirementCase, RequirementVerdict } from "../model/run-result.ts";
import type { RequirementCaseStatus, Verdict } from "../model/status.ts";

export function requirementVerdicts(requirements: PlannedRequirement[], cases: CaseRecord[]): RequirementVerdict[] {
  return requirements.map((r) => {
    // A case's requirements are judged in the order of its verifies list.
    const mine = cases.filter((c) => c.verifies.includes(r.id)).map((c) => c.requirements[c.verifies.indexOf(r.id)]!);
    const { verdict, reason } = decide(r, mine);
    const variants = uniqueVariants(mine.flatMap((c) => c.variants ?? []));
    return {
      id: r.id, level: r.level, basis: r.basis, text: r.text, api: r.api, interaction: r.interaction, suite: r.suite,
      source: { file: r.source.file, section: r.source.section, url: r.source.url }, note: r.note,
      verdict, reason, ...(variants.length ? { variants } : {}), cases: mine,
    };
  });
}

function decide(r: PlannedRequirement, cases: RequirementCase[]): { verdict: Verdict; reason?: string } {
  const some = (s: RequirementCaseStatus) => cases.filter((c) => c.status === s);
  const failedOrBroken = [...some("failed"), ...some("broken")];
  if (failedOrBroken.length) {
    const reason = `${failedOrBroken.length} of ${cases.length} case(s) ${some("broken").length ? "failed or broke" : "failed"}`;
    return { verdict: r.level === "MUST" ? "fail" : "warning", reason };
  }
  if (some("unsuitable").length) {
    return { verdict: "unsuitable", reason: `test data unsuitable for this rule in ${some("unsuitable").length} case(s): change ${unsuitableVariables(cases).join(", ")}` };
  }
  if (some("warning").length) return { verdict: "warning", reason: `${some("warning").length} case(s) passed with a warning` };
  if (some("passed").length) return { verdict: "pass" };
  if (cases.length && some("not-applicable").length === cases.length) {
    return { verdict: "not-applicable", reason: [...new Set(cases.flatMap((c) => c.messages))].join("; ") };
  }
  return { verdict: "not-run", reason: cases.length ? "no case that checks it ran" : "no case selected for this run" };
}

/** The test-data variables to change, from the unsuitable answers the cases (or requirement verdicts) record. */
export function unsuitableVariables(withVariants: readonly { variants?: VariantUse[] }[]): string[] {
  return [...new Set(withVariants.flatMap((c) => c.variants ?? []).flatMap((v) => (v.outcome === "unsuitable" && v.variable ? [v.variable] : [])))];
}
