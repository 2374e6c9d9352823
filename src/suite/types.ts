// The suite format, as TypeScript sees it. `schemas/suite.schema.json` is the authority a YAML file is checked
// against; these types describe what a file that passed it holds.
import type { TargetName } from "../config/load-config.ts";

export type Level = "MUST" | "SHOULD";
export type Basis = "DOC" | "EX" | "INF" | "RI" | "DOC+EX" | "DOC+INF" | "DOC/RI";

export interface SourceRef {
  /** A file under ../shared/spec, e.g. seeds/004_26cb29f41a933762.txt or nhs/....md */
  file: string;
  section: string;
}

export interface Requirement {
  id: string;
  level: Level;
  basis: Basis;
  text: string;
  source: SourceRef;
  /** Where the suite chose between disagreeing sources: what it chose and why. */
  note?: string;
}

export interface BodySpec {
  /** A file under fixtures/, JSON (FHIR or plain). */
  fixture?: string;
  /** Edits at dotted paths (`content[0].attachment.url`); values are interpolated. */
  set?: Record<string, unknown>;
  remove?: string[];
  /** Literal text, sent as is after interpolation: for malformed bodies. */
  raw?: string;
  /** How a fixture is serialised: json (default) or xml (FHIR XML through the STU3 codec). Interpolated. */
  as?: string;
}

export interface JwtSpec {
  /** read or write: patient/DocumentReference.<scope>. */
  scope: string;
  /** Claims to replace or add; values are interpolated (or one template naming an object, e.g. "{{bad.claims}}"). */
  set?: Record<string, unknown>;
  /** Claims to leave out. */
  remove?: string[];
  /** A non-empty signature, to prove the target rejects one. */
  signature?: string;
  /** Keep only the first N sections (a JWT must have 3). */
  sections?: number;
}

export interface RequestSpec {
  method: string;
  /** Relative to the target's base URL. */
  path?: string;
  /** An absolute URL (e.g. a captured Location). */
  url?: string;
  query?: Record<string, string>;
  /** A null value removes a default header. */
  headers?: Record<string, string | null>;
  jwt?: JwtSpec;
  body?: BodySpec;
}

interface ExpectBase {
  /** The requirement this check gives evidence for. */
  req: string;
  /** A failure is reported as a warning, not a failure (sources disagree; RULES.md says so). */
  warnOnly?: boolean;
}

export type Expectation = ExpectBase &
  (
    | { status: number | number[] }
    | { header: string; present?: boolean; absent?: boolean; equals?: string; matches?: string }
    | { schema: string }
    | { fhirpath: string; equals?: unknown; description?: string }
    | { outcome: OutcomeExpectation }
    | { format: "json" | "xml" | "{{format}}" | string }
    | { emptyBody: true }
  );

export interface OutcomeExpectation {
  /** Which issue: default the first. */
  issue?: number;
  severity?: string;
  code?: string;
  system?: string;
  coding?: string;
  /** Accepted displays, compared case-insensitively. */
  display?: string[];
  /** What a display mismatch counts as (sources disagree on displays, RULES.md). */
  displayMismatch?: "fail" | "warn";
  diagnostics?: string;
  /** A regular expression the diagnostics must match. */
  diagnosticsMatches?: string;
  /** A regular expression details.text must match. */
  textMatches?: string;
  /** No details.text at all. */
  noText?: boolean;
  profile?: string;
  /** details.coding has exactly one entry. */
  singleCoding?: boolean;
}

export interface Capture {
  header?: string;
  /** A FHIRPath expression over the parsed body; the first result is captured. */
  body?: string;
  /** A regular expression; group 1 (or the whole match) is captured. */
  pattern?: string;
  /** Redact this value wherever it appears. */
  secret?: boolean;
}

export interface StepSpec {
  name: string;
  /** Run only when every named capture has a value (teardown of something that may not exist). */
  when?: string[];
  request: RequestSpec;
  expect?: Expectation[];
  capture?: Record<string, Capture>;
  /** When the response status is one of these, the case is not applicable to this target (e.g. optional endpoint absent). */
  notApplicableIf?: { status: number[]; reason: string };
}

export interface CaseSpec {
  id: string;
  title: string;
  verifies: string[];
  tags?: string[];
  /** Fan out into one case per format; {{format}} and {{mime}} hold the format and its FHIR media type. */
  formats?: ("json" | "xml")[];
  /** Fan out into one case per value; {{<name>}} holds the value (objects: {{<name>.field}}). */
  each?: { name: string; values: unknown[] };
  /** Not applicable when one of these configuration variables is empty. */
  requires?: { config: string[]; reason: string };
  steps: StepSpec[];
  teardown?: StepSpec[];
}

export interface Suite {
  suite: string;
  api: string;
  interaction: string;
  target: TargetName;
  spec: { name: string; version: string };
  /** Public location of each source file, for links in the report. */
  sources: Record<string, string>;
  /** JSON member names whose values are secrets in this API's bodies (e.g. the e-RS token and session id). */
  secretFields?: string[];
  /** Applied to every request; a step's own headers win. */
  defaults?: { headers?: Record<string, string> };
  requirements: Requirement[];
  cases: CaseSpec[];
}

/** A suite as loaded: its file and the line of each case, for error messages. */
export interface LoadedSuite extends Suite {
  file: string;
}
