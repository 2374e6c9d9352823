// The RunResult: everything a run established, built once (each case judged as its result arrives, the requirements
// and the gate at the end) and stored whole as run-result.json in the run folder. Every output — summary, coverage
// matrix, JUnit, console, Allure results, manifest — is rendered from it, so `spine-assure report RUN` renders the same
// outputs from the stored file as the run did.
import type { Basis, Level, SourceLocation } from "../suite/types.ts";
import type { VariantUse } from "../run/evaluate-check.ts";
import type { StepResult } from "../run/run-case.ts";
/** An API by its module name (a pack is data: it may name an API this harness no longer has). */
type TargetName = string;
import type { CaseRunStatus, GateResult, RequirementCaseStatus, StopReason, Verdict } from "./status.ts";
import type { Waiver } from "../judge/waivers.ts";

/** How one case went for one requirement: only that requirement's checks count. */
/** The version of run-result.json this harness writes and reads (src/evidence/run-result-file.ts). */
export const RESULT_VERSION = 1;

export interface RequirementCase {
  key: string;
  title: string;
  status: RequirementCaseStatus;
  /** How the case went as a whole. */
  caseStatus: CaseRunStatus;
  format?: string;
  messages: string[];
  /** Documented variants this case's checks accepted or warned about for this requirement. */
  variants?: VariantUse[];
}

export interface CaseRecord {
  key: string;
  title: string;
  suite: string;
  api: string;
  interaction: string;
  target: TargetName;
  /** Where the case was written. */
  at: SourceLocation;
  format?: string;
  tags: string[];
  /** The case's own variables (format, mime, the each-value), as written in the suite. */
  vars: Record<string, unknown>;
  verifies: string[];
  status: CaseRunStatus;
  /** Why the case is not applicable, did not run, or what broke it. */
  reason?: string;
  startedAt?: number;
  durationMs: number;
  /** Steps with their exchanges and checks (each check with its requirement and suite line), redacted. */
  steps: StepResult[];
  /** This case judged for each requirement it verifies, in the suite's requirement order. */
  requirements: RequirementCase[];
  /** In a merged latest view: the run this case's result comes from. */
  fromRun?: string;
  /** A client assessment's case: a request the supplier's system sent (`at` names the rule catalogue it was judged by). */
  receivedRequest?: boolean;
}

export interface RequirementVerdict {
  id: string;
  level: Level;
  basis: Basis;
  text: string;
  api: string;
  interaction: string;
  suite: string;
  source: { file: string; section: string; url?: string };
  note?: string;
  verdict: Verdict;
  reason?: string;
  /** The waiver that applied (or had expired) for this requirement. */
  waiver?: Waiver & { expired: boolean };
  /** Documented variants the target used for this requirement, once each. */
  variants?: VariantUse[];
  cases: RequirementCase[];
  /**
   * A client assessment: how many received requests this rule judged and how many broke it, counted over every
   * request (`cases` lists only those kept in full).
   */
  requests?: { judged: number; broke: number; kept: number };
  /** In a merged latest view: the run this verdict comes from. */
  fromRun?: string;
}

/** One request of a client assessment, as the request log lists it (requests.csv). */
export interface RequestLogEntry {
  n: number;
  /** When its headers arrived. */
  at: string;
  method: string;
  /** The path without its query, a credential in it shown as {id}. */
  path: string;
  /** The sandbox's answer. */
  status: number;
  target?: TargetName;
  /** The interaction it was judged as (absent: none the client rules cover). */
  interaction?: string;
  /** held: every rule judged held; broke: a rule failed; unjudged: the harness could not judge it; not judged: no rule applies. */
  outcome: "held" | "broke" | "unjudged" | "not judged";
  /** The rules it broke. */
  broke?: string[];
  /** Its case's key when it is kept in full. */
  kept?: string;
}

export interface TargetRecord {
  name: TargetName;
  baseUrl: string;
  embedded: boolean;
  requests: number;
  responses: number;
  /** The proxy it was reached through (no credentials). */
  proxy?: string;
  /** The client certificate presented, and the variable it came from. */
  clientCertificate?: { subject: string; issuer: string; validFrom: string; validTo: string; fingerprint: string; from?: string };
}

export interface Gate {
  exitCode: number;
  result: GateResult;
  reason: string;
  /** Where a secret was found (never what): a leak outranks every verdict. */
  leaks?: string[];
}

export interface RunFilters {
  suites?: string[];
  requirements?: string[];
  tags?: string[];
  formats?: string[];
  /** A rerun's cases. */
  caseKeys?: string[];
}

/** What the run was given, so a reader can tell what was tested, against what and with which data. */
export interface RunInputs {
  /** Each API: the embedded sandbox, an external target, or not run; with the sandbox's switched-on faults and variants. */
  targets: { api: TargetName; kind: "embedded sandbox" | "external" | "not run"; baseUrl?: string; proxy?: string; clientCertificate?: string }[];
  sandbox?: { faults: string[]; variants: string[] };
  /** Every test-data value in effect (secrets masked), and which of them are still the sandbox's defaults. */
  testData: Record<string, string>;
  sandboxDefaults: string[];
  filters?: RunFilters;
  strict: boolean;
  concurrency: number;
  harness: string;
  specifications: string[];
  ruleCatalogue: string;
  /** SHA-256 of the suites as loaded (every case, check and requirement): runs with another never merge into one view. */
  suitesHash?: string;
}

/**
 * The supplier's system a client assessment judged, as the supplier declared it (assess-client's options or the
 * ASSESSED_* settings): shown on the first screen and signed with the rest, so an assessor knows whose system it was.
 */
export interface AssessedSystem {
  /** The product's name. */
  product?: string;
  version?: string;
  /** The supplier organisation (name or ODS code). */
  supplier?: string;
  /** The system's ASID, the one it sends as fromASID or XAPI_ASID. */
  asid?: string;
}

/** "Product 2.1 by Supplier (ASID 200000000118)", from what was declared. */
export function describeSystem(s: AssessedSystem): string {
  return [s.product ?? "an unnamed product", s.version, s.supplier ? `by ${s.supplier}` : undefined, s.asid ? `(ASID ${s.asid})` : undefined].filter(Boolean).join(" ");
}

export interface RunResult {
  resultVersion: typeof RESULT_VERSION;
  runId: string;
  tool: { name: string; version: string; commit?: string };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  strict: boolean;
  /** Set for a client assessment (`assess-client`): the cases are the requests the supplier's system sent, judged
   * against the client rule catalogue, not the suites' cases against a target. */
  assessment?: {
    kind: "client";
    ended: string;
    requests: number;
    tls: boolean;
    system?: AssessedSystem;
    /** How many of the requests are cases kept in full (their exchanges and every check); every request is in `requestLog`. */
    kept?: number;
    /** Which requests are kept in full, in words. */
    keptRule?: string;
  };
  /** A client assessment: every request received, in arrival order, as judged (kept in full or not). */
  requestLog?: RequestLogEntry[];
  /** Set when the run was stopped by a signal: cases that had not started are not-run, and the run is not compared. */
  interrupted?: StopReason;
  /** The filters a partial run was made with (a filtered run or a rerun); absent for a full run. */
  filters?: RunFilters;
  /** A merged latest view: the runs it was made from, oldest first (see merge-runs.ts). */
  mergedFrom?: { runId: string; partial: boolean; finishedAt: string }[];
  targets: TargetRecord[];
  /** What the run was given (absent in results written before it was recorded). */
  inputs?: RunInputs;
  /** What the report shows as the run's environment: targets, masked ASIDs, harness, specifications. */
  environment: Record<string, string>;
  /** SHA-256 of the configuration in effect, secrets excluded. */
  configHash: string;
  requirements: RequirementVerdict[];
  /** Every planned case, in plan order; those that never started are not-run. */
  cases: CaseRecord[];
  gate: Gate;
  /** Waivers past their date for requirements that failed or warned: they gate again. */
  expiredWaivers: Waiver[];
  /** Errors vitest saw outside any case. */
  runErrors: string[];
  /** Set-up warnings, shown in the console and the report (a client certificate ending within 30 days). */
  warnings?: string[];
  /** Set when `spine-assure report` rendered these outputs again; `fromAltered` when the results no longer matched the signed manifest. */
  regenerated?: { at: string; fromAltered?: { at: string; changed: string[]; missing: string[]; added: string[] } };
  /** The client identities that signed the evidence (set when it is published; empty: unsigned). */
  signedBy?: { subject: string; issuer: string; serial: string; validFrom: string; validTo: string; targets: string[]; embedded: boolean }[];
  /** Where the run's time went, up to judging it. */
  timing?: { startupMs: number; casesMs: number; outputsMs: number; requests: number; concurrency: number; peakRssMiB: number };
}
