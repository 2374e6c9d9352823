// A process's peak resident memory, as the kernel keeps it (VmHWM): the benches read it of the processes they start.
import { readFileSync } from "node:fs";

/** `pid`'s peak resident memory so far, in MiB; 0 once it is gone (or on a system without /proc). */
export function peakMiB(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}
