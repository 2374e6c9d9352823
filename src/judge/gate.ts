// The gate: the exit code a CI reads, decided once on the judged run (src/judge/judge-run.ts), never after.
//   3  a target was tried and never answered, an assessment assessed nothing, or planned cases never ran (not a
//      conformance result)
//   1  a secret leaked into the evidence; or a MUST requirement failed (any requirement, with --strict)
//   2  nothing failed, but test data unfit for a MUST requirement (any, with --strict) left it unproven
//   0  otherwise
import type { Leak } from "./leak-gate.ts";
import type { Gate, RequirementVerdict, TargetRecord } from "../model/run-result.ts";
import { EXIT, gateResultOf, type StopReason } from "../model/status.ts";
import { unsuitableVariables } from "./verdicts.ts";

export interface GateContext {
  strict: boolean;
  leaks: readonly Leak[];
  /** The signal or deadline that stopped the run part-way. */
  interrupted?: StopReason;
  /** A client assessment: what it judges are the requests it received. */
  assessment?: { requests: number };
  /** Planned cases that never ran, the run not having been stopped: the runner failed, and nothing is proven. */
  neverRan?: readonly string[];
}

export function decideGate(verdicts: RequirementVerdict[], targets: TargetRecord[], { strict, leaks, interrupted, assessment, neverRan = [] }: GateContext): Gate {
  const gate = (exitCode: number, reason: string, extra: Partial<Gate> = {}): Gate => ({ exitCode, result: gateResultOf(exitCode), reason, ...extra });
  if (interrupted) {
    // Stopped part-way: not a conformance result, whatever the verdicts so far (a leak is still named).
    const notRun = verdicts.filter((v) => v.verdict === "not-run").length;
    const leak = leaks.length ? `; secret leak in ${leaks.map((l) => l.where).join(", ")}` : "";
    const why = interrupted === "deadline" ? "stopped at its deadline (ASSURE_RUN_TIMEOUT)" : `interrupted by ${interrupted}`;
    return gate(EXIT[interrupted], `${why}: ${notRun} requirement(s) not run; every case that started ran its teardown${leak}`, leaks.length ? { leaks: leaks.map((l) => l.where) } : {});
  }
  if (leaks.length) {
    // A leak outranks every verdict: this evidence must not be shared as it is.
    const where = leaks.map((l) => l.where);
    return gate(EXIT.mustFailed, `secret leak: a secret value appears in ${where.join(", ")}`, { leaks: where });
  }
  // Nothing received, or nothing a rule applies to, is nothing assessed: never a pass a CI gate could mistake for one.
  if (assessment && assessment.requests === 0) return gate(EXIT.unreachable, "no request was received from the supplier's system: nothing was assessed");
  if (assessment && verdicts.every((v) => v.verdict === "not-run")) {
    return gate(EXIT.unreachable, `${assessment.requests} request(s) received, none of them an interaction a client rule applies to: nothing was assessed`);
  }
  // A planned case that never ran, in a run nobody stopped, is the runner's failure: what it would have shown is
  // unknown, so no pass (and no conformance result either way).
  if (neverRan.length && !assessment) {
    return gate(EXIT.unreachable, `${neverRan.length} planned case(s) never ran (${neverRan.slice(0, 3).join(", ")}${neverRan.length > 3 ? ", …" : ""}): the run is incomplete, not a conformance result`);
  }
  const dead = targets.filter((t) => t.requests > 0 && t.responses === 0);
  if (dead.length) return gate(EXIT.unreachable, `no response at all from ${dead.map((t) => t.name).join(", ")}`);
  const failing = verdicts.filter((v) => v.verdict === "fail" || (strict && v.verdict === "warning"));
  if (failing.length) return gate(EXIT.mustFailed, `${failing.length} requirement(s) failed: ${failing.map((v) => v.id).join(", ")}`);
  const unproven = verdicts.filter((v) => v.verdict === "unsuitable" && (strict || v.level === "MUST"));
  if (unproven.length) {
    return gate(EXIT.configOrSuite, `test data unsuitable for ${unproven.length} requirement(s), unproven either way (${unproven.map((v) => v.id).join(", ")}): change ${unsuitableVariables(unproven).join(", ")}`);
  }
  return gate(EXIT.ok, "no MUST requirement failed");
}
