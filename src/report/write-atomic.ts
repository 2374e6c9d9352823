// Writes a file whole or not at all: a reader never sees half a summary.
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export function writeFileAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

/**
 * Writes a folder whole or not at all: `fill` puts files into a scratch folder beside `dir`, which then replaces
 * `dir`. One rename instead of a rename (or fsync) per file, for folders of hundreds of small files.
 */
export function writeDirectoryAtomic(dir: string, fill: (put: (name: string, content: string) => void) => void): void {
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    fill((name, content) => writeFileSync(join(tmp, name), content));
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
