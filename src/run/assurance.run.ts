// The vitest test file of an assurance run: one concurrent test per planned case. Each test runs its case, redacts
// the result, records it in Allure and in the test's meta (for the summary), then passes, fails, breaks or skips.
import { afterAll, describe, inject, test } from "vitest";
import type { TargetName } from "../config/load-config.ts";
import { recordInAllure } from "./allure-evidence.ts";
import { caseMessages } from "./case-outcome.ts";
import { HttpTarget } from "./http-client.ts";
import { Redactor, redactCaseResult } from "./redact.ts";
import { runCase, type RunContext } from "./run-case.ts";
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

const bySuite = new Map<string, typeof input.plan.cases>();
for (const c of input.plan.cases) bySuite.set(c.suite, [...(bySuite.get(c.suite) ?? []), c]);
for (const [suite, cases] of bySuite) {
  describe.concurrent(suite, () => {
    for (const pc of cases) {
      test(`${pc.key} — ${pc.title}`, async ({ task, skip }) => {
        task.meta.caseKey = pc.key;
        const raw = await runCase(pc, ctx);
        const redactor = new Redactor([...input.secrets, ...raw.capturedSecrets], pc.secretFields);
        for (const s of raw.steps) if (s.exchange) redactor.learn(s.exchange);
        const result = redactCaseResult(raw, redactor);
        task.meta.caseResult = result;
        await recordInAllure(pc, result, input.plan.requirements, ctx.targets[pc.target].baseUrl);
        const messages = caseMessages(result);
        if (result.status === "not-applicable") skip(result.reason);
        if (result.status === "broken") throw new CaseBroken(messages.join("\n"));
        if (result.status === "failed") throw new ChecksFailed(messages.join("\n"));
      });
    }
  });
}
