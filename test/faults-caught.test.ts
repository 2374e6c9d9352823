// The mutation self-test as part of npm test: with no fault every requirement passes; each sandbox fault makes
// exactly the requirements it breaks change verdict (fail for MUST, warning for SHOULD; unsuitable where the answer is
// the one unfit test data would get) and nothing else. A fault no
// check catches fails here: a check that never fails proves nothing.
import { describe, expect, it } from "vitest";
import { FAULTS } from "../sandbox/faults.ts";
import { createLimiter } from "../src/run/limiter.ts";
import { formatTable, judge, runConclusively, runWithFault } from "../src/selftest/mutation.ts";
import { loadSuites } from "../src/suite/load-suites.ts";

const levels = new Map(loadSuites().flatMap((s) => s.requirements.map((r) => [r.id, r.level] as const)));
const encoded = new Set(levels.keys());
const testable = FAULTS.filter((f) => f.breaks.some((id) => encoded.has(id)));

// Two runs at a time in this process: a run mostly waits on its sandbox, which shares the thread.
const slot = createLimiter(2);

describe.concurrent("mutation self-test", () => {
  it("passes every requirement with no fault", async () => {
    const run = await slot(() => runConclusively(() => runWithFault(undefined)));
    expect(Object.entries(run.verdicts).filter(([, v]) => v !== "pass")).toEqual([]);
    expect(Object.keys(run.verdicts)).toHaveLength(levels.size);
    expect(run.code).toBe(0);
  }, 180_000);

  for (const fault of testable) {
    it(`${fault.name} is caught: ${fault.breaks.filter((id) => encoded.has(id)).join(", ")} and nothing else`, async ({ onTestFailed }) => {
      const run = await slot(() => runConclusively(() => runWithFault(fault.name)));
      onTestFailed(() => console.error(`${fault.name}: what did not pass\n${run.output()}`));
      const row = judge(fault, run.verdicts, encoded, run.unanswered);
      expect(row.changed).toEqual(row.expected);
      expect(row.outcome).toBe("caught");
      const fails = (id: string) => levels.get(id) === "MUST" && !fault.warnsOnly;
      for (const id of row.expected) expect(run.verdicts[id], id).toBe(fault.unsuitable ? "unsuitable" : fails(id) ? "fail" : "warning");
      expect(run.code).toBe(row.expected.some(fails) ? 1 : 0);
    }, 180_000);
  }
});

describe("the self-test's table", () => {
  it("shows the path each revision 3 fault lives on beside its outcome", () => {
    const faults = ["nrls-xml-not-stored", "ers-a004-after-a003", "nrls-create-200"].map((n) => FAULTS.find((f) => f.name === n)!);
    const rows = faults.map((f) => judge(f, Object.fromEntries([...encoded].map((id) => [id, f.breaks.includes(id) ? "fail" : "pass"])), encoded));
    const table = formatTable(rows).split("\n");
    expect(table[0]).toMatch(/^fault\s+path\s+outcome/);
    expect(table.find((l) => l.startsWith("nrls-xml-not-stored"))).toMatch(/^nrls-xml-not-stored\s+stored\s+CAUGHT/);
    expect(table.find((l) => l.startsWith("ers-a004-after-a003"))).toMatch(/\s+state\s+CAUGHT/);
    expect(table.find((l) => l.startsWith("nrls-create-200"))).toMatch(/\s+-\s+CAUGHT/);
    // Every fault added for revision 3 names its path.
    const revision3 = ["nrls-concurrent-creates-share-id", "nrls-auth-first-request-only", "nrls-xml-skips-business-rules", "nrls-xml-not-stored", "nrls-xml-body-answered-xml", "nrls-errors-always-json", "ers-grants-first-permission", "ers-permission-org-unchecked", "ers-a004-after-a003", "ers-second-create-keeps-role", "ers-odd-token-accepted"];
    expect(revision3.filter((n) => !FAULTS.find((f) => f.name === n)?.dimension)).toEqual([]);
  });
});
