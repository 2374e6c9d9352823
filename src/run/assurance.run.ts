// The vitest test file of an assurance run: one concurrent test per planned case. Each test runs its case, redacts
// the result, records it in Allure and in the test's meta (for the summary), then passes, fails, breaks or skips.
import { afterAll, describe, inject, test } from "vitest";
import type { TargetName } from "../config/load-config.ts";
import { recordInAllure } from "./allure-evidence.ts";
import type { PlannedCase } from "../plan/plan.ts";
import { requirementInCase } from "../report/verdicts.ts";
import { HttpTarget } from "./http-client.ts";
import { createLimiter } from "./limiter.ts";
import { Redactor, redactCaseResult } from "./redact.ts";
import { runCase, type CaseResult, type RunContext } from "./run-case.ts";
import "./run-context.ts";

const input = inject("assurance");
const targets = Object.fromEntries(
  (Object.entries(input.targets) as [TargetName, (typeof input.targets)[TargetName]][]).map(([name, t]) => [
    name,
    { baseUrl: t.baseUrl, http: new HttpTarget({ tls: t.tls, timeoutMs: input.timeoutMs, maxResponseBytes: input.maxResponseBytes, connections: input.concurrency }) },
  ]),
) as RunContext["targets"];
const ctx: RunContext = { targets, config: input.config, fixturesDir: input.fixturesDir };

afterAll(async () => {
  await Promise.all(Object.values(targets).map((t) => t.http.close()));
});

class ChecksFailed extends Error {
  override name = "AssertionError";
}
class CaseBroken extends Error {
  override name = "TransportError";
}

// Cases in flight at once: the bound on requests in flight (a case sends one request at a time, in order).
// vitest's own limit counts tests, and a case has a test per requirement, so the bound is kept here, per case.
const caseSlot = createLimiter(input.concurrency);

// A case runs once; each requirement it verifies is its own test, so the report shows each requirement's own
// verdict under its own heading instead of one case status repeated under all of them.
const running = new Map<string, Promise<{ result: CaseResult; canaries: string[] }>>();
function resultOf(pc: PlannedCase): Promise<{ result: CaseResult; canaries: string[] }> {
  let p = running.get(pc.key);
  if (!p) {
    p = caseSlot(() => runCase(pc, ctx)).then((raw) => {
      const redactor = new Redactor([...input.secrets, ...raw.capturedSecrets], pc.secretFields);
      for (const s of raw.steps) if (s.exchange) redactor.learn(s.exchange);
      return { result: redactCaseResult(raw, redactor), canaries: redactor.known() };
    });
    running.set(pc.key, p);
  }
  return p;
}

const bySuite = new Map<string, PlannedCase[]>();
for (const c of input.plan.cases) bySuite.set(c.suite, [...(bySuite.get(c.suite) ?? []), c]);
for (const [suite, cases] of bySuite) {
  describe.concurrent(suite, () => {
    for (const pc of cases) {
      for (const req of pc.verifies) {
        test(`${pc.key} ${req} — ${pc.title}`, async ({ task, skip }) => {
          task.meta.caseKey = pc.key;
          const { result, canaries } = await resultOf(pc);
          task.meta.caseResult = result;
          task.meta.leakCanaries = canaries;
          await recordInAllure(pc, req, result, input.plan.requirements, ctx.targets[pc.target].baseUrl);
          const mine = requirementInCase(req, pc, result);
          if (mine.status === "not-applicable") skip(result.reason);
          if (mine.status === "broken" || (result.status === "broken" && mine.status === "not-run")) throw new CaseBroken(mine.messages.join("\n") || result.reason);
          if (mine.status === "failed") throw new ChecksFailed(mine.messages.join("\n"));
        });
      }
    }
  });
}
