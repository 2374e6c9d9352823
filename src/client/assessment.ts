// A client assessment: every request the sandbox received from the supplier's system becomes a case, judged against
// the client rules that apply to its interaction; at the end each rule's verdict is decided across every request
// that exercised it (the run's own requirementVerdicts), and the whole becomes a RunResult, so every output the
// server-side run has — summary, matrix, JUnit, Allure report, signed manifest — renders a client assessment too.
import { decideGate } from "../judge/gate.ts";
import { checkMessage } from "../judge/judge-case.ts";
import { findLeaksInRun } from "../judge/leak-gate.ts";
import type { CaseRecord, RunResult, TargetRecord } from "../judge/run-result.ts";
import { EXIT } from "../judge/status.ts";
import { requirementVerdicts } from "../judge/verdicts.ts";
import type { CheckResult } from "../run/evaluate-check.ts";
import { evidenceBodies } from "../run/evidence-bodies.ts";
import type { Exchange } from "../run/http-client.ts";
import { Redactor } from "../run/redact.ts";
import type { StepResult } from "../run/run-case.ts";
import { decodedBearer } from "../spine/jwt.ts";
import type { TargetName } from "../targets.ts";
import { harnessLabel } from "../cli/tool-info.ts";
import type { Directory } from "../../sandbox/directory.ts";
import { clientRequirements, INTERACTIONS, type ClientCatalogue, type Interaction } from "./catalogue.ts";
import { ErsSessions } from "./ers-session-rules.ts";
import type { Finding } from "./finding.ts";
import { nrlsRequestFindings } from "./nrls-request-rules.ts";
import { pointerFindings, readPointer, sniffFormat } from "./pointer-rules.ts";
import { formatOfContentType } from "../fhir/media-types.ts";
import { headerIn, interactionOf, type ReceivedRequest } from "./received-request.ts";

export interface AssessmentOptions {
  catalogue: ClientCatalogue;
  directory: Directory;
  /** The base URLs the supplier was given, by API. */
  baseUrls: Record<TargetName, string>;
  /** Bodies kept as evidence up to this many bytes (EVIDENCE_MAX_BODY_BYTES). */
  evidenceMaxBodyBytes: number;
}

/** One request as judged when it arrived: what the console shows. */
export interface JudgedRequest {
  n: number;
  interaction?: Interaction;
  /** The path with any session id replaced by {id}: safe to print. */
  shownPath: string;
  findings: Finding[];
}

interface Held {
  req: ReceivedRequest;
  /** The request and answer as the exchange every output renders (unredacted: redacted when the assessment ends). */
  exchange: Exchange;
  judged: JudgedRequest;
}

export class ClientAssessment {
  private readonly held: Held[] = [];
  private readonly ers: ErsSessions;
  private readonly rules: Map<string, ClientCatalogue["rules"][number]>;
  /** Learns each request's secrets as it arrives (tokens, JWTs, session ids), so even the live console is redacted. */
  private readonly redactor: Redactor;

  constructor(private readonly options: AssessmentOptions) {
    this.ers = new ErsSessions(options.directory);
    this.redactor = new Redactor(options.directory.ers.users.map((u) => u.token), ["token"]);
    this.rules = new Map(options.catalogue.rules.map((r) => [r.id, r]));
  }

  get requests(): number {
    return this.held.length;
  }

  /** Judges a request as it arrives (requests are judged in arrival order: e-RS sessions span them). */
  add(req: ReceivedRequest): JudgedRequest {
    const n = this.held.length + 1;
    const interaction = interactionOf(req);
    const findings = interaction ? this.findings(req, interaction, n) : [];
    // Keep only findings of rules the catalogue has for this interaction (a test holds the code and catalogue equal).
    const applicable = findings.filter((f) => interaction && this.rules.get(f.rule)?.appliesTo.includes(interaction));
    const judged = { n, interaction, shownPath: shownPath(req.url), findings: applicable };
    const exchange = exchangeOf(req);
    this.held.push({ req, exchange, judged });
    this.redactor.learn(exchange);
    for (const id of this.ers.ids()) this.redactor.add(id);
    return judged;
  }

  /** Text with every secret met so far masked: for the console. */
  redact(text: string): string {
    return this.redactor.text(text);
  }

  private findings(req: ReceivedRequest, interaction: Interaction, n: number): Finding[] {
    if (interaction.startsWith("ers-")) return this.ers.judge(req, interaction as Parameters<ErsSessions["judge"]>[1], n);
    const out = nrlsRequestFindings(req, interaction as "nrls-create", { directory: this.options.directory, baseUrl: this.options.baseUrls.nrls });
    if (interaction === "nrls-create") {
      // The body in the format its Content-Type names; from its first character when that names none (NRLS-CLI-18
      // has said so), so the pointer is still judged.
      const ct = headerIn(req, "Content-Type");
      const format = formatOfContentType(ct) ?? sniffFormat(req.body) ?? "json";
      const read = readPointer(req.body, format);
      const r19 = { rule: "NRLS-CLI-19", expected: `one well-formed FHIR STU3 DocumentReference in ${format.toUpperCase()}` };
      if ("problem" in read) out.push({ ...r19, outcome: "fail", actual: read.problem, path: "body" });
      else {
        out.push({ ...r19, outcome: "pass" });
        const from = req.headers.find(([k]) => k === "fromASID")?.[1];
        out.push(...pointerFindings(read.resource, { fromAsid: from, directory: this.options.directory }));
      }
    }
    return out;
  }

  /** The cases, redacted, with ERS-CLI-11 judged now that the assessment has ended; and every secret form met. */
  finish(): { cases: CaseRecord[]; secrets: string[] } {
    const unended = this.ers.unended();
    const redactor = this.redactor;
    const cases = this.held.map(({ req, exchange, judged }) => {
      const findings = [...judged.findings, ...(unended.has(judged.n) ? [unended.get(judged.n)!] : [])];
      const raw = this.caseRecord(req, exchange, judged, findings);
      const checks = raw.steps[0]!.checks.map((c) => ({ ...c, expected: redactor.text(c.expected), actual: redactor.text(c.actual) }));
      const redacted = { ...raw, steps: [{ ...raw.steps[0]!, exchange: redactor.exchange(raw.steps[0]!.exchange!), checks }] };
      const safe = evidenceBodies(raw, redacted, this.options.evidenceMaxBodyBytes);
      return { ...safe, requirements: safe.requirements.map((r) => ({ ...r, messages: r.messages.map((m) => redactor.text(m)) })) };
    });
    return { cases, secrets: redactor.secrets() };
  }

  private caseRecord(req: ReceivedRequest, exchange: Exchange, judged: JudgedRequest, findings: Finding[]): CaseRecord {
    const info = judged.interaction ? INTERACTIONS[judged.interaction] : undefined;
    const target: TargetName = req.url.startsWith("/ers-api") ? "ers" : "nrls";
    const checks: CheckResult[] = findings.map((f) => ({
      requirement: f.rule, expected: f.expected, outcome: f.outcome,
      ...(f.outcome === "fail" ? { actual: `${f.actual ?? "it"}${f.path ? ` (at ${f.path})` : ""}` } : {}),
      at: this.rules.get(f.rule)?.at ?? this.options.catalogue.file,
    }));
    // Each rule once, in catalogue order.
    const verifies = this.options.catalogue.rules.map((r) => r.id).filter((id) => checks.some((c) => c.requirement === id));
    const failed = checks.some((c) => c.outcome === "fail");
    const step: StepResult = { name: "the request as the sandbox received it, and its answer", phase: "main", status: failed ? "failed" : "passed", exchange, checks };
    const title = `request ${judged.n}: ${info?.name ?? "not an interaction the client rules cover"} — ${req.method} ${judged.shownPath} → ${req.response.status}`;
    const key = `request-${String(judged.n).padStart(4, "0")}`;
    return {
      key, title, suite: this.options.catalogue.file,
      api: info?.api ?? (target === "ers" ? INTERACTIONS["ers-a001"].api : INTERACTIONS["nrls-create"].api),
      interaction: info?.name ?? "Other requests", target, at: this.options.catalogue.file, tags: judged.interaction ? [judged.interaction] : [], vars: {},
      receivedRequest: true, verifies, status: failed ? "failed" : "passed", startedAt: req.receivedAt, durationMs: Math.round(req.durationMs), steps: [step],
      requirements: verifies.map((id) => {
        const mine = checks.filter((c) => c.requirement === id);
        const bad = mine.filter((c) => c.outcome === "fail");
        return { key, title, status: bad.length ? "failed" : "passed", caseStatus: failed ? "failed" : "passed", messages: bad.map(checkMessage) };
      }),
    };
  }
}

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

/** A path safe to print and to title a case with: an e-RS session id in it (a credential) becomes {id}. */
export function shownPath(url: string): string {
  const path = url.split("?")[0]!;
  return path.replace(/^(\/ers-api\/v1\/ProfessionalSession\/)[^/]+/, "$1{id}");
}

export interface ClientRunInput {
  runId: string;
  startedAt: number;
  tool: RunResult["tool"];
  assessment: ClientAssessment;
  catalogue: ClientCatalogue;
  baseUrls: Record<TargetName, string>;
  tls: boolean;
  /** Why the assessment ended: --requests, --until-idle, a signal. */
  ended: string;
  printed: readonly string[];
}

/** The assessment as a RunResult: verdicts per client rule, the leak gate, the gate. */
export function clientRunResult(input: ClientRunInput): { run: RunResult; secrets: string[] } {
  const { cases, secrets } = input.assessment.finish();
  // A rule no request exercised is not-run, never passed; its reason says so in the assessment's words.
  const requirements = requirementVerdicts(clientRequirements(input.catalogue), cases).map((r) =>
    r.verdict === "not-run" ? { ...r, reason: `no request exercised it (it applies to ${input.catalogue.rules.find((x) => x.id === r.id)!.appliesTo.map((i) => INTERACTIONS[i].name).join(", ")})` } : r);
  const targets: TargetRecord[] = (["ers", "nrls"] as const).map((name) => {
    const n = cases.filter((c) => c.target === name).length;
    return { name, baseUrl: input.baseUrls[name], embedded: true, requests: n, responses: n };
  });
  const leaks = findLeaksInRun({ cases, requirements, printed: input.printed }, secrets);
  let gate = decideGate(requirements, targets, false, leaks);
  // Nothing received is nothing assessed: never a pass a CI gate could mistake for one.
  if (cases.length === 0 && !leaks.length) gate = { exitCode: EXIT.unreachable, result: "unreachable", reason: "no request was received from the supplier's system: nothing was assessed" };
  const finishedAt = Date.now();
  const catalogueName = `${input.catalogue.file} version ${input.catalogue.version} (client-side rules)`;
  const run: RunResult = {
    resultVersion: 1,
    runId: input.runId,
    tool: input.tool,
    startedAt: new Date(input.startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    durationMs: Math.max(0, finishedAt - input.startedAt),
    strict: false,
    assessment: { kind: "client", ended: input.ended, requests: cases.length, tls: input.tls },
    targets,
    inputs: {
      targets: targets.map((t) => ({ api: t.name, kind: "embedded sandbox" as const, baseUrl: t.baseUrl })),
      testData: {},
      sandboxDefaults: [],
      strict: false,
      concurrency: 1,
      harness: harnessLabel(input.tool),
      specifications: ["e-RS XAPI v1 (A001–A004)", "NRLS API 1.1 / 1.2-beta, NRLS-DocumentReference-1"],
      ruleCatalogue: catalogueName,
    },
    environment: {
      Assessment: "client: the sandbox judged the requests the supplier's system sent",
      ...Object.fromEntries(targets.map((t) => [`${t.name.toUpperCase()} base URL given to the supplier`, `${t.baseUrl} (${t.requests} request(s))`])),
      "Mutual TLS": input.tls ? "yes: the sandbox's test PKI" : "no: plain HTTP (--http)",
      Ended: input.ended,
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
