// A bench's temporary folder, removed when the bench's process exits: a bench writes whole runs (up to a gigabyte at
// 100× the suites) that no one reads once their figures are printed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
