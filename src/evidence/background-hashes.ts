// SHA-256 of files on a thread of its own, for the manifest: a run's folder (some 2,000 files and a 20 MB report) is
// hashed while this thread searches the same files for secrets, instead of after. Each hash comes with the size and
// modification time the file had when it was read: writeManifest uses it only for a file that still has both.
import { Worker } from "node:worker_threads";

export interface FileHash {
  sha256: string;
  bytes: number;
  mtimeMs: number;
}

// Plain CommonJS evaluated as the worker's script: it needs nothing of the project's, so it runs the same from the
// sources, the compiled CLI or a test.
const HASHER = `
const { parentPort } = require("node:worker_threads");
const { readFileSync, statSync } = require("node:fs");
const { createHash } = require("node:crypto");
parentPort.on("message", ({ id, paths }) => {
  const hashes = paths.map((path) => {
    try {
      const { mtimeMs } = statSync(path);
      const data = readFileSync(path);
      return { sha256: createHash("sha256").update(data).digest("hex"), bytes: data.length, mtimeMs };
    } catch {
      return null;
    }
  });
  parentPort.postMessage({ id, hashes });
});
`;

/** Files hashed in the background, by absolute path; a file that could not be read has no hash (it is hashed again). */
export class BackgroundHashes {
  private worker?: Worker;
  private readonly pending = new Map<number, { paths: readonly string[]; resolve: () => void }>();
  private readonly hashes = new Map<string, FileHash>();
  private next = 0;
  private failed = false;

  /** Starts hashing `paths` (absolute); resolves once they are hashed. A worker that fails leaves them unhashed. */
  hash(paths: readonly string[]): Promise<void> {
    if (this.failed || !paths.length) return Promise.resolve();
    const worker = (this.worker ??= this.start());
    const id = this.next++;
    return new Promise((resolve) => {
      this.pending.set(id, { paths, resolve });
      worker.postMessage({ id, paths });
    });
  }

  /** What was hashed so far. */
  get(path: string): FileHash | undefined {
    return this.hashes.get(path);
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.settle();
    await worker?.terminate();
  }

  private start(): Worker {
    const worker = new Worker(HASHER, { eval: true });
    worker.on("message", ({ id, hashes }: { id: number; hashes: (FileHash | null)[] }) => {
      const job = this.pending.get(id);
      if (!job) return;
      this.pending.delete(id);
      job.paths.forEach((path, i) => {
        const h = hashes[i];
        if (h) this.hashes.set(path, h);
      });
      job.resolve();
    });
    // A worker that cannot run costs nothing but the time: every file is then hashed where the manifest is written.
    worker.on("error", () => {
      this.failed = true;
      this.settle();
    });
    worker.on("exit", () => this.settle());
    return worker;
  }

  private settle(): void {
    for (const job of this.pending.values()) job.resolve();
    this.pending.clear();
  }
}
