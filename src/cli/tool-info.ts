// What the harness is, for the summary, the manifest and the report: its package name and version, and the git
// commit it runs from when there is one.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../project-root.ts";
import type { Summary } from "../report/summary.ts";

export function packageInfo(): { name: string; version: string } {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { name: string; version: string };
  return { name: pkg.name, version: pkg.version };
}

export function toolInfo(): Summary["tool"] {
  let commit: string | undefined;
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "ignore"] }).toString().trim() || undefined;
  } catch {
    commit = undefined;
  }
  return { ...packageInfo(), ...(commit ? { commit } : {}) };
}
