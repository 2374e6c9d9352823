// The latest view's copy of a run's report: the same files at a second path, hard-linked (a folder report of a large
// run is over a gigabyte), copied where the file system will not link.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { filesUnder } from "../src/files-under.ts";
import { linkTree } from "../src/link-tree.ts";

function tree(root: string): string {
  const from = join(root, "report");
  mkdirSync(join(from, "data", "attachments"), { recursive: true });
  mkdirSync(join(from, "widgets", "empty"), { recursive: true });
  writeFileSync(join(from, "index.html"), "<html>page</html>");
  writeFileSync(join(from, "data", "attachments", "a.txt"), "exchange");
  return from;
}

describe("linkTree", () => {
  it("puts every file and folder at the new path, each file the same one as the original's", ({ onTestFinished }) => {
    const root = mkdtempSync(join(tmpdir(), "link-tree-"));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    const from = tree(root);
    const to = join(root, "latest");
    linkTree(from, to);
    expect(filesUnder(to).map((f) => f.slice(to.length))).toEqual(filesUnder(from).map((f) => f.slice(from.length)));
    expect(existsSync(join(to, "widgets", "empty"))).toBe(true);
    expect(readFileSync(join(to, "data", "attachments", "a.txt"), "utf8")).toBe("exchange");
    expect(statSync(join(to, "index.html")).ino).toBe(statSync(join(from, "index.html")).ino);
    // Removing the original (a run folder pruned) leaves the copy whole.
    rmSync(from, { recursive: true });
    expect(readFileSync(join(to, "index.html"), "utf8")).toBe("<html>page</html>");
  });

  it("refuses a destination that exists rather than merge into it", ({ onTestFinished }) => {
    const root = mkdtempSync(join(tmpdir(), "link-tree-"));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    const from = tree(root);
    mkdirSync(join(root, "latest"));
    expect(() => linkTree(from, join(root, "latest"))).toThrow(/EEXIST/);
  });

  // Another device (tmpfs beside the disk): a link is refused there, and the file is copied instead.
  const shm = "/dev/shm";
  const otherDevice = existsSync(shm) && statSync(shm).dev !== statSync(tmpdir()).dev;
  it.skipIf(!otherDevice)("copies the files where the file system refuses a link (another device)", ({ onTestFinished }) => {
    const root = mkdtempSync(join(tmpdir(), "link-tree-"));
    const elsewhere = mkdtempSync(join(shm, "link-tree-"));
    onTestFinished(() => {
      rmSync(root, { recursive: true, force: true });
      rmSync(elsewhere, { recursive: true, force: true });
    });
    const from = tree(root);
    const to = join(elsewhere, "latest");
    linkTree(from, to);
    expect(readFileSync(join(to, "data", "attachments", "a.txt"), "utf8")).toBe("exchange");
    expect(statSync(join(to, "index.html")).ino).not.toBe(statSync(join(from, "index.html")).ino);
  });
});
