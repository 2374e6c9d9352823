// What the harness is, for the summary, the manifest and the report: its package name and version, and the git
// commit it runs from when there is one.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "./project-root.ts";
import type { RunResult } from "./model/run-result.ts";

/** The rule catalogue the suites encode: every requirement id comes from it, verbatim. */
export const RULE_CATALOGUE = "RULES.md revision 3 (documented variants, tightened checks, every rule on every path)";

export function packageInfo(): { name: string; version: string } {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { name: string; version: string };
  return { name: pkg.name, version: pkg.version };
}

/** The harness as the outputs name it: "spine-assure 0.1.0 (commit abc1234)" — or "(abc1234)", `short`, in the report's environment. */
export function harnessLabel(tool: RunResult["tool"], short = false): string {
  return `${tool.name} ${tool.version}${tool.commit ? ` (${short ? "" : "commit "}${tool.commit})` : ""}`;
}

/** Asks git without waiting on it, so the lookup overlaps other start-up work. */
export async function toolInfo(): Promise<RunResult["tool"]> {
  const commit = await new Promise<string | undefined>((resolve) => {
    execFile("git", ["rev-parse", "--short", "HEAD"], { cwd: PROJECT_ROOT, timeout: 5_000 }, (err, stdout) => resolve(err ? undefined : stdout.trim() || undefined));
  });
  return { ...packageInfo(), ...(commit ? { commit } : {}) };
}
