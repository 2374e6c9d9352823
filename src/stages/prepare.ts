// Stage 1, prepare: configuration (environment and .env, every value checked), the suites, the plan (filtered), and
// the waivers. Throws ConfigError, SuiteError or WaiverError — nothing has been sent or written. A run compiles the
// plan's checks where it runs them (stage 3); check-suites.ts validates suites without running, by the same compilation.
import { join, resolve } from "node:path";
import { ConfigError, loadConfig, type Config } from "../config/load-config.ts";
import { TEST_DATA_NAMES } from "../config/variables.ts";
import { filterProblems } from "../plan/filter-problems.ts";
import { testDataUsage } from "../plan/test-data-usage.ts";
import { makePlan, type Plan, type PlanFilter } from "../plan/make-plan.ts";
import { PROJECT_ROOT } from "../project-root.ts";
import { loadWaivers, type Waiver } from "../judge/waivers.ts";
import { readSuites } from "../suite/load-suites.ts";
import { SuiteError } from "../suite/suite-problems.ts";
import type { LoadedSuite } from "../suite/types.ts";
import { TARGETS, targetsNotRun, type TargetName } from "../targets.ts";

export interface PrepareOptions {
  env?: NodeJS.ProcessEnv;
  /** Where .env and waivers.yaml are read from (default: the working directory). */
  cwd?: string;
  suitesDir?: string;
  filter?: PlanFilter;
  /** Target base URLs, overriding each target's base URL variable. */
  targets?: Partial<Record<TargetName, string>>;
  concurrency?: number;
  /** Run folders kept (overrides ASSURE_KEEP_RUNS). */
  keepRuns?: number;
  /** A waivers file; without it, waivers.yaml in cwd if there is one. */
  waiversFile?: string;
  /** The suites as readSuites gave them, for a process that prepares many runs of the same suites (the self-test). */
  read?: ReturnType<typeof readSuites>;
}

export interface Prepared {
  config: Config;
  suites: LoadedSuite[];
  plan: Plan;
  waivers: Waiver[];
  fixturesDir: string;
  /** The filters the plan was made with, when any selects: the run is partial. */
  filter?: PlanFilter;
}

export function prepare(options: PrepareOptions = {}): Prepared {
  const cwd = options.cwd ?? process.cwd();
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  for (const t of TARGETS) if (options.targets?.[t.name] !== undefined) env[t.baseUrlVariable] = options.targets[t.name];
  if (options.concurrency !== undefined) env.ASSURE_CONCURRENCY = String(options.concurrency);
  if (options.keepRuns !== undefined) env.ASSURE_KEEP_RUNS = String(options.keepRuns);
  // Configuration first: a mistake there is named before the suites are read (they are read only to say which
  // requirements a test-data variable left at the sandbox's value would affect).
  let read = options.read;
  const suitesRead = () => (read ??= readSuites({ dir: options.suitesDir }));
  const config = loadConfig({ env, cwd, testDataUsage: () => testDataUsage(suitesRead().suites, TEST_DATA_NAMES), ordinaryText: () => JSON.stringify(suitesRead().suites) });
  const { suites, problems } = suitesRead();
  const plan = makePlan(suites, config, options.filter);
  // Once any API has a base URL, one without is not run, never sent to the embedded sandbox (open-targets.ts).
  const notRun = targetsNotRun(config.baseUrls);
  for (const c of plan.cases) {
    const t = notRun.find((x) => x.name === c.target);
    if (t) c.notApplicable ??= `no target configured for ${t.label}: ${t.baseUrlVariable} is not set (another API's base URL is, so the embedded sandbox is not used)`;
  }
  if (problems.length) throw new SuiteError(problems);
  // Selecting nothing is a mistake to name, never an empty pass: nothing has been sent or written.
  if (plan.cases.length === 0) throw new ConfigError(filterProblems(makePlan(suites, config).cases, options.filter ?? {}));
  const waivers = loadWaivers(resolve(cwd, options.waiversFile ?? "waivers.yaml"), options.waiversFile !== undefined, plan.requirements.map((r) => r.id));
  const f = options.filter ?? {};
  const partial = !!(f.suites?.length || f.requirements?.length || f.tags?.length || f.formats?.length || f.caseKeys);
  return { config, suites, plan, waivers, fixturesDir: join(PROJECT_ROOT, "fixtures"), ...(partial ? { filter: f } : {}) };
}
