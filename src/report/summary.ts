// reports/summary.json: the run's machine-readable outcome, in the shape of schemas/summary.schema.json. It is
// checked against that schema before it is written, so consumers can trust its shape.
import { formatSchemaErrors, validatorFor } from "../suite/schemas.ts";
import type { CaseResult } from "../run/run-case.ts";
import type { RequirementVerdict, TargetReach } from "./verdicts.ts";
import { writeFileAtomic } from "./write-atomic.ts";

export interface Summary {
  schemaVersion: 1;
  tool: { name: string; version: string; commit?: string };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  targets: (TargetReach & { name: "ers" | "nrls"; baseUrl: string; embedded: boolean })[];
  gate: { exitCode: number; result: "pass" | "fail" | "unreachable"; reason: string };
  totals: { requirements: number; verdicts: Record<string, number>; cases: number; caseStatuses: Record<string, number> };
  requirements: RequirementVerdict[];
}

export function buildSummary(input: {
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
  };
}

export function writeSummary(path: string, summary: Summary): void {
  const validate = validatorFor("summary.schema.json");
  if (!validate(summary)) throw new Error(`internal error: summary does not match schemas/summary.schema.json: ${formatSchemaErrors(validate.errors).join("; ")}`);
  writeFileAtomic(path, `${JSON.stringify(summary, null, 2)}\n`);
}
