// The Allure report generators running on this machine (reporters/allure-generate.mjs), read from /proc: a run starts
// one when it begins, and the tests check that none outlives the run that started it. Empty where there is no /proc.
import { existsSync, readdirSync, readFileSync } from "node:fs";

export interface GeneratorFilter {
  /** Started by this process (its parent's pid). */
  parent?: number;
  /** With this NAME=value in its environment (inherited from the run that started it). */
  env?: string;
}

export function generatorProcesses(filter: GeneratorFilter): number[] {
  if (!existsSync("/proc/self/stat")) return [];
  return readdirSync("/proc").filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("allure-generate.mjs")) return false;
      if (filter.parent !== undefined && Number(statFields(pid)[1]) !== filter.parent) return false;
      return filter.env === undefined || readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(filter.env);
    } catch {
      return false; // ended while being read
    }
  });
}

/**
 * A process's /proc/PID/stat after its command's name ("pid (comm) state ppid …", the name in parentheses possibly
 * holding spaces): [state, ppid, …]; utime and stime, the CPU it has used in clock ticks, are [11] and [12].
 */
export function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
}

/** Waits for the generators `filter` selects to end (a killed process takes a moment to go), up to `limitMs`; those left. */
export async function generatorsLeft(filter: GeneratorFilter, limitMs = 10_000): Promise<number[]> {
  const until = Date.now() + limitMs;
  for (;;) {
    const left = generatorProcesses(filter);
    if (!left.length || Date.now() > until) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}
