// Files written on a thread of their own, in the order given. A run creates some 2,000 small files while its cases run,
// on the thread that also serves the embedded sandbox and judges each arriving case. Creating a file is usually a few
// microseconds of the kernel's time, but ext4 (without a journal, as on the project's machines) looks past every
// recently deleted inode first: after a cleanup it took 0.2–0.5 ms a file, and the writes then held up the cases by
// 0.8 s of a 2.3 s run (bench/latency.ts with and without them). Here that time is the writer thread's.
import { writeFileSync } from "node:fs";
import { Worker } from "node:worker_threads";

// Plain CommonJS evaluated as the worker's script: it needs nothing of the project's, so it runs the same from the
// sources, the compiled CLI or a test. state[0]: 1 once stopped (a queued write is then dropped); state[1]: the UTF-16
// units queued, for backpressure.
const WRITER = `
const { parentPort, workerData } = require("node:worker_threads");
const { writeFileSync } = require("node:fs");
const state = new Int32Array(workerData);
parentPort.on("message", ({ id, path, content }) => {
  let error = null;
  if (Atomics.load(state, 0) === 0) {
    try {
      writeFileSync(path, content);
    } catch (e) {
      error = e.message;
    }
  } else error = "the writer was stopped";
  Atomics.sub(state, 1, content.length);
  Atomics.notify(state, 1);
  parentPort.postMessage({ id, error });
});
`;

/** Text queued beyond this (UTF-16 units, about 64 MB) makes a writer wait for the thread: memory stays bounded. */
const QUEUED_MAX = 32 * 1024 * 1024;

interface Pending {
  path: string;
  content: string;
  done?: (error?: Error) => void;
}

export class FileWriterThread {
  private worker?: Worker;
  private readonly state = new Int32Array(new SharedArrayBuffer(8));
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private firstError?: Error;
  private stopped = false;
  /** Set when the thread could not run: every write is then made here, as it comes. */
  private inline = false;
  private idle: (() => void)[] = [];

  /** `queuedMax`: the UTF-16 units of text that may wait for the thread before a writer waits instead. */
  constructor(private readonly queuedMax = QUEUED_MAX) {}

  /** The UTF-16 units of text waiting for the thread. */
  queued(): number {
    return Atomics.load(this.state, 1);
  }

  /** Writes `content` to `path` (its folder must exist); `done` hears once it is whole, or why it is not. */
  write(path: string, content: string, done?: (error?: Error) => void): void {
    if (this.stopped) return;
    if (this.inline) return this.writeHere({ path, content, done });
    const worker = (this.worker ??= this.start());
    // Backpressure: a thread far behind (a disk slower than the cases) is waited for, not outrun without bound.
    for (let queued = this.queued(); queued > this.queuedMax; queued = this.queued()) Atomics.wait(this.state, 1, queued, 100);
    const id = this.next++;
    this.pending.set(id, { path, content, done });
    Atomics.add(this.state, 1, content.length);
    if (this.pending.size === 1) worker.ref();
    worker.postMessage({ id, path, content });
  }

  /** Resolves once every write so far is whole; rejects with the first that failed. */
  async flushed(): Promise<void> {
    if (this.pending.size) await new Promise<void>((resolve) => this.idle.push(resolve));
    if (this.firstError) throw this.firstError;
  }

  /** Drops every write not yet made, at once: what was queued is never written. */
  stop(): void {
    this.stopped = true;
    Atomics.store(this.state, 0, 1);
    void this.worker?.terminate();
    this.worker = undefined;
    this.pending.clear();
    this.settle();
  }

  /** Ends the thread once every write so far is whole (rejecting as `flushed` does). */
  async close(): Promise<void> {
    try {
      await this.flushed();
    } finally {
      const worker = this.worker;
      this.worker = undefined;
      await worker?.terminate();
    }
  }

  private start(): Worker {
    const worker = new Worker(WRITER, { eval: true, workerData: this.state.buffer });
    worker.on("message", ({ id, error }: { id: number; error: string | null }) => {
      const job = this.pending.get(id);
      if (!job) return;
      this.pending.delete(id);
      this.finish(job, error === null ? undefined : new Error(`${job.path}: ${error}`));
      if (!this.pending.size) {
        worker.unref();
        this.settle();
      }
    });
    // A thread that cannot run, or ends with writes still queued, costs nothing but the time: what it had not written
    // is written here, in order, and so is every later file.
    const fallBack = () => {
      if (this.stopped || this.worker !== worker) return;
      this.inline = true;
      this.worker = undefined;
      const left = [...this.pending.values()];
      this.pending.clear();
      for (const job of left) this.writeHere(job);
      this.settle();
    };
    worker.on("error", fallBack);
    worker.on("exit", fallBack);
    return worker;
  }

  private writeHere(job: Pending): void {
    try {
      writeFileSync(job.path, job.content);
      this.finish(job);
    } catch (err) {
      this.finish(job, new Error(`${job.path}: ${(err as Error).message}`));
    }
  }

  private finish(job: Pending, error?: Error): void {
    if (error) this.firstError ??= error;
    job.done?.(error);
  }

  private settle(): void {
    const waiting = this.idle;
    this.idle = [];
    for (const resolve of waiting) resolve();
  }
}
