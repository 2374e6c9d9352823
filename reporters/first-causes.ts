// Failures counted by their first cause: a case stops proving things once a step in it fails (a create without a
// Location has nothing to read back), so one fault of the target can fail four rules of one case. For an assessor each
// failing rule is traced to the rule that failed first in the same cases: a rule that only ever failed after another
// one, in every case it failed in, is that rule's consequence, listed under it — one fault, not four.
import type { RunResult } from "../src/model/run-result.ts";

export interface FirstCause {
  /** The rule that failed first in its cases. */
  id: string;
  /** Rules that failed only after it, in the same cases. */
  then: string[];
}

const FAILED = new Set(["failed", "warning", "broken"]);

export function firstCauses(run: Pick<RunResult, "cases" | "requirements">): FirstCause[] {
  const failing = run.requirements.filter((r) => r.verdict === "fail" || r.verdict === "warning").map((r) => r.id);
  if (failing.length < 2) return failing.map((id) => ({ id, then: [] }));
  // Per case: its failing rules in the order they failed (the first failing check's rule first, then the rest in step
  // order, then those with no check of their own left, which the case's breaking left unproven).
  const orderIn = new Map<string, string[]>();
  for (const c of run.cases) {
    // A case's requirements are judged in its `verifies` order.
    const failed = c.verifies.filter((_, i) => FAILED.has(c.requirements[i]?.status ?? "passed"));
    if (!failed.length) continue;
    const order: string[] = [];
    for (const step of c.steps) for (const check of step.checks) if ((check.outcome === "fail" || check.outcome === "warn") && !order.includes(check.requirement)) order.push(check.requirement);
    for (const id of failed) if (!order.includes(id)) order.push(id);
    orderIn.set(c.key, order.filter((id) => failed.includes(id)));
  }
  // A rule's cause: the rule that came first in every case it failed in, when that is one rule and not itself.
  const causeOf = new Map<string, string>();
  for (const id of failing) {
    const firsts = new Set<string>();
    let seen = false;
    for (const order of orderIn.values()) {
      if (!order.includes(id)) continue;
      seen = true;
      firsts.add(order[0]!);
    }
    const [first] = [...firsts];
    if (seen && firsts.size === 1 && first !== id && failing.includes(first!)) causeOf.set(id, first!);
  }
  // Follow chains to the root (a cycle cannot arise: a rule is only ever the first of its own cases' orders).
  const root = (id: string): string => {
    for (let x = id, hops = 0; hops < failing.length; hops++) {
      const next = causeOf.get(x);
      if (!next) return x;
      x = next;
    }
    return id;
  };
  const groups = new Map<string, string[]>();
  for (const id of failing) {
    const r = root(id);
    if (!groups.has(r)) groups.set(r, []);
    if (r !== id) groups.get(r)!.push(id);
  }
  return [...groups].map(([id, then]) => ({ id, then }));
}
