// A bench's temporary folders, removed when the bench's process exits: a bench writes whole runs (up to a gigabyte at
// 100× the suites) that no one reads once their figures are printed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made: string[] = [];

export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  // One listener for them all: a bench makes a folder per run.
  if (!made.length) process.once("exit", () => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  made.push(dir);
  return dir;
}
