// The suite format as the engine sees it. The types of what a suite file holds are generated from
// schemas/suite.schema.json (suite-format.generated.ts), so the schema and the types cannot drift apart; this module
// names them and adds what loading adds: each case's and each check's place in its file, and the requirements a case
// verifies, derived from its checks.
import type { Capture, Case, Expectation, Outcome, Request, Requirement, SpineAssureSuite, Step } from "./suite-format.generated.ts";
import type { TargetName } from "../targets.ts";

export type { Capture, Expectation, Requirement };

/** A generated type without its index signature (the schema's free `x-` blocks), keeping its declared members. */
type Declared<T> = { [K in keyof T as string extends K ? never : K]: T[K] };
type Suite = Declared<SpineAssureSuite>;
export type OutcomeExpectation = Outcome;
export type RequestSpec = Request;
export type BodySpec = NonNullable<Request["body"]>;
export type Level = Requirement["level"];
export type Basis = Requirement["basis"];
export type Requester = NonNullable<Suite["requester"]>;

/** Where something was written: `suites/nrls/create.yaml:213`. */
export type SourceLocation = string;

/** A check as loaded: the expectation and the line that wrote it (a shared anchor's line, when aliased). */
export type LoadedCheck = Expectation & { at: SourceLocation };

export interface LoadedStep extends Omit<Step, "expect"> {
  expect: LoadedCheck[];
  at: SourceLocation;
}

export interface LoadedCase extends Omit<Case, "steps" | "teardown" | "verifies"> {
  /** The requirements its checks name, with any declared `verifies:`, in the suite's requirement order. */
  verifies: string[];
  steps: LoadedStep[];
  teardown: LoadedStep[];
  at: SourceLocation;
}

export interface LoadedSuite extends Omit<Suite, "cases" | "target" | "requirements"> {
  target: TargetName;
  requirements: Requirement[];
  cases: LoadedCase[];
  /** defaults.primer as loaded: the good request that opens a reused connection. */
  primer?: LoadedStep;
  /** The file, relative to the project root. */
  file: string;
}

/** What a check expects, in words, without its bookkeeping (requirement, warning flag, location). */
export function describeExpectation(e: Expectation): string {
  const { req: _req, warnOnly: _w, variants: _v, at: _at, ...rest } = e as LoadedCheck;
  return JSON.stringify(rest);
}

/** How an `each:` value names its case in the case key (`[label]`): its label, name or id, or the value itself. */
export function eachValueLabel(value: unknown): string {
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    return String(o.label ?? o.name ?? o.id ?? JSON.stringify(value));
  }
  return String(value);
}
