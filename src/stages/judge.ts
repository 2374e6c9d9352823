// Stage 4, judge: the RunResult. Cases were judged as they arrived (judgeCase); here the cases that never started are
// added, each requirement gets its verdict, waivers apply, every secret is hunted for in what the outputs will be
// rendered from (the leak gate), and the gate is decided — all before anything is written.
import { createHash } from "node:crypto";
import { TARGETS, type TargetName } from "../targets.ts";
import { SECRET_VARIABLES, VARIABLES } from "../config/variables.ts";
import { judgeCase } from "../judge/judge-case.ts";
import { judgeRun, secretForms } from "../judge/judge-run.ts";
import { RESULT_VERSION, type CaseRecord, type RunInputs, type RunResult } from "../model/run-result.ts";
import { harnessLabel, RULE_CATALOGUE } from "../tool-info.ts";
import type { StopReason } from "../model/status.ts";
import type { Execution } from "./execute.ts";
import type { OpenTargets } from "./open-targets.ts";
import type { Prepared } from "./prepare.ts";

export interface JudgeInput {
  runId: string;
  startedAt: number;
  tool: RunResult["tool"];
  strict: boolean;
  prepared: Prepared;
  open: Pick<OpenTargets, "targets" | "sandbox">;
  execution: Execution;
  /** The cases judged as they arrived, by key. */
  judged: ReadonlyMap<string, CaseRecord>;
  /** Everything printed so far: the leak gate searches it too. */
  printed: readonly string[];
  /** The signal that stopped the run, if one did. */
  interrupted?: StopReason;
  /** The results are judged and never written (the self-test: executeInProcess's verdictsOnly): no leak gate. */
  verdictsOnly?: boolean;
  /** Files the outputs will carry forward from earlier runs (Allure's history, embedded in the report). */
  carriedFiles?: readonly { path: string; where: string }[];
}

export function judge(input: JudgeInput): RunResult {
  const { prepared, execution } = input;
  const { plan, config } = prepared;
  const cases = plan.cases.map((pc) => input.judged.get(pc.key) ?? judgeCase(pc, undefined));
  const targets = Object.entries(input.open.targets).map(([name, t]) => {
    const exchanges = cases.filter((c) => c.target === name).flatMap((c) => c.steps).filter((s) => s.exchange);
    const proxy = t.embedded ? undefined : config.proxies[name as TargetName];
    const client = t.embedded ? undefined : config.tls[name as TargetName];
    return {
      name: name as CaseRecord["target"], baseUrl: t.baseUrl, embedded: t.embedded, requests: exchanges.length, responses: exchanges.filter((s) => s.exchange!.response || answeredBadly(s.exchange!.error?.fault)).length,
      ...(proxy ? { proxy: proxy.shown } : {}),
      ...(client?.client ? { clientCertificate: { ...client.client, ...(client.from.identity ? { from: client.from.identity } : {}) } } : {}),
    };
  });
  const { requirements, expiredWaivers, gate } = judgeRun({
    requirements: plan.requirements, cases, targets, strict: input.strict, waivers: prepared.waivers,
    secrets: input.verdictsOnly ? undefined : [...secretForms(config.secrets.map((s) => s.value)), ...execution.secrets], printed: input.printed,
    carriedFiles: input.carriedFiles ?? [], context: input.interrupted ? { interrupted: input.interrupted } : {},
  });

  const finishedAt = Date.now();
  // Where the time went: start-up until the first case began (configuration, suites, sandbox, vitest and its worker,
  // compiling), the cases (first start to last end: what concurrency and latency govern), then until judged.
  const ran = cases.filter((c) => c.startedAt !== undefined && c.steps.length);
  const firstCase = ran.length ? Math.min(...ran.map((c) => c.startedAt!)) : finishedAt;
  const lastCase = ran.length ? Math.max(...ran.map((c) => c.startedAt! + c.durationMs)) : finishedAt;
  return {
    resultVersion: RESULT_VERSION,
    runId: input.runId,
    tool: input.tool,
    startedAt: new Date(input.startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    durationMs: Math.max(0, Math.round(finishedAt - input.startedAt)),
    strict: input.strict,
    ...(input.interrupted ? { interrupted: input.interrupted } : {}),
    ...(prepared.filter ? { filters: Object.fromEntries(Object.entries(prepared.filter).filter(([, v]) => v !== undefined)) } : {}),
    targets,
    inputs: runInputs(input, targets),
    environment: {
      ...Object.fromEntries(targets.map((t) => [`${t.name.toUpperCase()} target`, `${t.baseUrl} (${t.embedded ? "embedded sandbox" : "external"}${t.proxy ? `, through proxy ${t.proxy}` : ""})`])),
      ...Object.fromEntries(TARGETS.filter((t) => !input.open.targets[t.name]).map((t) => [`${t.name.toUpperCase()} target`, `not run: no target configured (${t.baseUrlVariable} is not set)`])),
      ...Object.fromEntries(targets.flatMap((t) => (t.clientCertificate ? [[`${t.name.toUpperCase()} client certificate`, `${t.clientCertificate.subject}, valid to ${t.clientCertificate.validTo.slice(0, 10)}`]] : []))),
      ...(config.warnings.length ? { Warnings: config.warnings.join(" | ") } : {}),
      ...Object.fromEntries(VARIABLES.filter((v) => v.shownInEnvironment).map((v) => [v.name, config.values[v.name] ?? ""])),
      Harness: harnessLabel(input.tool, true),
      Specifications: [...new Set(prepared.suites.map((s) => `${s.spec.name} ${s.spec.version}`))].join("; "),
      Run: input.runId,
    },
    configHash: configHash(config.values, SECRET_VARIABLES),
    requirements,
    cases,
    gate,
    expiredWaivers,
    runErrors: execution.runErrors,
    ...(config.warnings.length ? { warnings: config.warnings } : {}),
    timing: {
      startupMs: Math.max(0, Math.round(firstCase - input.startedAt)),
      casesMs: Math.max(0, Math.round(lastCase - firstCase)),
      outputsMs: Math.max(0, Math.round(Date.now() - lastCase)),
      requests: targets.reduce((n, t) => n + t.requests, 0),
      concurrency: config.concurrency,
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    },
  };
}

/** What the run was given, as every output shows it: test data with secrets masked, never their values. */
function runInputs(input: JudgeInput, targets: RunResult["targets"]): RunInputs {
  const { config, suites } = input.prepared;
  const testData = VARIABLES.filter((v) => v.testData);
  return {
    targets: TARGETS.map((t) => {
      const ran = targets.find((r) => r.name === t.name);
      if (!ran) return { api: t.name, kind: "not run" as const };
      const cert = ran.clientCertificate;
      return {
        api: t.name, kind: ran.embedded ? ("embedded sandbox" as const) : ("external" as const), baseUrl: ran.baseUrl,
        ...(ran.proxy ? { proxy: ran.proxy } : {}),
        ...(cert ? { clientCertificate: `${cert.subject} (issuer ${cert.issuer}, valid to ${cert.validTo.slice(0, 10)})` } : {}),
      };
    }),
    ...(input.open.sandbox ? { sandbox: input.open.sandbox } : {}),
    testData: Object.fromEntries(testData.map((v) => [v.name, v.secret ? "***** (secret)" : (config.values[v.name] ?? "")])),
    // Of the APIs that ran: an API left out sent nothing, whatever its test data.
    sandboxDefaults: testData.filter((v) => (!v.api || targets.some((t) => t.name === v.api)) && v.default !== undefined && config.values[v.name] === v.default).map((v) => v.name),
    ...(input.prepared.filter ? { filters: Object.fromEntries(Object.entries(input.prepared.filter).filter(([, v]) => v !== undefined)) } : {}),
    strict: input.strict,
    concurrency: config.concurrency,
    harness: harnessLabel(input.tool),
    specifications: [...new Set(suites.map((s) => `${s.spec.name} ${s.spec.version}${s.spec.profile ? `, ${s.spec.profile}` : ""}`))],
    // RULES.md for the APIs it covers; an API module whose suite is its own catalogue says so (PDS).
    ruleCatalogue: [...new Set(TARGETS.filter((t) => suites.some((s) => s.target === t.name)).map((t) => (t.ruleCatalogue.file === "RULES.md" ? RULE_CATALOGUE : `${t.label}: ${t.ruleCatalogue.description}`)))].join("; "),
    suitesHash: createHash("sha256").update(JSON.stringify(suites)).digest("hex"),
  };
}

/** A fault that means the target did answer, in a way HTTP cannot take (too many headers, an endless body): reached. */
function answeredBadly(fault: string | undefined): boolean {
  return fault === "protocol" || fault === "too-large";
}

/** SHA-256 of the configuration in effect, secrets left out: two runs with the same hash ran the same set-up. */
function configHash(values: Readonly<Record<string, string>>, secretNames: string[]): string {
  const kept = Object.keys(values).sort().filter((k) => !secretNames.includes(k)).map((k) => [k, values[k]]);
  return createHash("sha256").update(JSON.stringify(kept)).digest("hex");
}
