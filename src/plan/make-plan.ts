// Suites become a plan: one planned case per case × format × each-value, each carrying the requirements it verifies,
// and the list of every check the suites define, for compiling. The plan is plain data, so the CLI can make it once
// and hand it to the vitest worker that compiles and runs it.
import type { Config } from "../config/load-config.ts";
import { SECRET_VARIABLES } from "../config/variables.ts";
import { CANONICAL_MIME } from "../fhir/media-types.ts";
import { eachValueLabel, type LoadedCase, type LoadedStep, type LoadedSuite, type Requester, type Requirement, type SourceLocation } from "../suite/types.ts";
import type { FhirRelease } from "../fhir/fhir-release.ts";
import { apiOf, type TargetName } from "../targets.ts";
import { interpolate, interpolateForDisplay } from "../template/template.ts";
import type { DefaultStepVariant } from "../suite/suite-format.generated.ts";

export interface PlannedRequirement extends Omit<Requirement, "source"> {
  suite: string;
  api: string;
  interaction: string;
  /** The source file and section, with its public address for links. */
  source: { file: string; section: string; url?: string };
}

export interface PlannedCase {
  /** Unique in the plan: suite/case[format][value]. */
  key: string;
  caseId: string;
  title: string;
  suite: string;
  api: string;
  interaction: string;
  target: TargetName;
  /** FHIR release of the target's bodies (its API module's): which FHIRPath model reads them. */
  fhirRelease?: FhirRelease;
  file: string;
  /** Where the case was written. */
  at: SourceLocation;
  verifies: string[];
  tags: string[];
  format?: "json" | "xml";
  /** The case's own variables: format, mime, bodyFormat, bodyMime and the each-value. */
  vars: Record<string, unknown>;
  steps: LoadedStep[];
  teardown: LoadedStep[];
  defaultHeaders: Record<string, string>;
  /** Answers any step may get that the test data caused (the suite's defaults.variants). */
  defaultVariants: DefaultStepVariant[];
  secretFields: string[];
  /** Who the Spine JWT says is asking (templates of configuration), as the suite declares it. */
  requester?: Requester;
  /** Set when the case cannot run against this configuration. */
  notApplicable?: string;
  /** reused: the case has a connection of its own, opened by its first step (the suite's primer) and kept alive. */
  connection?: "reused";
  /** The case runs as this many copies at once (concurrency, RULES.md revision 3). */
  copies?: number;
}

/** Every FHIRPath expression and body schema the suites use, with where each was written. */
export interface PlanChecks {
  /** With the FHIR release of the suite's API: an expression is compiled against that release's model. */
  fhirpath: { expression: string; at: SourceLocation; release?: FhirRelease }[];
  schemas: { schema: string; at: SourceLocation }[];
}

export interface Plan {
  requirements: PlannedRequirement[];
  cases: PlannedCase[];
  /** Of every suite, not only the selected cases: compiling them is how a suite's checks are validated. */
  checks: PlanChecks;
}

export interface PlanFilter {
  suites?: string[];
  /** Exact case keys (as in summary.json), for rerun. */
  caseKeys?: string[];
  requirements?: string[];
  tags?: string[];
  formats?: ("json" | "xml")[];
}

export function makePlan(suites: LoadedSuite[], config: Pick<Config, "values">, filter: PlanFilter = {}): Plan {
  const requirements: PlannedRequirement[] = [];
  const cases: PlannedCase[] = [];
  for (const suite of suites) {
    for (const r of suite.requirements) {
      const source = { file: r.source.file, section: r.source.section, url: suite.sources[r.source.file] };
      requirements.push({ ...r, source, suite: suite.suite, api: suite.api, interaction: suite.interaction });
    }
    for (const c of suite.cases) cases.push(...expandCase(suite, c, config));
  }
  return {
    requirements,
    cases: cases.filter((c) =>
      (!filter.suites?.length || filter.suites.includes(c.suite)) &&
      (!filter.caseKeys || filter.caseKeys.includes(c.key)) &&
      (!filter.requirements?.length || c.verifies.some((r) => filter.requirements!.includes(r))) &&
      (!filter.tags?.length || c.tags.some((t) => filter.tags!.includes(t))) &&
      (!filter.formats?.length || !c.format || filter.formats.includes(c.format)),
    ),
    checks: planChecks(suites),
  };
}

/** Every check of the suites, for compiling (which is how they are validated). */
export function planChecks(suites: LoadedSuite[]): PlanChecks {
  const checks: PlanChecks = { fhirpath: [], schemas: [] };
  for (const suite of suites) {
    const release = fhirReleaseOf(suite.target);
    for (const step of suite.cases.flatMap((c) => [...c.steps, ...c.teardown])) {
      for (const e of step.expect) {
        // A check's documented variants are checks too, compiled with it.
        for (const x of [e, ...(e.variants ?? []).map((v) => v.expect)]) {
          if ("fhirpath" in x) checks.fhirpath.push({ expression: x.fhirpath, at: e.at, release });
          if ("schema" in x) checks.schemas.push({ schema: x.schema, at: e.at });
        }
      }
      for (const cap of Object.values(step.capture ?? {})) if (cap.body) checks.fhirpath.push({ expression: cap.body, at: step.at, release });
    }
  }
  return checks;
}

function expandCase(suite: LoadedSuite, c: LoadedCase, config: Pick<Config, "values">): PlannedCase[] {
  const formats: (("json" | "xml") | undefined)[] = c.formats ?? [undefined];
  // The request body's format, a dimension of its own (RULES.md revision 3): a JSON body keeps the case's key as it was.
  const bodies: (("json" | "xml") | undefined)[] = c.bodies ?? suite.defaults?.bodies ?? [undefined];
  const values: unknown[] = c.each ? c.each.values : [undefined];
  const release = fhirReleaseOf(suite.target);
  const missing = c.requires?.config.filter((name) => !config.values[name]);
  const out: PlannedCase[] = [];
  // Every combination of response format, body format and each-value is a case of its own.
  const combos: { format?: "json" | "xml"; body?: "json" | "xml"; value: unknown; connection?: "reused" }[] =
    formats.flatMap((format) => bodies.flatMap((body) => values.map((value) => ({ format, body, value }))));
  // The reused-connection path is walked with the first response and body format: what it proves is the connection,
  // and the formats are proven on a new one. Without "new", the case walks the reused path alone.
  const connections = c.connections ?? ["new"];
  if (connections.includes("reused")) {
    const reused = values.map((value) => ({ format: formats[0], body: bodies[0], value, connection: "reused" as const }));
    if (!connections.includes("new")) combos.length = 0;
    combos.push(...reused);
  }
  for (const { format, body, value, connection } of combos) {
    const vars: Record<string, unknown> = {};
    if (format) Object.assign(vars, { format, mime: CANONICAL_MIME[format] });
    if (body) Object.assign(vars, { bodyFormat: body, bodyMime: CANONICAL_MIME[body] });
    if (c.each) vars[c.each.name] = value;
    const label = [format, body && body !== "json" ? `${body} body` : undefined, c.each ? eachValueLabel(value) : undefined, connection ? "reused connection" : undefined]
      .filter(Boolean).map((s) => `[${s}]`).join("");
    out.push({
      key: `${suite.suite}/${c.id}${label}`,
      caseId: c.id,
      // An each-value may name configuration ({{NRLS_UNAFFILIATED_ODS}}): the title shows the value sent.
      title: interpolateForDisplay(interpolate(c.title, (n) => vars[n]), (n) => (SECRET_VARIABLES.includes(n) ? undefined : config.values[n])) + (label && !titleUses(c.title, vars) ? ` ${label}` : "")
        + (connection ? ", on a kept-alive connection after a good request" : ""),
      suite: suite.suite,
      api: suite.api,
      interaction: suite.interaction,
      target: suite.target,
      ...(release ? { fhirRelease: release } : {}),
      file: suite.file,
      at: c.at,
      verifies: c.verifies,
      tags: c.tags ?? [],
      format,
      vars,
      // On a reused connection the suite's primer goes first, on the case's own connection; so it does for each copy of
      // a concurrent case, so that the copies' first requests leave together on connections already open.
      steps: connection || (c.copies && suite.primer) ? [suite.primer!, ...c.steps] : c.steps,
      teardown: c.teardown,
      ...(connection ? { connection } : {}),
      ...(c.copies ? { copies: c.copies } : {}),
      defaultHeaders: suite.defaults?.headers ?? {},
      defaultVariants: suite.defaults?.variants ?? [],
      secretFields: suite.secretFields ?? [],
      requester: suite.requester,
      notApplicable: missing?.length ? `${c.requires!.reason} (not configured: ${missing.join(", ")})` : undefined,
    });
  }
  return out;
}


function titleUses(title: string, vars: Record<string, unknown>): boolean {
  return Object.keys(vars).some((k) => k !== "mime" && title.includes(`{{${k}`));
}

/** The FHIR release its API module declares (undefined: its bodies are not FHIR). */
function fhirReleaseOf(target: TargetName): FhirRelease | undefined {
  return apiOf(target).fhirRelease;
}
