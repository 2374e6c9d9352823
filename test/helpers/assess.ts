// Runs the reference client (or one of its faults) against a sandbox that records what it receives, and judges the
// requests as assess-client does: the assessment's own code, without writing a pack (the CLI test does that). Nothing
// is written, so the redaction and the leak gate are left out unless asked for (`leakGate`): they are most of what a
// small assessment's result costs, and the tests that judge hundreds of bent flows read only the verdicts.
import { ClientAssessment, clientRunResult } from "../../src/client/assessment.ts";
import { clientCatalogue } from "../../src/client/catalogue.ts";
import type { RunResult } from "../../src/model/run-result.ts";
import { loadDirectory } from "../../sandbox/directory.ts";
import { startSandbox } from "../../sandbox/server.ts";
import { runReferenceClient, type ClientFault, type ClientVariation } from "./reference-client.ts";

export interface Assessed {
  run: RunResult;
  /** Rules that failed or warned. */
  blamed: string[];
  statuses: number[];
}

export async function assessReferenceClient(fault?: ClientFault | ClientVariation, tls = false, { leakGate = false } = {}): Promise<Assessed> {
  const catalogue = clientCatalogue();
  let assessment: ClientAssessment | undefined;
  const pending: Promise<void>[] = [];
  const sandbox = await startSandbox({ tls, observe: (r) => pending.push(Promise.resolve().then(() => void assessment!.add(r))) });
  try {
    assessment = await ClientAssessment.create({ catalogue, directory: loadDirectory(), baseUrls: { ers: sandbox.baseUrls.ers!, nrls: sandbox.baseUrls.nrls! }, evidenceMaxBodyBytes: 262_144 });
    const statuses = await runReferenceClient({ ers: sandbox.baseUrls.ers!, nrls: sandbox.baseUrls.nrls!, tls }, fault);
    // The sandbox reports a request once its answer has gone: let the last ones arrive.
    for (let i = 0; i < 50 && assessment!.requests < statuses.length; i++) await new Promise((r) => setTimeout(r, 10));
    await Promise.all(pending);
    const { run } = clientRunResult({ runId: "test", startedAt: Date.now(), tool: { name: "spine-assure", version: "test" }, assessment: assessment!, catalogue, baseUrls: { ers: sandbox.baseUrls.ers!, nrls: sandbox.baseUrls.nrls! }, tls, ended: "test", printed: [], verdictsOnly: !leakGate });
    return { run, statuses, blamed: run.requirements.filter((r) => r.verdict === "fail" || r.verdict === "warning").map((r) => r.id) };
  } finally {
    await sandbox.close();
  }
}
