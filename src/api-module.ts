// What an API module (apis/<name>/index.ts) declares: everything about one API that is specific to it, so the engine,
// the configuration, the sandbox and the tests enumerate APIs from one list (src/apis.ts) and a new API is a folder
// and one line there. Types only: the bottom of the layers, imported by the engine and the modules alike.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Directory } from "../sandbox/directory.ts";
import type { Finding } from "./model/finding.ts";
import type { ReceivedRequest } from "./model/received-request.ts";

/** A configuration variable the harness reads: its default (the embedded sandbox's value) and how it is checked. */
export interface VariableSpec {
  name: string;
  description: string;
  /** Used when the variable is unset or empty. Undefined: optional, no value. */
  default?: string;
  secret?: boolean;
  /** Returns a problem with the value, or undefined when it is fine. */
  check?: (value: string) => string | undefined;
  /** Test data: offered to suites for interpolation as {{NAME}}. */
  testData?: boolean;
  /** The API whose requests carry it: against an external target it must be set to that environment's value. */
  api?: string;
  /** Shown in the report's environment: the identity a run used (an ASID is no secret: shown whole, as in every exchange). */
  shownInEnvironment?: boolean;
}

/** A named fault of the sandbox: breaks one documented behaviour the way a real implementation might. */
export interface Fault {
  name: string;
  /** The requirement(s) a faithful suite sees fail when this fault is on. */
  breaks: readonly string[];
  /** They end as warnings, not failures: RULES.md revision 2 makes what the fault does a documented warning. */
  warnsOnly?: boolean;
  /**
   * The path it lives on, when it is right on the path a case happens to walk and wrong on another (RULES.md revision 3):
   * the request body's format, the connection, what was stored, concurrency, or the state a flow leaves behind.
   */
  dimension?: "format" | "connection" | "stored" | "concurrency" | "state" | "identifier";
  /**
   * They end as `unsuitable`: the answer is the one unfit test data would get, so the harness cannot tell the two apart
   * and names the variable (never a pass; it gates as the rule's level does, with exit 2).
   */
  unsuitable?: boolean;
  /**
   * What it breaks in other cases depends on how they interleave (a session handed to whichever case asks next): the
   * self-test runs its API's cases one at a time, so its row is the same on every run. A real run is not slowed for it.
   */
  oneCaseAtATime?: boolean;
  description: string;
}

/** A documented variant: one rule answered the other way an NHS source documents, as a conformant environment may. */
export interface DocumentedVariant {
  name: string;
  /** The rules it answers differently. */
  rules: readonly string[];
  /** accepted: the rules pass, recording the variant; warning: they warn (they gate only under --strict). */
  outcome: "accepted" | "warning";
  /** Where the other answer is documented (file § section). */
  source: string;
  /** Rules it still fails, as the rules say it must (a relative Location fails NRLS-CRT-07, and only that). */
  stillFails?: readonly string[];
  /** Configuration the self-test runs it with, when the answer depends on what else is running. */
  selftestEnv?: Record<string, string>;
  description: string;
}

/** An HTTP call as a probe makes it (over the sandbox's mutual TLS): status, headers, the body as text. */
export type ProbeCall = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): Record<string, unknown>;
}>;

/** Shows that a fault or variant changes what it names: `before` against a clean sandbox, `after` with it switched on. */
export interface SwitchProbe {
  probe(baseUrl: string, call: ProbeCall): Promise<unknown>;
  before: unknown;
  after: unknown;
}

/** The faults and variants switched on, asked by name: a name outside `Name` (a misspelling) does not compile. */
export interface Switches<Name extends string> {
  has(name: Name): boolean;
}

/** Serves one request under the API's sandbox path; false: not one of its paths (the sandbox answers 404). */
export type SandboxHandler = (req: IncomingMessage, res: ServerResponse, path: string, url: URL, base: string) => Promise<boolean>;

export interface SandboxContext {
  /** The sandbox directory (fixtures/sandbox/directory.json or SANDBOX_DIRECTORY). */
  directory: Directory;
  /** The faults and documented variants switched on, by name. */
  switches: ReadonlySet<string>;
  /** A sandbox setting (one of the module's `settings`): the caller's value, else the environment's. */
  setting(name: string): string | undefined;
}

/** Judges the requests of one supplier's system for one API, in arrival order (sessions span requests). */
export interface ClientAssessor {
  /** The findings for request number `n` of `interaction`. */
  judge(req: ReceivedRequest, interaction: string, n: number): Finding[];
  /** Findings only the end of the assessment decides, by the request they are about (a session never ended). */
  atEnd?(): ReadonlyMap<number, Finding>;
  /** Credentials the system was given since the last call (session keys): redacted everywhere. Only the new ones, so
   * asking after every request costs nothing that grows with the assessment. */
  secrets?(): Iterable<string>;
}

/** What the supplier's own system must do with this API: assess-client's rules (client-rules/catalogue.yaml). */
export interface ClientSide {
  /** Each documented interaction a request can be, as the catalogue's appliesTo names it. */
  interactions: Readonly<Record<string, { api: string; name: string }>>;
  /**
   * Which interaction a request is, by its method and its path under the module's sandbox path: a documented one, or
   * the module's own "other" interaction, whose rule fails an undocumented request (NRLS-CLI-33, ERS-CLI-13).
   */
  interactionOf(method: string, path: string): string | undefined;
  /** A path as it may be printed and used as a title: a credential in it (an e-RS session key) shown as {id}. */
  shownPath?(path: string): string;
  /** Credentials the directory hands out (smartcard tokens) and the JSON fields that carry them: redacted. */
  secrets?: { of(directory: Directory): string[]; fields: string[] };
  /** The rules themselves, imported when an assessment or `validate` starts. */
  rules(): Promise<ClientRules>;
  /** The catch-all rule a refused request fails when no MUST rule of its own does: the sandbox's answer is evidence. */
  acceptedRule: string;
}

export interface ClientRules {
  assessor(ctx: { directory: Directory; baseUrl: string }): ClientAssessor;
  /** The rules of a document the system sends (a pointer), for `validate`: judged offline, file by file. */
  document?: {
    /** The findings for one file's text; `whyNotJudged` says why a rule with none was not judged. */
    judge(text: string, ctx: { directory?: Directory; fromAsid?: string }): { format?: "json" | "xml"; readable: boolean; findings: Finding[]; whyNotJudged(rule: string): string };
  };
}

export interface ApiProbe {
  method: "GET" | "POST";
  /** After the base URL, query included. */
  path: string;
  headers: Readonly<Record<string, string>>;
  body?: string;
  /** What the API answers it with, in words (for the message when something else answers). */
  expected: string;
}

export interface ApiModule<Name extends string = string> {
  /** Lower-case: configuration prefixes (NAME_TLS_*), the command line's --<name>-url, a suite's `target:`. */
  name: Name;
  label: string;
  baseUrlVariable: string;
  /** Where the embedded sandbox serves it: https://127.0.0.1:<port><sandboxPath>. */
  sandboxPath: string;
  /** A base URL as the user would write one, for help texts. */
  example: string;
  /** Every requirement ID of its suites starts with this and a hyphen (ERS-A001-01). */
  requirementPrefix: string;
  /** Where its requirement IDs are catalogued, verbatim (suites cite it; a test holds them equal). */
  ruleCatalogue: { file: string; description: string };
  /** FHIR release of its bodies: which FHIRPath model reads them (undefined: not FHIR). */
  fhirRelease?: "STU3" | "R4";
  /** The specification the suites were written from, as the evidence pack names it. */
  specification: string;
  /** Its configuration: test data and anything else it alone reads. */
  variables: readonly VariableSpec[];
  /**
   * One harmless request the pre-flight and `doctor` send to tell "this is the API" from "this is not" (a base URL
   * without its path answers 404 from something else): it creates and changes nothing, and any answer of the API's
   * own — an error included, since it carries no credentials — has a body of the API's shape.
   */
  probe: ApiProbe;
  /** Its simulator in the embedded sandbox, with the faults and documented variants that prove its checks. */
  sandbox?: {
    /** Loaded when a sandbox starts (imported lazily: configuration and the command line never pay for it). */
    handler(ctx: SandboxContext): Promise<SandboxHandler>;
    faults: readonly Fault[];
    variants: readonly DocumentedVariant[];
    /** SANDBOX_* settings it reads, with what they mean. */
    settings: readonly { name: string; description: string }[];
    /** A probe per fault and variant (test/sandbox-faults.test.ts runs each; e-RS's and NRLS's are still kept there). */
    probes?: Readonly<Record<string, SwitchProbe>>;
  };
  /** Its client-side rules, for assess-client and validate. */
  client?: ClientSide;
}

/** Keeps the module's name as a literal type, so the list of modules gives the union of target names. */
export function defineApi<const Name extends string>(module: ApiModule<Name>): ApiModule<Name> {
  return module;
}
