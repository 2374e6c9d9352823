// Judges a case as its result arrives: for each requirement it verifies, how the case went for that requirement
// alone, with the messages of the checks that did not pass. Done once; every output reads the CaseRecord.
import type { PlannedCase } from "../plan/make-plan.ts";
import type { CheckResult, VariantUse } from "../run/evaluate-check.ts";
import type { CaseResult } from "../run/run-case.ts";
import type { CaseRecord, RequirementCase } from "../model/run-result.ts";
import { CHECK_SUFFIX, type RequirementCaseStatus } from "../model/status.ts";

/** A check that did not pass as written, told in one line: the requirement, the expectation, what came back, and the
 * documented variant it was accepted or warned as. */
export function checkMessage(c: CheckResult): string {
  if (c.variant?.outcome === "unsuitable") {
    return `${c.requirement}${CHECK_SUFFIX.unsuitable}: expected ${c.expected}; got ${c.actual ?? "it"} — the target answered for another reason (${c.variant.name}, ${c.variant.source}): change ${c.variant.variable} (check at ${c.at})`;
  }
  const variant = c.variant ? ` — ${c.variant.outcome === "accepted" ? "accepted as" : "answered as"} documented variant ${c.variant.name} (${c.variant.source})` : "";
  // Where the check was written, so a reader goes from a failure to its rule in one step.
  return `${c.requirement}${CHECK_SUFFIX[c.outcome]}: expected ${c.expected}; got ${c.actual ?? "it"}${variant} (check at ${c.at})`;
}

/** A documented variant as every output names it: "name (outcome; source)". */
export const variantShown = (v: VariantUse) => `${v.name} (${v.outcome}; ${v.source})`;

/** Each variant once, in the order first used. */
export function uniqueVariants(list: (VariantUse | undefined)[]): VariantUse[] {
  const seen = new Map<string, VariantUse>();
  for (const v of list) if (v && !seen.has(v.name)) seen.set(v.name, v);
  return [...seen.values()];
}

/** `result` undefined: the case never started (filtered out of nothing, or the run ended first). */
export function judgeCase(pc: PlannedCase, result: CaseResult | undefined): CaseRecord {
  return {
    key: pc.key, title: pc.title, suite: pc.suite, api: pc.api, interaction: pc.interaction, target: pc.target, at: pc.at,
    format: pc.format, tags: pc.tags, vars: pc.vars, verifies: pc.verifies,
    status: result?.status ?? "not-run",
    reason: result ? result.reason : "the case did not run",
    startedAt: result?.startedAt,
    durationMs: Math.max(0, Math.round(result?.durationMs ?? 0)),
    steps: result?.steps ?? [],
    requirements: pc.verifies.map((id) => requirementInCase(id, pc, result)),
  };
}

function requirementInCase(id: string, pc: PlannedCase, result: CaseResult | undefined): RequirementCase {
  const base = { key: pc.key, title: pc.title, format: pc.format };
  if (!result) return { ...base, status: "not-run", caseStatus: "not-run", messages: ["the case did not run"] };
  const checks = result.steps.flatMap((s) => s.checks).filter((c) => c.requirement === id);
  const messages = checks.filter((c) => c.outcome !== "pass" || c.variant).map(checkMessage);
  let variants = uniqueVariants(checks.map((c) => c.variant));
  let status: RequirementCaseStatus;
  if (result.status === "not-applicable") {
    status = "not-applicable";
    messages.push(result.reason ?? "not applicable");
  } else if (checks.some((c) => c.outcome === "fail")) status = "failed";
  else if (result.stopped && pc.steps.slice(result.steps.filter((s) => s.phase === "main").length).some((s) => s.expect.some((e) => e.req === id))) {
    // Stopped before all of this requirement's checks ran: what did run is not the whole evidence.
    status = "not-run";
    messages.push(`not checked: ${result.reason}`);
  } else if (result.status === "broken" && checkedAfterBreak(id, pc, result)) {
    status = "broken";
    messages.push(`not checked, the case broke: ${result.reason}`);
  } else if (checks.some((c) => c.outcome === "unsuitable")) status = "unsuitable";
  else if (checks.some((c) => c.outcome === "warn")) status = "warning";
  else if (checks.length) status = "passed";
  else if (result.steps.some((s) => s.answeredAs)) {
    // The target answered a step the documented other way, which leaves this requirement nothing to judge here.
    const step = result.steps.find((s) => s.answeredAs)!;
    const { variant, reason } = step.answeredAs!;
    if (variant.outcome === "unsuitable") {
      // The test data stopped the case before this requirement's checks: unproven, for the data's reason.
      status = "unsuitable";
      variants = uniqueVariants([...variants, variant]);
      messages.push(`${id}${CHECK_SUFFIX.unsuitable}: not checked, "${step.name}" was answered for another reason (${variant.name}, ${variant.source}): ${reason}; change ${variant.variable}`);
    } else {
      status = "not-applicable";
      messages.push(`not applicable: "${step.name}" was answered as documented variant ${variant.name} (${variant.source}): ${reason}`);
    }
  } else {
    status = "not-run";
    messages.push("no check for this requirement ran in this case");
  }
  return { ...base, status, caseStatus: result.status, messages, ...(variants.length ? { variants } : {}) };
}

/** Does the requirement have checks in the step that broke, or in steps after it? */
function checkedAfterBreak(id: string, pc: PlannedCase, result: CaseResult): boolean {
  const ran = result.steps.filter((s) => s.phase === "main").length;
  return pc.steps.slice(Math.max(0, ran - 1)).some((s) => s.expect.some((e) => e.req === id));
}

/** Everything that did not pass in a case, once per message, in the case's requirement order. */
export function caseMessages(c: CaseRecord): string[] {
  return [...new Set(c.requirements.flatMap((r) => r.messages))];
}
