// reports/summary.json: the run's machine-readable outcome, in the shape of schemas/summary.schema.json. It is
// checked against that schema before it is written, so consumers can trust its shape.
import { formatSchemaErrors, validatorFor } from "../suite/schemas.ts";
import type { Plan } from "../plan/plan.ts";
import type { CaseResult } from "../run/run-case.ts";
import type { RequirementVerdict, TargetReach } from "./verdicts.ts";
import { writeFileAtomic } from "./write-atomic.ts";

export interface CaseSummary {
  key: string;
  title: string;
  suite: string;
  status: CaseResult["status"] | "not-run";
  durationMs: number;
  requirements: string[];
  messages: string[];
}

export interface Summary {
  schemaVersion: 1;
  runId: string;
  tool: { name: string; version: string; commit?: string };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  targets: (TargetReach & { name: "ers" | "nrls"; baseUrl: string; embedded: boolean })[];
  gate: { exitCode: number; result: "pass" | "fail" | "unreachable"; reason: string };
  totals: { requirements: number; verdicts: Record<string, number>; cases: number; caseStatuses: Record<string, number> };
  requirements: RequirementVerdict[];
  /** One entry per planned case: what JUnit and `rerun` work from. */
  cases: CaseSummary[];
  /** Where the run's time went (the HTML report is generated after this is written, so it is not included). */
  timing?: { startupMs: number; casesMs: number; outputsMs: number; requests: number; concurrency: number; peakRssMiB: number };
}

export function buildSummary(input: {
  runId: string;
  plan: Plan;
  tool: Summary["tool"];
  startedAt: number;
  finishedAt: number;
  targets: Summary["targets"];
  gate: { code: number; reason: string };
  verdicts: RequirementVerdict[];
  results: ReadonlyMap<string, CaseResult>;
}): Summary {
  const count = <T extends string>(items: T[]) => items.reduce<Record<string, number>>((acc, k) => ((acc[k] = (acc[k] ?? 0) + 1), acc), {});
  return {
    schemaVersion: 1,
    runId: input.runId,
    tool: input.tool,
    startedAt: new Date(input.startedAt).toISOString(),
    finishedAt: new Date(input.finishedAt).toISOString(),
    durationMs: Math.max(0, Math.round(input.finishedAt - input.startedAt)),
    targets: input.targets,
    gate: { exitCode: input.gate.code, result: input.gate.code === 0 ? "pass" : input.gate.code === 3 ? "unreachable" : "fail", reason: input.gate.reason },
    totals: {
      requirements: input.verdicts.length,
      verdicts: count(input.verdicts.map((v) => v.verdict)),
      cases: input.results.size,
      caseStatuses: count([...input.results.values()].map((r) => r.status)),
    },
    requirements: input.verdicts.map((v) => JSON.parse(JSON.stringify(v)) as RequirementVerdict),
    cases: input.plan.cases.map((pc) => {
      const r = input.results.get(pc.key);
      const messages = [...new Set(input.verdicts.flatMap((v) => v.cases.filter((c) => c.key === pc.key).flatMap((c) => c.messages)))];
      return { key: pc.key, title: pc.title, suite: pc.suite, status: r?.status ?? "not-run", durationMs: r?.durationMs ?? 0, requirements: pc.verifies, messages };
    }),
  };
}

export function writeSummary(path: string, summary: Summary): void {
  const validate = validatorFor("summary.schema.json");
  if (!validate(summary)) throw new Error(`internal error: summary does not match schemas/summary.schema.json: ${formatSchemaErrors(validate.errors).join("; ")}`);
  writeFileAtomic(path, `${JSON.stringify(summary, null, 2)}\n`);
}
