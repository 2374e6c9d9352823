// Each sandbox fault breaking rules the suites encode must make exactly those rules change verdict, and nothing
// else: a check that never fails proves nothing, and one that fails for the wrong rule misleads.
import { describe, expect, it } from "vitest";
import { FAULTS } from "../sandbox/faults.ts";
import { loadSuites } from "../src/suite/load-suites.ts";
import { runAssureCli, verdictsOf } from "./helpers/run-cli.ts";

const suites = loadSuites();
const levels = new Map(suites.flatMap((s) => s.requirements.map((r) => [r.id, r.level] as const)));
// A fault is tried once some rule it breaks is encoded; then exactly its encoded rules must change.
const testable = FAULTS.filter((f) => f.breaks.some((id) => levels.has(id)));

// Two runs at a time: each is a whole CLI process, and CI has two cores.
let running = 0;
const waiting: (() => void)[] = [];
async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

describe.concurrent("sandbox faults are caught by the suites", () => {
  it("has faults to try", () => expect(testable.length).toBeGreaterThanOrEqual(50));

  for (const fault of testable) {
    const expected = fault.breaks.filter((id) => levels.has(id)).sort();
    it(`${fault.name} changes ${expected.join(", ")} and nothing else`, async () => {
      const run = await slot(() => runAssureCli(["--no-report"], { SANDBOX_FAULTS: fault.name }));
      const verdicts = verdictsOf(run.summary);
      const changed = Object.keys(verdicts).filter((id) => verdicts[id] !== "pass").sort();
      expect(changed).toEqual(expected);
      for (const id of expected) expect(verdicts[id], id).toBe(levels.get(id) === "MUST" ? "fail" : "warning");
      expect(run.code).toBe(expected.some((id) => levels.get(id) === "MUST") ? 1 : 0);
    }, 180_000);
  }
});
