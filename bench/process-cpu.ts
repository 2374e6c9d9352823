// A process's CPU so far (user and system), as the kernel counts it: the benches read it of the servers they start.
import { readFileSync } from "node:fs";

/** Linux's USER_HZ, the unit of /proc's CPU times: 100 on every mainstream kernel (node offers no sysconf). */
const TICKS_PER_SECOND = 100;

/** `pid`'s CPU time so far, in ms; NaN once it is gone (or on a system without /proc). */
export function cpuMs(pid: number): number {
  try {
    // The fields after the command name (which may hold spaces) follow its closing parenthesis: utime is the 12th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}
