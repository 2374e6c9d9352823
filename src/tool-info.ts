// What the harness is, for the summary, the manifest and the report: its package name and version, and the git
// commit it runs from when there is one.
import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
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

/**
 * The harness's package and commit. The commit is read from the repository's files (HEAD, the ref it names, packed
 * refs; a worktree's .git file followed), not by running git: a child process raced against a timer lost the commit
 * whenever start-up kept the event loop busy, and the pack then named no commit at all.
 */
export async function toolInfo(): Promise<RunResult["tool"]> {
  const commit = gitCommit(PROJECT_ROOT);
  return { ...packageInfo(), ...(commit ? { commit: commit.slice(0, 7) } : {}) };
}

/** The commit HEAD names in the repository at `root`, or undefined (no repository, or one this cannot read). */
export function gitCommit(root: string): string | undefined {
  try {
    let gitDir = join(root, ".git");
    // A worktree or submodule: .git is a file naming the real git directory.
    const pointer = readIfFile(gitDir);
    if (pointer !== undefined) gitDir = resolve(root, /^gitdir: (.+)$/m.exec(pointer)?.[1]?.trim() ?? "");
    const head = readFileSync(join(gitDir, "HEAD"), "utf8").trim();
    const ref = /^ref: (.+)$/.exec(head)?.[1];
    if (!ref) return /^[0-9a-f]{40}$/.test(head) ? head : undefined;
    // Refs shared by worktrees live in the common directory.
    const common = readIfFile(join(gitDir, "commondir"));
    const dirs = [gitDir, ...(common ? [resolve(gitDir, common.trim())] : [])];
    for (const dir of dirs) {
      const loose = readIfFile(join(dir, ref))?.trim();
      if (loose && /^[0-9a-f]{40}$/.test(loose)) return loose;
      const packed = readIfFile(join(dir, "packed-refs"));
      const line = packed?.split("\n").find((l) => l.endsWith(` ${ref}`));
      if (line) return line.slice(0, 40);
    }
    return undefined;
  } catch {
    return undefined;
  }
}

function readIfFile(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? readFileSync(path, "utf8") : undefined;
  } catch {
    return undefined;
  }
}
