// Suites become a plan: one planned case per case × format × each-value, each carrying the requirements it verifies.
// The plan is plain data, so the CLI can make it once and hand it to the vitest worker that runs it.
import type { Config, TargetName } from "../config/load-config.ts";
import { CANONICAL_MIME } from "../fhir/media-types.ts";
import type { CaseSpec, LoadedSuite, Requirement, StepSpec } from "../suite/types.ts";
import { interpolate } from "./interpolate.ts";

export interface PlannedRequirement extends Requirement {
  suite: string;
  api: string;
  interaction: string;
  /** Public address of the source, for links. */
  sourceUrl?: string;
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
  file: string;
  verifies: string[];
  tags: string[];
  format?: "json" | "xml";
  /** The case's own variables: format, mime and the each-value. */
  vars: Record<string, unknown>;
  steps: StepSpec[];
  teardown: StepSpec[];
  defaultHeaders: Record<string, string>;
  secretFields: string[];
  /** Set when the case cannot run against this configuration. */
  notApplicable?: string;
}

export interface Plan {
  requirements: PlannedRequirement[];
  cases: PlannedCase[];
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
      requirements.push({ ...r, suite: suite.suite, api: suite.api, interaction: suite.interaction, sourceUrl: suite.sources[r.source.file] });
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
  };
}

function expandCase(suite: LoadedSuite, c: CaseSpec, config: Pick<Config, "values">): PlannedCase[] {
  const formats: (("json" | "xml") | undefined)[] = c.formats ?? [undefined];
  const values: unknown[] = c.each ? c.each.values : [undefined];
  const missing = c.requires?.config.filter((name) => !config.values[name]);
  const out: PlannedCase[] = [];
  for (const format of formats) {
    for (const value of values) {
      const vars: Record<string, unknown> = {};
      if (format) Object.assign(vars, { format, mime: CANONICAL_MIME[format] });
      if (c.each) vars[c.each.name] = value;
      const label = [format, c.each ? valueLabel(value) : undefined].filter(Boolean).map((s) => `[${s}]`).join("");
      out.push({
        key: `${suite.suite}/${c.id}${label}`,
        caseId: c.id,
        title: interpolate(c.title, (n) => vars[n]) + (label && !titleUses(c.title, vars) ? ` ${label}` : ""),
        suite: suite.suite,
        api: suite.api,
        interaction: suite.interaction,
        target: suite.target,
        file: suite.file,
        verifies: c.verifies,
        tags: c.tags ?? [],
        format,
        vars,
        steps: c.steps,
        teardown: c.teardown ?? [],
        defaultHeaders: suite.defaults?.headers ?? {},
        secretFields: suite.secretFields ?? [],
        notApplicable: missing?.length ? `${c.requires!.reason} (not configured: ${missing.join(", ")})` : undefined,
      });
    }
  }
  return out;
}

function valueLabel(value: unknown): string {
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    return String(o.label ?? o.name ?? o.id ?? JSON.stringify(value));
  }
  return String(value);
}

function titleUses(title: string, vars: Record<string, unknown>): boolean {
  return Object.keys(vars).some((k) => k !== "mime" && title.includes(`{{${k}`));
}
