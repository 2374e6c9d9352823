// The vitest test file of an assurance run: one concurrent test per planned case. Each test runs its case, redacts
// the result and hands it to the CLI's process in the test's meta, then passes, fails, breaks or skips. Evidence
// (Allure results, the summary) is written from those results once the cases are done (src/report/).
import { afterAll, describe, inject, test } from "vitest";
import type { TargetName } from "../config/load-config.ts";
import { checkMessage } from "./case-outcome.ts";
import { compileChecks } from "./checks.ts";
import { HttpTarget } from "./http-client.ts";
import { createLimiter } from "./limiter.ts";
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

// Start-up, before the first case: a TLS handshake with each target, and compiling the checks meanwhile.
const warmedUp = Promise.all(Object.values(targets).map((t) => t.http.warmUp(t.baseUrl)));
compileChecks(input.plan.cases.flatMap((c) => [...c.steps, ...c.teardown]));
await warmedUp;

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
const caseSlot = createLimiter(input.concurrency);

// Cases start one per turn of the event loop: started all in one go, the first cases' sockets would wait for every
// other case to build and send its first request before their own handshakes and responses were served.
let admission = Promise.resolve();
const admitted = () => (admission = admission.then(() => new Promise<void>((resolve) => setImmediate(resolve))));

// The longest chains of dependent requests start first: they set the run's length, whatever else is in flight.
const cases = [...input.plan.cases].sort((a, b) => b.steps.length + b.teardown.length - (a.steps.length + a.teardown.length));
describe.concurrent("assurance", () => {
  for (const pc of cases) {
    test(`${pc.key} — ${pc.title}`, async ({ task, skip }) => {
      task.meta.caseKey = pc.key;
      await admitted();
      const raw = await caseSlot(() => runCase(pc, ctx));
      const redactor = new Redactor([...input.secrets, ...raw.capturedSecrets], pc.secretFields);
      for (const s of raw.steps) if (s.exchange) redactor.learn(s.exchange);
      const result = redactCaseResult(raw, redactor);
      task.meta.caseResult = result;
      task.meta.leakCanaries = redactor.known();
      if (result.status === "not-applicable") skip(result.reason);
      if (result.status === "broken") throw new CaseBroken(result.reason);
      if (result.status === "failed") throw new ChecksFailed(result.steps.flatMap((s) => s.checks).filter((c) => c.outcome === "fail").map(checkMessage).join("\n"));
    });
  }
});
