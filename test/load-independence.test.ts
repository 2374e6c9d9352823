// A verdict depends on the target alone, not on how busy the machine is (issue 28): faults and variants judged while
// busy processes take most of the CPU give the rows a quiet machine gives (each fault caught, each variant tolerated).
// What load may change is how long a run takes, and at worst a run whose request got no answer, which the self-test
// calls inconclusive and runs again: never a rule's failure.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { FAULTS } from "../sandbox/faults.ts";
import { VARIANTS } from "../sandbox/variants.ts";
import { boundedTest, REGEX_BUDGET_MS, SuitePatternError } from "../src/run/bounded-regex.ts";
import { judge, judgeVariant, runConclusively, runWithFault, runWithVariant } from "../src/selftest/mutation.ts";
import { loadSuites } from "../src/suite/load-suites.ts";

const encoded = new Set(loadSuites().flatMap((s) => s.requirements.map((r) => r.id)));
// The fault and the variant the issue saw judged WRONG and FAILED under load, and the fault that needs concurrency.
const faults = ["nrls-always-xml", "nrls-concurrent-creates-share-id"].map((n) => FAULTS.find((f) => f.name === n)!);
const variants = ["nrls-valueset-system"].map((n) => VARIANTS.find((v) => v.name === n)!);

/** A row of the table: the switch, its outcome, and the rules that failed (a fault) or what went wrong (a variant). */
const line = (name: string, outcome: string, details: readonly string[]) => `${name} ${outcome} ${details.join(",")}`;

/** Every row, judged one run at a time. */
async function table(): Promise<string[]> {
  const rows: string[] = [];
  for (const f of faults) {
    const run = await runConclusively(() => runWithFault(f.name));
    const row = judge(f, run.verdicts, encoded, run.unanswered);
    rows.push(line(row.fault, row.outcome, row.changed));
  }
  for (const v of variants) {
    const row = judgeVariant(v, await runConclusively(() => runWithVariant(v.name, { env: v.selftestEnv })), encoded);
    rows.push(line(row.variant, row.outcome, row.problems));
  }
  return rows;
}

const hogs: ChildProcess[] = [];
afterAll(() => hogs.forEach((h) => h.kill("SIGKILL")));

/**
 * This process (every thread of it) and `n` busy processes on one core, when taskset can pin them: it gets a third of
 * that core, as starved as with busy processes on every core, while the other core stays free for the rest of npm
 * test. Returns how to undo the pinning; undefined where taskset is not there (then the caller starves every core).
 */
function starveOneCore(n: number): (() => void) | undefined {
  const mask = /affinity mask: ([0-9a-f]+)/.exec(spawnSync("taskset", ["-p", String(process.pid)], { encoding: "utf8" }).stdout ?? "")?.[1];
  if (!mask || spawnSync("taskset", ["-a", "-p", "-c", "0", String(process.pid)]).status !== 0) return undefined;
  for (let i = 0; i < n; i++) hogs.push(spawn("taskset", ["-c", "0", process.execPath, "-e", "for (;;) {}"], { stdio: "ignore" }));
  return () => void spawnSync("taskset", ["-a", "-p", mask, String(process.pid)]);
}

/** `work`, done while two busy processes share this process's core (or, without taskset, while every core is busy). */
async function starved<T>(work: () => Promise<T>): Promise<T> {
  const unpin = starveOneCore(2);
  if (!unpin) for (let i = 0; i < 2 * availableParallelism(); i++) hogs.push(spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
  try {
    return await work();
  } finally {
    hogs.splice(0).forEach((h) => h.kill("SIGKILL"));
    unpin?.();
  }
}

/**
 * The rows of a quiet machine: each fault caught, exactly its rules failing, and each variant tolerated. What a quiet
 * run gives is what faults-caught and variants-tolerated prove for every fault and variant; the rows are written out
 * here rather than run again.
 */
const quiet = [
  ...faults.map((f) => line(f.name, "caught", f.breaks.filter((id) => encoded.has(id)).sort())),
  ...variants.map((v) => line(v.name, "tolerated", [])),
];

describe("verdicts on a starved machine", () => {
  it("are the quiet machine's, row for row", async () => {
    expect(await starved(table)).toEqual(quiet);
  }, 600_000);
});

describe("a suite's pattern on a starved machine", () => {
  // Two unbounded quantifiers: bounded in shape but run in the vm with its budget on a long text, its CPU growing with
  // the cube of the text's length, so a text can be found that this machine matches in a little over half the budget.
  const pattern = "[^]*[^]*!";
  const cpuOf = (n: number) => {
    // V8 interprets a pattern's first match and compiles it after: measured compiled, as the bounded match runs it.
    new RegExp(pattern).test("x");
    const before = process.cpuUsage();
    new RegExp(pattern).test("x".repeat(n));
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000;
  };

  it("is answered when it needs most of its budget, and still blamed when it backtracks for ever", async () => {
    // The length whose match takes 55–75% of the budget's CPU here (measured in CPU, so the load does not move it).
    let n = 400;
    let cpu = cpuOf(n);
    for (let i = 0; i < 8 && (cpu < REGEX_BUDGET_MS * 0.55 || cpu > REGEX_BUDGET_MS * 0.75); i++) {
      n = Math.max(n + 1, Math.round(n * Math.cbrt((REGEX_BUDGET_MS * 0.65) / Math.max(cpu, 1))));
      cpu = cpuOf(n);
    }
    expect(cpu, `a match of ${n} characters`).toBeGreaterThan(REGEX_BUDGET_MS * 0.4);
    expect(cpu, `a match of ${n} characters`).toBeLessThan(REGEX_BUDGET_MS * 0.8);
    // A third of a core: within the budget's wall time the match gets a third of the CPU it needs.
    await starved(async () => {
      expect(boundedTest(pattern, "x".repeat(n))).toBe(false);
      expect(boundedTest(pattern, `${"x".repeat(n)}!`)).toBe(true);
      expect(() => boundedTest("^([^!]|[^!])*!$", "x".repeat(40))).toThrow(SuitePatternError);
    });
  }, 600_000);
});
