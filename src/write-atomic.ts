// Writes a file whole or not at all: a reader never sees half a summary.
import { accessSync, constants, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { FileWriterThread } from "./file-writer-thread.ts";

/** Why the output root cannot take a run's evidence (checked before anything is sent), or undefined when it can. */
export function outputFolderProblem(outRoot: string): string | undefined {
  try {
    mkdirSync(outRoot, { recursive: true });
    accessSync(outRoot, constants.W_OK);
    return undefined;
  } catch (err) {
    return `--out ${outRoot}: the output folder cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`;
  }
}

export function writeFileAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (err) {
    // A full disk must not leave a half-written file behind.
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** A folder written whole or not at all (see directoryWriter). */
export interface DirectoryWriter {
  /** The scratch folder being filled, for tools that write into it themselves (after `flushed`). */
  readonly path: string;
  /** Writes a file, by its path inside the folder, on the writer's thread; `written` hears once it is whole. */
  put(name: string, content: string, written?: () => void): void;
  /** Resolves once every file put is whole; rejects with the first write that failed (a full disk). */
  flushed(): Promise<void>;
  /** Makes the folder appear, replacing any folder of that name, once every file put is whole. */
  commit(): Promise<void>;
  /** Removes what was put, at once; the folder is left as it was. */
  abort(): void;
}

/**
 * Files put go into a scratch folder beside `dir`, which replaces `dir` on commit: one rename instead of a rename
 * (or an fsync) per file, for a run folder of hundreds of small files filled over a whole run, and a reader never
 * sees half of one. The files are written on a thread of their own (FileWriterThread), in the order put; folders are
 * made here, so a write still queued when the folder is removed fails instead of making it again.
 */
export function directoryWriter(dir: string): DirectoryWriter {
  restoreInterrupted(dir);
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const made = new Set<string>([tmp]);
  const writer = new FileWriterThread();
  return {
    path: tmp,
    put: (name, content, written) => {
      const file = join(tmp, name);
      const folder = dirname(file);
      if (!made.has(folder)) {
        mkdirSync(folder, { recursive: true });
        made.add(folder);
      }
      writer.write(file, content, written && ((error) => {
        if (!error) written();
      }));
    },
    flushed: () => writer.flushed(),
    commit: async () => {
      await writer.close();
      swapFolder(tmp, dir);
    },
    abort: () => {
      writer.stop();
      // A write the thread had begun may land while the folder is removed: removing is tried again then.
      rmSync(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 10 });
    },
  };
}

/**
 * Puts the folder `fresh` at `dir` (none: removes `dir`) by two renames, and only then removes the old one: stopped at
 * any point (a signal, a kill, a failed rename), the folder that was there is still whole — in place, or beside it as
 * `<dir>.<pid>.old`, which the next writer puts back (restoreInterrupted).
 */
export function swapFolder(fresh: string | undefined, dir: string): void {
  const old = `${dir}.${process.pid}.old`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(dir)) renameSync(dir, old);
  if (fresh) renameSync(fresh, dir);
  rmSync(old, { recursive: true, force: true });
}

/**
 * A folder whose replacement was stopped between its two renames is missing, and whole beside itself as
 * `<dir>.<pid>.old`: it is put back. (A replacement that finished leaves no .old; one stopped before the first rename
 * left the folder in place.)
 */
export function restoreInterrupted(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  const prefix = `${basename(dir)}.`;
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  const old = names.find((n) => n.startsWith(prefix) && /^\d+\.old$/.test(n.slice(prefix.length)));
  if (old) renameSync(join(parent, old), dir);
}
