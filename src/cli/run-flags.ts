// The flags of `spine-assure run` and `rerun`, and the run options they make: one definition for the command line and
// for the project's tests, which run whole runs in their own process from the same arguments (runArgs).
import { join, resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { PROJECT_ROOT } from "../project-root.ts";
import { TARGETS, type TargetName } from "../targets.ts";
import type { AssureOptions } from "./run.ts";

export const list = (v: string, prev: string[] = []) => [...prev, ...v.split(",").map((s) => s.trim()).filter(Boolean)];
export const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("needs a whole number of at least 1");
  return n;
};
/** Where a run writes unless --out says otherwise. */
export const DEFAULT_OUT = join(PROJECT_ROOT, "reports");
// commander's choices() is lost once an option has its own parser; this one checks and accumulates.
const formatChoice = (v: string, prev: string[] = []) => {
  if (v !== "json" && v !== "xml") throw new InvalidArgumentError("must be json or xml");
  return [...prev, v];
};

export interface RunFlags {
  suite?: string[];
  requirement?: string[];
  tag?: string[];
  format?: ("json" | "xml")[];
  strict?: boolean;
  /** --<target>-url values, by commander's camel-cased option name (ersUrl, nrlsUrl). */
  [url: `${string}Url`]: string | undefined;
  concurrency?: number;
  keepRuns?: number;
  out: string;
  suites?: string;
  waivers?: string;
  report: boolean;
  quiet?: boolean;
  verbose?: number;
}

export function runOptions(flags: RunFlags): AssureOptions {
  return {
    outDir: resolve(flags.out),
    suitesDir: flags.suites,
    strict: flags.strict,
    noReport: !flags.report,
    waiversFile: flags.waivers,
    quiet: flags.quiet,
    verbose: flags.verbose,
    concurrency: flags.concurrency,
    keepRuns: flags.keepRuns,
    targets: Object.fromEntries(TARGETS.flatMap((t) => (flags[`${t.name}Url`] !== undefined ? [[t.name, flags[`${t.name}Url`]!]] : []))) as Partial<Record<TargetName, string>>,
    filter: { suites: flags.suite, requirements: flags.requirement, tags: flags.tag, formats: flags.format },
  };
}

/** The options run and rerun share. */
export function withRunOptions(cmd: Command): Command {
  cmd.option("--strict", "SHOULD failures fail the gate too");
  for (const t of TARGETS) cmd.option(`--${t.name}-url <url>`, `${t.label} base URL (overrides ${t.baseUrlVariable})`);
  return cmd
    .option("--concurrency <n>", "cases in flight at once (overrides ASSURE_CONCURRENCY)", positive)
    .option("--keep-runs <n>", "run folders kept under <out>/runs; older ones are removed after the run (overrides ASSURE_KEEP_RUNS, default 20)", positive)
    .option("--out <dir>", "output root: runs/<id>/ per run, the latest files at the root", DEFAULT_OUT)
    .option("--suites <dir>", "folder of suites (default suites/)")
    .option("--waivers <file>", "waivers file (default waivers.yaml here, if there is one)")
    .option("--no-report", "skip the HTML report (everything else is still written)")
    .option("--quiet", "list only the requirements that did not pass plainly")
    .option("-v, --verbose", "print each exchange as its case ends (method, URL, status, time); -vv adds the bodies; redacted", (_v: string, n: number) => n + 1, 0);
}


/** The filters only run has (rerun selects the cases itself). */
export function withRunFilters(cmd: Command): Command {
  return cmd
    .option("--suite <names>", "only these suites (comma-separated)", list)
    .option("--requirement <ids>", "only cases that verify these requirements", list)
    .option("--tag <tags>", "only cases with these tags", list)
    .addOption(new Option("--format <format>", "only this response format: json or xml (cases without one always run)").argParser(formatChoice))
    .option("--list", "print the cases the filters select (suite, case, format, requirements, tags) and send nothing");
}

/** The options `spine-assure run <args>` runs with; a usage mistake throws commander's error. */
export function runArgs(args: readonly string[]): AssureOptions {
  const cmd = withRunOptions(withRunFilters(new Command("run"))).exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  cmd.parse([...args], { from: "user" });
  return runOptions(cmd.opts<RunFlags>());
}
