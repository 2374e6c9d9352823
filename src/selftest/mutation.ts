// The self-tests: the suites against the sandbox with each fault switched on (a fault is caught when exactly the
// requirements it breaks change verdict; with no fault every requirement must pass), and with each documented variant
// switched on (tolerated when nothing fails and exactly its rules record it: judgeVariant). A run is the run's own
// stages in this process — prepare, open targets (a sandbox of its own, over real sockets), executeInProcess, judge — without
// vitest's start-up or any output written: about a fifth of a whole CLI run's CPU, which the self-tests repeat ninety
// times. With nothing written, nothing is redacted and no leak is hunted for (a sixth of a run's CPU): the outputs'
// own tests and every real run do that (test/leak-gate.test.ts); the few lines a failing self-test shows are redacted.
// The CLI around them (vitest, outputs, exit codes) is tested end to end in test/assure-e2e.test.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FAULTS, parseFaults, type Fault } from "../../sandbox/faults.ts";
import { parseVariants, type DocumentedVariant } from "../../sandbox/variants.ts";
import { executeInProcess } from "../stages/execute-in-process.ts";
import { judge as judgeRun } from "../stages/judge.ts";
import { judgeOnArrival } from "../stages/judge-on-arrival.ts";
import { openTargets } from "../stages/open-targets.ts";
import { prepare } from "../stages/prepare.ts";
import { APIS } from "../apis.ts";
import { readSuites } from "../suite/load-suites.ts";
import { SuiteError } from "../suite/suite-problems.ts";
import { caseRedactor } from "../secrets/redact.ts";

export interface FaultRun {
  /** The gate's exit code. */
  code: number;
  verdicts: Record<string, string>;
  /** The documented variants each requirement recorded. */
  variants: Record<string, string[]>;
  /**
   * What did not pass, a line each, redacted: for a failing self-test's message. Worked out when asked, since a
   * redactor per case shown costs more than the rest of what a run returns, and a passing self-test never shows it.
   */
  output(): string;
  /**
   * Cases broken because a request got no answer (a timeout, a connection closed): the transport's doing, on a busy
   * machine say, not the target's. A run with any is inconclusive: it judges no fault and no variant.
   */
  unanswered: string[];
}

export interface SelftestRunOptions {
  strict?: boolean;
  /** Configuration beyond the defaults (a variant's selftestEnv). */
  env?: Record<string, string>;
}

/** One run against the sandbox with `fault` on (none: a clean sandbox), in a clean environment. */
export function runWithFault(fault: string | undefined, options: SelftestRunOptions = {}): Promise<FaultRun> {
  return runSandboxWith({ ...options.env, ...(fault ? { SANDBOX_FAULTS: fault } : {}) }, options);
}

/** One run against the sandbox with documented variants on (comma-separated). */
export function runWithVariant(variant: string, options: SelftestRunOptions = {}): Promise<FaultRun> {
  return runSandboxWith({ ...options.env, SANDBOX_VARIANTS: variant }, options);
}

// No .env or waivers.yaml is read: the self-test judges the suites as shipped, whatever the working folder holds.
let emptyFolder: string | undefined;

/**
 * The API a fault or variant belongs to (its module's list): a switch changes only that API's answers, so its run needs
 * only that API's suites, and is judged on that API's requirements alone.
 */
function apiOfSwitches(switches: Record<string, string>): (typeof APIS)[number] | undefined {
  const names = [...parseFaults(switches.SANDBOX_FAULTS), ...parseVariants(switches.SANDBOX_VARIANTS)];
  const owners = new Set(names.map((n) => APIS.find((a) => a.sandbox?.faults.some((f) => f.name === n) || a.sandbox?.variants.some((v) => v.name === n))));
  return owners.size === 1 ? [...owners][0] : undefined;
}

/** The suites, read once for every run of the process (each run makes its own plan from them). */
let read: ReturnType<typeof readSuites> | undefined;

async function runSandboxWith(switches: Record<string, string>, { strict = false }: SelftestRunOptions): Promise<FaultRun> {
  if (!emptyFolder) {
    const made = (emptyFolder = mkdtempSync(join(tmpdir(), "selftest-")));
    process.once("exit", () => rmSync(made, { recursive: true, force: true }));
  }
  const startedAt = Date.now();
  const api = apiOfSwitches(switches);
  read ??= readSuites();
  const suites = api ? read.suites.filter((s) => s.target === api.name).map((s) => s.suite) : [];
  // A fault whose effect on other cases depends on their interleaving is run one case at a time (Fault.oneCaseAtATime).
  const alone = [...parseFaults(switches.SANDBOX_FAULTS)].some((n) => FAULTS.find((f) => f.name === n)?.oneCaseAtATime);
  const prepared = prepare({ env: { ...switches }, cwd: emptyFolder, read, ...(suites.length ? { filter: { suites } } : {}), ...(alone ? { concurrency: 1 } : {}) });
  const open = await openTargets(prepared.config, switches);
  const listener = judgeOnArrival(prepared.plan);
  const unanswered: string[] = [];
  let execution;
  try {
    execution = await executeInProcess(prepared, open, (result) => {
      listener.onCase(result);
      const lost = result.steps.find((s) => s.status === "broken" && s.exchange?.error);
      if (lost) unanswered.push(`${result.key}: ${lost.exchange!.error!.message}`);
    }, undefined, { verdictsOnly: true });
  } finally {
    await open.close();
  }
  if (execution.planProblems.length) throw new SuiteError(execution.planProblems);
  if (execution.runErrors.length) throw new Error(`the self-test's run failed: ${execution.runErrors.join("; ")}`);
  const run = judgeRun({ runId: "selftest", startedAt, tool: { name: "spine-assure", version: "selftest" }, strict, prepared, open, judged: listener.judged, printed: [], execution, verdictsOnly: true });
  const judged = suites.length ? run.requirements.filter((r) => r.id.startsWith(`${api!.requirementPrefix}-`)) : run.requirements;
  // The results were judged as they ran (verdictsOnly: never written, so never redacted); what is shown is redacted here.
  const configured = prepared.config.secrets.map((s) => s.value);
  const shown = (key: string, line: string) => {
    const raw = execution.results.get(key);
    return raw ? caseRedactor(raw, configured, prepared.plan.cases.find((pc) => pc.key === key)?.secretFields).text(line) : line;
  };
  let output: string | undefined;
  return {
    code: run.gate.exitCode,
    verdicts: Object.fromEntries(judged.map((r) => [r.id, r.verdict])),
    variants: Object.fromEntries(judged.map((r) => [r.id, (r.variants ?? []).map((v) => v.name)])),
    output: () => (output ??= judged.flatMap((r) => r.cases.filter((c) => c.status !== "passed").map((c) => shown(c.key, `${r.id} ${c.key} ${c.status}: ${c.messages.join("; ")}`))).join("\n")),
    unanswered,
  };
}

/**
 * A run, tried again (up to `tries` times in all) while a request in it got no answer: a verdict may depend on the
 * target alone, never on how busy the machine was. The last try is returned, inconclusive or not.
 */
export async function runConclusively(run: () => Promise<FaultRun>, tries = 3): Promise<FaultRun> {
  let got = await run();
  for (let i = 1; i < tries && got.unanswered.length; i++) got = await run();
  return got;
}

export type Outcome = "caught" | "missed" | "wrong" | "inconclusive";

export interface MutationRow {
  fault: string;
  /** The path the fault lives on, when not the one its cases walk first (RULES.md revision 3). */
  dimension?: Fault["dimension"];
  expected: string[];
  changed: string[];
  outcome: Outcome;
  /** Why the run judged nothing (inconclusive): the cases whose requests got no answer. */
  unanswered?: string[];
}

/**
 * caught: exactly the expected rules changed; missed: none of them did; wrong: some other set changed; inconclusive:
 * a request of the run got no answer, so its verdicts say nothing of the fault.
 */
export function judge(fault: Fault, verdicts: Record<string, string>, encoded: ReadonlySet<string>, unanswered: readonly string[] = []): MutationRow {
  const expected = fault.breaks.filter((id) => encoded.has(id)).sort();
  const changed = Object.keys(verdicts).filter((id) => verdicts[id] !== "pass").sort();
  const outcome: Outcome = unanswered.length ? "inconclusive" : changed.join() === expected.join() ? "caught" : expected.some((id) => changed.includes(id)) ? "wrong" : "missed";
  return { fault: fault.name, ...(fault.dimension ? { dimension: fault.dimension } : {}), expected, changed, outcome, ...(unanswered.length ? { unanswered: [...unanswered] } : {}) };
}

export function formatTable(rows: MutationRow[]): string {
  // The path column: where a fault that is right on one path and wrong on another lives (format, state, stored …).
  const lines = [`${"fault".padEnd(34)} ${"path".padEnd(11)} ${"outcome".padEnd(8)} expected to fail → failed`];
  for (const r of rows) {
    const failed = r.changed.join(", ") || "(nothing)";
    const after = r.outcome === "caught" ? "" : r.outcome === "inconclusive" ? `  →  no answer: ${r.unanswered!.join("; ")}` : `  →  ${failed}`;
    lines.push(`${r.fault.padEnd(34)} ${(r.dimension ?? "-").padEnd(11)} ${r.outcome.toUpperCase().padEnd(8)} ${r.expected.join(", ")}${after}`);
  }
  const caught = rows.filter((r) => r.outcome === "caught").length;
  const inconclusive = rows.filter((r) => r.outcome === "inconclusive").length;
  lines.push("", `kill rate: ${caught}/${rows.length} faults caught (${rows.length ? ((100 * caught) / rows.length).toFixed(1) : "0"}%)${inconclusive ? `; ${inconclusive} inconclusive (a request got no answer, three times: not a verdict on the fault)` : ""}`);
  return lines.join("\n");
}

export type VariantOutcome = "tolerated" | "failed" | "wrong" | "inconclusive";

export interface VariantRow {
  variant: string;
  rules: string[];
  outcome: VariantOutcome;
  /** What was wrong, when not tolerated. */
  problems: string[];
}

/**
 * tolerated: no requirement fails (but those revision 2 says still fail, which must); an accepted variant's rules pass
 * recording it, a warning variant's rules warn recording it; every other requirement passes with no variant. failed: a requirement failed (the harness would fail
 * a conformant environment). wrong: anything else (a rule not recorded, or another rule changed).
 */
export function judgeVariant(v: DocumentedVariant, run: Pick<FaultRun, "verdicts" | "variants"> & { unanswered?: string[] }, encoded: ReadonlySet<string>): VariantRow {
  const rules = v.rules.filter((id) => encoded.has(id));
  const mustFail = (v.stillFails ?? []).filter((id) => encoded.has(id));
  const problems: string[] = [];
  const failed = Object.keys(run.verdicts).filter((id) => run.verdicts[id] === "fail" && !mustFail.includes(id));
  for (const id of failed) problems.push(`${id} failed`);
  for (const [id, verdict] of Object.entries(run.verdicts)) {
    const recorded = run.variants[id] ?? [];
    if (mustFail.includes(id)) {
      if (verdict !== "fail") problems.push(`${id} is ${verdict}, not fail`);
    } else if (rules.includes(id)) {
      const want = v.outcome === "accepted" ? "pass" : "warning";
      if (verdict !== want && verdict !== "fail") problems.push(`${id} is ${verdict}, not ${want}`);
      if (!recorded.includes(v.name)) problems.push(`${id} does not record ${v.name}`);
    } else if (verdict !== "pass" && verdict !== "fail") problems.push(`${id} is ${verdict}`);
    else if (recorded.length) problems.push(`${id} records ${recorded.join(", ")}`);
  }
  // A request that got no answer makes the run say nothing of the variant (inconclusive, not failed).
  if (run.unanswered?.length) return { variant: v.name, rules, outcome: "inconclusive", problems: run.unanswered.map((u) => `no answer: ${u}`) };
  return { variant: v.name, rules, outcome: failed.length ? "failed" : problems.length ? "wrong" : "tolerated", problems };
}

export function formatVariantTable(rows: VariantRow[]): string {
  const lines = [`${"documented variant".padEnd(36)} ${"outcome".padEnd(10)} rules answered the other way`];
  for (const r of rows) lines.push(`${r.variant.padEnd(36)} ${r.outcome.toUpperCase().padEnd(10)} ${r.rules.join(", ") || "(a general principle: every rule)"}${r.problems.length ? `  →  ${r.problems.join("; ")}` : ""}`);
  const ok = rows.filter((r) => r.outcome === "tolerated").length;
  lines.push("", `variants tolerated ${ok}/${rows.length}`);
  return lines.join("\n");
}
