// summary.json: the run's machine-readable outcome, rendered from the RunResult in the shape of
// schemas/summary.schema.json. It is checked against that schema before it is written, so consumers can trust its shape.
import { caseMessages } from "../src/judge/judge-case.ts";
import type { RunResult } from "../src/model/run-result.ts";
import type { CaseRunStatus, StopReason } from "../src/model/status.ts";
import { formatSchemaErrors, validatorFor } from "../src/suite/schemas.ts";

export interface CaseSummary {
  key: string;
  title: string;
  suite: string;
  status: CaseRunStatus;
  durationMs: number;
  requirements: string[];
  messages: string[];
}

export interface Summary {
  schemaVersion: 1;
  runId: string;
  tool: RunResult["tool"];
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  targets: RunResult["targets"];
  inputs?: RunResult["inputs"];
  assessment?: RunResult["assessment"];
  regenerated?: RunResult["regenerated"];
  /** Set-up warnings (a client certificate ending within 30 days). */
  warnings?: string[];
  gate: { exitCode: number; result: RunResult["gate"]["result"]; reason: string };
  /** The run was stopped by a signal part-way: not a complete result. */
  interrupted?: boolean;
  signal?: StopReason;
  strict: boolean;
  /** A filtered run or a rerun, with its filters. */
  partial: boolean;
  filters?: RunResult["filters"];
  /** The latest view merged from a full run and newer partial runs: which, oldest first. */
  mergedFrom?: RunResult["mergedFrom"];
  totals: { requirements: number; verdicts: Record<string, number>; cases: number; caseStatuses: Record<string, number> };
  requirements: RunResult["requirements"];
  /** One entry per planned case: what JUnit and `rerun` work from. */
  cases: CaseSummary[];
  /** Where the run's time went, up to judging it. */
  timing?: RunResult["timing"];
}

export function renderSummary(run: RunResult): string {
  const count = (items: string[]) => items.reduce<Record<string, number>>((acc, k) => ((acc[k] = (acc[k] ?? 0) + 1), acc), {});
  const ran = run.cases.filter((c) => c.status !== "not-run");
  const summary: Summary = {
    schemaVersion: 1,
    runId: run.runId,
    tool: run.tool,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: run.durationMs,
    targets: run.targets,
    ...(run.inputs ? { inputs: run.inputs } : {}),
    ...(run.assessment ? { assessment: run.assessment } : {}),
    ...(run.regenerated ? { regenerated: run.regenerated } : {}),
    ...(run.warnings?.length ? { warnings: run.warnings } : {}),
    gate: { exitCode: run.gate.exitCode, result: run.gate.result, reason: run.gate.reason },
    ...(run.interrupted ? { interrupted: true, signal: run.interrupted } : {}),
    strict: run.strict,
    partial: !!run.filters,
    ...(run.filters ? { filters: run.filters } : {}),
    ...(run.mergedFrom ? { mergedFrom: run.mergedFrom } : {}),
    totals: {
      requirements: run.requirements.length,
      verdicts: count(run.requirements.map((v) => v.verdict)),
      cases: ran.length,
      caseStatuses: count(ran.map((c) => c.status)),
    },
    requirements: run.requirements,
    cases: run.cases.map((c) => ({ key: c.key, title: c.title, suite: c.suite, status: c.status, durationMs: c.durationMs, requirements: c.verifies, messages: caseMessages(c), ...(c.fromRun ? { fromRun: c.fromRun } : {}) })),
    ...(run.timing ? { timing: run.timing } : {}),
  };
  // Through JSON first: what the schema checks is exactly what is written (undefined members dropped).
  const text = `${JSON.stringify(summary, null, 2)}\n`;
  const validate = summaryValidator();
  if (!validate(JSON.parse(text))) throw new Error(`internal error: summary does not match schemas/summary.schema.json: ${formatSchemaErrors(validate.errors).join("; ")}`);
  return text;
}

/** The summary's schema, compiled once a process (or loaded as the compiled CLI's kept code: schema-code-cache.ts). */
export const summaryValidator = () => validatorFor("summary.schema.json");
