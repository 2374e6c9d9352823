// The harness names the commit it runs from in every pack, read from the repository's files (no git process racing a
// timer): a branch's loose ref, a packed ref, a detached HEAD, a worktree's .git file, and no repository at all.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gitCommit } from "../src/tool-info.ts";

const A = "a".repeat(40);
const B = "b".repeat(40);

describe("the commit the harness runs from", () => {
  it("is read from HEAD, a loose ref, packed refs, a detached HEAD and a worktree's .git file", () => {
    const root = mkdtempSync(join(tmpdir(), "repo-"));
    mkdirSync(join(root, ".git", "refs", "heads"), { recursive: true });
    writeFileSync(join(root, ".git", "HEAD"), "ref: refs/heads/main\n");
    writeFileSync(join(root, ".git", "refs", "heads", "main"), `${A}\n`);
    expect(gitCommit(root)).toBe(A);
    writeFileSync(join(root, ".git", "HEAD"), "ref: refs/heads/packed\n");
    writeFileSync(join(root, ".git", "packed-refs"), `# pack-refs with: peeled\n${B} refs/heads/packed\n`);
    expect(gitCommit(root)).toBe(B);
    writeFileSync(join(root, ".git", "HEAD"), `${A}\n`);
    expect(gitCommit(root)).toBe(A);
    // A worktree: .git names its own directory, whose commondir holds the shared refs.
    const tree = mkdtempSync(join(tmpdir(), "tree-"));
    mkdirSync(join(root, ".git", "worktrees", "t"), { recursive: true });
    writeFileSync(join(tree, ".git"), `gitdir: ${join(root, ".git", "worktrees", "t")}\n`);
    writeFileSync(join(root, ".git", "worktrees", "t", "HEAD"), "ref: refs/heads/main\n");
    writeFileSync(join(root, ".git", "worktrees", "t", "commondir"), "../..\n");
    expect(gitCommit(tree)).toBe(A);
    expect(gitCommit(mkdtempSync(join(tmpdir(), "no-repo-")))).toBeUndefined();
  });

  it("is git's own answer for this checkout", () => {
    let fromGit: string;
    try {
      fromGit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: process.cwd(), encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return; // no git here, or no repository (a tarball): nothing to compare with
    }
    expect(gitCommit(process.cwd())).toBe(fromGit);
  });
});
