// A client assessment: every request the sandbox received from the supplier's system is judged against the client
// rules that apply to its interaction as it arrives, counted for each rule, and listed in the request log; the whole
// becomes a RunResult, so every output the server-side run has — summary, matrix, JUnit, Allure report, signed
// manifest — renders a client assessment too.
//
// An assessment may last hours: what it holds and writes must not grow with every request. So only some requests are
// kept in full as cases (their exchange and every check): the first few to show each rule held, the first few to show
// each rule broken, the first few the harness could not judge or no rule covers (KEEP). The rest are judged the same,
// counted in each rule's tally and listed in the log, and then let go. Every verdict a full record would give is
// given: a rule that any request broke has a kept case that broke it, and one that held has a kept case that held it.
// The bodies kept across the pack are bounded too (EVIDENCE_MAX_TOTAL_BODY_BYTES), cut with their SHA-256 past that.
import { judgeCase } from "../judge/judge-case.ts";
import { judgeRun } from "../judge/judge-run.ts";
import { RESULT_VERSION, type AssessedSystem, type CaseRecord, type RequestLogEntry, type RunResult, type TargetRecord } from "../model/run-result.ts";
import type { PlannedCase } from "../plan/make-plan.ts";
import type { CheckResult } from "../run/evaluate-check.ts";
import { evidenceBodies } from "../run/evidence-bodies.ts";
import type { Exchange } from "../run/http-client.ts";
import { Redactor } from "../secrets/redact.ts";
import type { CaseResult, StepResult } from "../run/run-case.ts";
import { decodedBearer } from "../spine/jwt.ts";
import { TARGETS, type TargetName } from "../targets.ts";
import { harnessLabel } from "../tool-info.ts";
import type { Directory } from "../../sandbox/directory.ts";
import { clientRequirements, INTERACTIONS, type ClientCatalogue, type Interaction } from "./catalogue.ts";
import { ruleOf, type Finding } from "../model/finding.ts";
import { parseResponse } from "../run/parse-response.ts";
import type { ReceivedRequest } from "../model/received-request.ts";
import type { ClientAssessor, ClientSide } from "../api-module.ts";

export interface AssessmentOptions {
  catalogue: ClientCatalogue;
  directory: Directory;
  /** The base URLs the supplier was given, by API. */
  baseUrls: Partial<Record<TargetName, string>>;
  /** Bodies kept as evidence up to this many bytes (EVIDENCE_MAX_BODY_BYTES). */
  evidenceMaxBodyBytes: number;
  /** The bodies kept across the whole pack, at most (EVIDENCE_MAX_TOTAL_BODY_BYTES; none: unbounded). */
  evidenceMaxTotalBodyBytes?: number;
  /** How many requests are kept in full (KEEP by default). */
  keep?: Partial<KeepPolicy>;
}

/** How many requests are kept in full as cases; every other request is judged, counted and logged. */
export interface KeepPolicy {
  /** For each rule, the first this many requests that broke it. */
  brokePerRule: number;
  /** For each rule, the first this many requests it held for. */
  heldPerRule: number;
  /** The first this many the harness could not judge, and the first this many no client rule covers. */
  unjudged: number;
}

export const KEEP: KeepPolicy = { brokePerRule: 10, heldPerRule: 3, unjudged: 10 };

/** KEEP in words, for the pack. */
export function keptRule(keep: KeepPolicy): string {
  return `for each rule, the first ${keep.brokePerRule} request(s) that broke it and the first ${keep.heldPerRule} it held for; the first ${keep.unjudged} the harness could not judge and the first ${keep.unjudged} no client rule covers`;
}

/** A rule's counts over every request: the verdict's tally, and how many kept cases show each outcome. */
interface Tally {
  judged: number;
  broke: number;
  keptHeld: number;
  keptBroke: number;
}

/** One request as judged when it arrived: what the console shows. */
export interface JudgedRequest {
  n: number;
  interaction?: Interaction;
  /** The API whose path it was sent to. */
  target?: TargetName;
  /** The path with any session id replaced by {id}: safe to print. */
  shownPath: string;
  findings: Finding[];
  /** Set when the harness could not judge it (a request built to break a reader): the case is broken, saying why. */
  unjudged?: string;
}

interface Held {
  /** The request and answer as the exchange every output renders (unredacted: redacted when the assessment ends); none
   * for a request let go and kept only for what the end decided of it. */
  exchange?: Exchange;
  judged: JudgedRequest;
}

/** One API's client side in an assessment: which requests are its, and its assessor (its rules, with their state). */
interface ApiAssessment {
  name: TargetName;
  sandboxPath: string;
  client: ClientSide;
  assessor: ClientAssessor;
}

export class ClientAssessment {
  /** The requests kept in full, by number. */
  private readonly held = new Map<number, Held>();
  /** Every request, as judged (the log's entries; each is small). */
  private readonly log: (Omit<RequestLogEntry, "at" | "kept" | "target"> & { target?: TargetName; receivedAt: number; durationMs: number; kept: boolean; interactionId?: Interaction })[] = [];
  private readonly tallies = new Map<string, Tally>();
  private readonly keptOther = { unjudged: 0, "not judged": 0 };
  private readonly keep: KeepPolicy;
  private readonly rules: Map<string, ClientCatalogue["rules"][number]>;
  /** Learns each request's secrets as it arrives (tokens, JWTs, session ids), so even the live console is redacted. */
  private readonly redactor: Redactor;

  /** An assessment of every API module with a client side and a base URL given to the supplier. */
  static async create(options: AssessmentOptions): Promise<ClientAssessment> {
    const apis = await Promise.all(TARGETS.flatMap((t) => {
      const client: ClientSide | undefined = t.client;
      const baseUrl = options.baseUrls[t.name];
      if (!client || baseUrl === undefined) return [];
      return [client.rules().then((rules): ApiAssessment => ({ name: t.name, sandboxPath: t.sandboxPath, client, assessor: rules.assessor({ directory: options.directory, baseUrl }) }))];
    }));
    return new ClientAssessment(options, apis);
  }

  private constructor(private readonly options: AssessmentOptions, private readonly apis: readonly ApiAssessment[]) {
    const secrets = apis.flatMap((a) => a.client.secrets?.of(options.directory) ?? []);
    // Compact: it learns a JWT with every request, and must not hold each as text for the whole assessment.
    this.redactor = new Redactor(secrets, apis.flatMap((a) => a.client.secrets?.fields ?? []), { compact: true });
    this.rules = new Map(options.catalogue.rules.map((r) => [r.id, r]));
    this.keep = { ...KEEP, ...options.keep };
  }

  /** How many requests were received (and judged). */
  get requests(): number {
    return this.log.length;
  }

  /** Which requests are kept in full, in words. */
  get keptRule(): string {
    return keptRule(this.keep);
  }

  private tallyOf(rule: string): Tally {
    let t = this.tallies.get(rule);
    if (!t) this.tallies.set(rule, (t = { judged: 0, broke: 0, keptHeld: 0, keptBroke: 0 }));
    return t;
  }

  /**
   * Counts a request's findings for each rule and says whether it is kept in full: when it is among the first to show
   * some rule's outcome (KeepPolicy), or, with no finding, among the first unjudged or uncovered ones.
   */
  private countAndKeep(findings: readonly Finding[], outcome: RequestLogEntry["outcome"], force = false): boolean {
    const broke = new Map<string, boolean>();
    for (const f of findings) broke.set(f.rule, broke.get(f.rule) === true || f.outcome === "fail");
    let keep = force;
    if (outcome === "unjudged" || outcome === "not judged") keep ||= this.keptOther[outcome] < this.keep.unjudged;
    for (const [rule, b] of broke) {
      const t = this.tallyOf(rule);
      if (b ? t.keptBroke < this.keep.brokePerRule : t.keptHeld < this.keep.heldPerRule) keep = true;
    }
    for (const [rule, b] of broke) {
      const t = this.tallyOf(rule);
      t.judged++;
      if (b) t.broke++;
      if (keep) {
        if (b) t.keptBroke++;
        else t.keptHeld++;
      }
    }
    if (keep && (outcome === "unjudged" || outcome === "not judged")) this.keptOther[outcome]++;
    return keep;
  }

  /**
   * The API a request is for, by its path under the module's sandbox path, and the path below that. A request under no
   * API's path is the first API's (its undocumented-interaction rule fails it): no request goes unjudged.
   */
  private apiOf(url: string): { api: ApiAssessment; path: string; outside?: true } | undefined {
    let path: string;
    try {
      path = new URL(url, "http://x").pathname.replace(/\/+$/, "");
    } catch {
      return undefined;
    }
    const api = this.apis.find((a) => path.startsWith(`${a.sandboxPath}/`));
    if (api) return { api, path: path.slice(api.sandboxPath.length) };
    return this.apis[0] && { api: this.apis[0], path: "", outside: true };
  }

  /** Judges a request as it arrives (requests are judged in arrival order: e-RS sessions span them). */
  add(req: ReceivedRequest): JudgedRequest {
    const n = this.log.length + 1;
    const at = this.apiOf(req.url);
    let interaction: Interaction | undefined;
    let findings: Finding[] = [];
    let unjudged: string | undefined;
    // One request, however it is built (a URL no parser takes, a body nested past any reader), never ends the
    // assessment: what cannot be judged is recorded as such, and everything judged before and after is kept.
    try {
      interaction = at?.api.client.interactionOf(req.method, at.path);
      findings = at && interaction ? at.api.assessor.judge(req, interaction, n) : [];
    } catch (err) {
      unjudged = `the harness could not judge this request: ${(err as Error).message}`;
    }
    // Keep only findings of rules the catalogue has for this interaction (a test holds the code and catalogue equal).
    const applicable = findings.filter((f) => interaction && this.rules.get(f.rule)?.appliesTo.includes(interaction));
    // The sandbox's answer is evidence: a request it refused with no MUST rule failing for it fails the API's catch-all.
    const accepted = at && interaction && !unjudged ? this.rules.get(at.api.client.acceptedRule) : undefined;
    if (accepted?.appliesTo.includes(interaction!)) applicable.push(acceptedFinding(accepted.id, req, applicable, this.rules));
    let shownPath: string;
    try {
      shownPath = this.shownPath(req.url, at);
    } catch {
      shownPath = req.url.split("?")[0]!;
    }
    const judged = { n, ...(interaction ? { interaction } : {}), ...(at ? { target: at.api.name } : {}), shownPath, findings: applicable, ...(unjudged ? { unjudged } : {}) };
    const exchange = exchangeOf(req);
    const broke = [...new Set(applicable.filter((f) => f.outcome === "fail").map((f) => f.rule))];
    const outcome: RequestLogEntry["outcome"] = unjudged ? "unjudged" : !applicable.length ? "not judged" : broke.length ? "broke" : "held";
    const kept = this.countAndKeep(applicable, outcome);
    if (kept) this.held.set(n, { exchange, judged });
    this.log.push({
      n, receivedAt: req.receivedAt, durationMs: Math.round(req.durationMs), method: req.method, path: shownPath, status: req.response.status,
      ...(judged.target ? { target: judged.target } : {}), ...(interaction ? { interaction: INTERACTIONS[interaction]!.name, interactionId: interaction } : {}),
      outcome, ...(broke.length ? { broke } : {}), kept,
    });
    this.redactor.learn(exchange);
    for (const a of this.apis) for (const secret of a.assessor.secrets?.() ?? []) this.redactor.add(secret);
    return judged;
  }

  /** A path safe to print and to title a case with: a credential in it (an e-RS session id) shown as {id}. */
  shownPath(url: string, at = this.apiOf(url)): string {
    const path = url.split("?")[0]!;
    return at?.api.client.shownPath && !at.outside ? `${at.api.sandboxPath}${at.api.client.shownPath(at.path)}` : path;
  }

  /** Text with every secret met so far masked: for the console. */
  redact(text: string): string {
    return this.redactor.text(text);
  }

  /**
   * The kept cases, redacted, with ERS-CLI-11 judged now that the assessment has ended; the request log; each rule's
   * tally over every request; and every secret form met. `verdictsOnly`: nothing will be written, so the cases and log
   * are left as judged, without the redaction and evidence bodies only a pack needs.
   */
  finish({ verdictsOnly = false } = {}): { cases: CaseRecord[]; log: RequestLogEntry[]; tallies: ReadonlyMap<string, { judged: number; broke: number; kept: number }>; secrets: Redactor } {
    // What only the end decides (a session never ended), by the request it is about: counted as every finding is. A
    // request let go is kept after all (without its exchange) when it is among the first to show that outcome.
    const atEnd = new Map<number, Finding[]>();
    for (const a of this.apis) for (const [n, f] of a.assessor.atEnd?.() ?? []) atEnd.set(n, [...(atEnd.get(n) ?? []), f]);
    for (const [n, late] of atEnd) {
      const entry = this.log[n - 1];
      if (!entry) continue;
      const broke = late.filter((f) => f.outcome === "fail").map((f) => f.rule);
      if (broke.length && entry.outcome !== "unjudged") {
        entry.outcome = "broke";
        entry.broke = [...new Set([...(entry.broke ?? []), ...broke])];
      }
      const held = this.held.get(n);
      if (this.countAndKeep(late, entry.outcome, !!held)) {
        entry.kept = true;
        // A request let go on arrival is kept as its log entry says it was judged, without its exchange.
        const judged: JudgedRequest = held?.judged ?? { n, shownPath: entry.path, findings: [], ...(entry.target ? { target: entry.target } : {}), ...(entry.interactionId ? { interaction: entry.interactionId } : {}) };
        this.held.set(n, { ...held, judged: { ...judged, findings: [...judged.findings, ...late] } });
      }
    }
    const redactor = this.redactor;
    const tallies = new Map([...this.tallies].map(([rule, t]) => [rule, { judged: t.judged, broke: t.broke, kept: t.keptBroke + t.keptHeld }]));
    const shown = verdictsOnly ? (text: string) => text : (text: string) => redactor.text(text);
    const log = this.log.map(({ receivedAt, durationMs: _, kept, path, interactionId: __, ...e }): RequestLogEntry => ({
      ...e, at: new Date(receivedAt).toISOString(), path: shown(path), ...(kept ? { kept: caseKey(e.n) } : {}),
    }));
    const judgedCases = [...this.held.entries()].sort(([a], [b]) => a - b).map(([n, { exchange, judged }]) => this.caseRecord(this.log[n - 1]!, exchange, judged));
    if (verdictsOnly) return { cases: judgedCases, log, tallies, secrets: redactor };
    const budget = this.options.evidenceMaxTotalBodyBytes === undefined ? undefined : { left: this.options.evidenceMaxTotalBodyBytes, total: this.options.evidenceMaxTotalBodyBytes };
    const built = judgedCases.map((raw) => {
      const checks = raw.steps[0]!.checks.map((c) => ({ ...c, expected: redactor.text(c.expected), actual: redactor.text(c.actual) }));
      const step = raw.steps[0]!;
      const redacted = { ...raw, steps: [{ ...step, ...(step.exchange ? { exchange: redactor.exchange(step.exchange) } : {}), checks }] };
      return { raw, redacted: { ...redacted, requirements: redacted.requirements.map((r) => ({ ...r, messages: r.messages.map((m) => redactor.text(m)) })) } };
    });
    // The body budget goes first to the requests that broke a rule: they are what an assessor reads first.
    const bodies = new Map<string, CaseRecord>();
    for (const { raw, redacted } of [...built.filter((b) => b.raw.status !== "passed"), ...built.filter((b) => b.raw.status === "passed")]) {
      bodies.set(raw.key, evidenceBodies(raw, redacted, this.options.evidenceMaxBodyBytes, budget));
    }
    const cases = built.map((b) => bodies.get(b.raw.key)!);
    return { cases, log, tallies, secrets: redactor };
  }

  /** The request as a case, judged as every run's case is (judgeCase): one step, the request and its answer. */
  private caseRecord(entry: ClientAssessment["log"][number], exchange: Exchange | undefined, judged: JudgedRequest): CaseRecord {
    const info = judged.interaction ? INTERACTIONS[judged.interaction] : undefined;
    // A request for no API's path is listed with the first API the supplier was given: it must appear somewhere.
    const target: TargetName = judged.target ?? entry.target ?? this.apis[0]?.name ?? TARGETS[0].name;
    const checks: CheckResult[] = judged.findings.map((f) => ({
      requirement: f.rule, expected: f.expected, outcome: f.outcome,
      ...(f.outcome === "fail" ? { actual: `${f.actual ?? "it"}${f.path ? ` (at ${f.path})` : ""}` } : {}),
      at: this.rules.get(f.rule)?.at ?? this.options.catalogue.file,
    }));
    // Each rule once, in catalogue order.
    const verifies = this.options.catalogue.rules.map((r) => r.id).filter((id) => checks.some((c) => c.requirement === id));
    const status = judged.unjudged ? "broken" : checks.some((c) => c.outcome === "fail") ? "failed" : "passed";
    const note = judged.unjudged ?? (exchange ? undefined : "judged when it arrived and let go (earlier requests had already shown each of its outcomes); kept for what the end of the assessment decided of it, without its exchange");
    const step: StepResult = { name: "the request as the sandbox received it, and its answer", phase: "main", status, ...(exchange ? { exchange } : {}), checks, ...(note ? { note } : {}) };
    const title = `request ${entry.n}: ${info?.name ?? "not an interaction the client rules cover"} — ${entry.method} ${entry.path} → ${entry.status}`;
    const key = caseKey(entry.n);
    const at = this.options.catalogue.file;
    const planned: PlannedCase = {
      key, caseId: key, title, suite: at, file: at, at, target, verifies, tags: judged.interaction ? [judged.interaction] : [], vars: {},
      api: info?.api ?? Object.values(TARGETS.find((t) => t.name === target)?.client?.interactions ?? {})[0]?.api ?? target,
      interaction: info?.name ?? "Other requests",
      steps: [], teardown: [], defaultHeaders: {}, defaultVariants: [], secretFields: [],
    };
    const result: CaseResult = { key, status, ...(judged.unjudged ? { reason: judged.unjudged } : {}), steps: [step], startedAt: entry.receivedAt, durationMs: entry.durationMs, secrets: [] };
    return { ...judgeCase(planned, result), receivedRequest: true };
  }
}

/** A received request's case key, by its number. */
const caseKey = (n: number) => `request-${String(n).padStart(4, "0")}`;

/** The request and answer as an HTTP exchange, the form every output renders. */
function exchangeOf(req: ReceivedRequest): Exchange {
  const jwt = decodedBearer(req.headers);
  return {
    request: { method: req.method, url: `${req.origin}${req.url}`, headers: req.headers, ...(req.body ? { body: req.body } : {}) },
    response: { ...req.response, bytes: Buffer.byteLength(req.response.body) },
    ...(jwt ? { jwt } : {}),
    startedAt: req.receivedAt, durationMs: req.durationMs,
  };
}

export interface ClientRunInput {
  runId: string;
  startedAt: number;
  tool: RunResult["tool"];
  assessment: ClientAssessment;
  catalogue: ClientCatalogue;
  baseUrls: Partial<Record<TargetName, string>>;
  tls: boolean;
  /** Why the assessment ended: --requests, --until-idle, a signal. */
  ended: string;
  printed: readonly string[];
  /** The supplier's system, as declared (assess-client's options, ASSESSED_*). */
  system?: AssessedSystem;
  /** Files the outputs will carry forward from earlier assessments (Allure's history). */
  carriedFiles?: readonly { path: string; where: string }[];
  /** Only the verdicts are wanted, and nothing will be written (the tests' fault tables): no redaction, no leak gate. */
  verdictsOnly?: boolean;
}

/** The assessment as a RunResult: verdicts per client rule, the leak gate, the gate. */
export function clientRunResult(input: ClientRunInput): { run: RunResult; secrets: Redactor } {
  const { cases, log, tallies, secrets } = input.assessment.finish({ verdictsOnly: input.verdictsOnly });
  // The APIs whose base URLs the supplier was given; a request for no API's path counts for the first.
  const given = TARGETS.filter((t) => input.baseUrls[t.name]);
  const targets: TargetRecord[] = given.map(({ name }, i) => {
    const n = log.filter((e) => e.target === name || (i === 0 && !e.target)).length;
    return { name, baseUrl: input.baseUrls[name]!, embedded: true, requests: n, responses: n };
  });
  // The run's own judging path: verdicts, the leak gate and the gate, with "nothing assessed" one of its rules. The
  // kept cases give every verdict the whole assessment gives (see KeepPolicy); each rule's counts are every request's.
  const judged = judgeRun({
    requirements: clientRequirements(input.catalogue), cases, targets, strict: false, secrets: input.verdictsOnly ? undefined : secrets, printed: input.printed, carriedFiles: input.carriedFiles ?? [], requestLog: log,
    // A rule no request exercised is not-run, never passed; its reason says so in the assessment's words.
    notRunReason: (r) => `no request exercised it (it applies to ${input.catalogue.rules.find((x) => x.id === r.id)!.appliesTo.map((i) => INTERACTIONS[i]!.name).join(", ")})`,
    context: { assessment: { requests: log.length } },
  });
  const { gate } = judged;
  const requirements = judged.requirements.map((r) => {
    const t = tallies.get(r.id);
    if (!t) return r;
    return { ...r, requests: t, ...(r.verdict === "fail" || r.verdict === "warning" ? { reason: `${t.broke} of the ${t.judged} request(s) it judged broke it` } : {}) };
  });
  const kept = cases.length;
  const finishedAt = Date.now();
  const catalogueName = `${input.catalogue.file} version ${input.catalogue.version} (client-side rules)`;
  const run: RunResult = {
    resultVersion: RESULT_VERSION,
    runId: input.runId,
    tool: input.tool,
    startedAt: new Date(input.startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    durationMs: Math.max(0, finishedAt - input.startedAt),
    strict: false,
    assessment: {
      kind: "client", ended: input.ended, requests: log.length, tls: input.tls, ...(input.system && Object.keys(input.system).length ? { system: input.system } : {}),
      kept, keptRule: input.assessment.keptRule,
    },
    requestLog: log,
    targets,
    inputs: {
      targets: targets.map((t) => ({ api: t.name, kind: "embedded sandbox" as const, baseUrl: t.baseUrl })),
      testData: {},
      sandboxDefaults: [],
      strict: false,
      concurrency: 1,
      harness: harnessLabel(input.tool),
      specifications: given.map((t) => t.specification),
      ruleCatalogue: catalogueName,
    },
    environment: {
      Assessment: "client: the sandbox judged the requests the supplier's system sent",
      ...Object.fromEntries(targets.map((t) => [`${t.name.toUpperCase()} base URL given to the supplier`, `${t.baseUrl} (${t.requests} request(s))`])),
      "Mutual TLS": input.tls ? "yes: the sandbox's test PKI" : "no: plain HTTP (--http)",
      Ended: input.ended,
      "Requests kept in full": `${kept} of ${log.length} (${input.assessment.keptRule}); every request is in requests.csv`,
      Harness: harnessLabel(input.tool, true),
      "Rule catalogue": catalogueName,
      Run: input.runId,
    },
    configHash: "",
    requirements,
    cases,
    gate,
    expiredWaivers: [],
    runErrors: [],
  };
  return { run, secrets };
}

/** The catch-all's finding: a refusal (4xx, 5xx) no MUST rule already blames fails it, with what the sandbox said. */
function acceptedFinding(rule: string, req: ReceivedRequest, findings: readonly Finding[], rules: ReadonlyMap<string, { level: string }>): Finding {
  const check = ruleOf(rule, "a request the sandbox (Spine's stand-in) accepts, or one a MUST rule of its own blames");
  const { status } = req.response;
  if (status < 400 || findings.some((f) => f.outcome === "fail" && rules.get(f.rule)?.level === "MUST")) return check.pass();
  return check.fail(`refused: HTTP ${status}${refusalOf(req.response)}`, "the sandbox's answer");
}

/** The code and diagnostics of an error answer (a Spine OperationOutcome, or e-RS's), read by its Content-Type, briefly. */
function refusalOf(response: ReceivedRequest["response"]): string {
  const body = parseResponse({ ...response, bytes: Buffer.byteLength(response.body) }).body;
  const issue = (body as { issue?: { details?: { coding?: { code?: string }[] }; diagnostics?: string }[] } | undefined)?.issue?.[0];
  const code = issue?.details?.coding?.[0]?.code;
  return `${code ? ` ${code}` : ""}${typeof issue?.diagnostics === "string" ? `: ${issue.diagnostics.slice(0, 200)}` : ""}`;
}
