// Each sandbox fault breaking rules the suites encode must make exactly those rules fail, and nothing else change:
// a check that never fails proves nothing.
import { describe, expect, it } from "vitest";
import { FAULTS } from "../sandbox/faults.ts";
import { loadSuites } from "../src/suite/load-suites.ts";
import { runAssureCli, verdictsOf } from "./helpers/run-cli.ts";

const encoded = new Set(loadSuites().flatMap((s) => s.requirements.map((r) => r.id)));
// A fault is tried once some rule it breaks is encoded; then exactly its encoded rules must fail.
const testable = FAULTS.filter((f) => f.breaks.some((id) => encoded.has(id)));

describe("sandbox faults are caught by the suites", () => {
  it("has faults to try", () => expect(testable.length).toBeGreaterThanOrEqual(8));

  for (const fault of testable) {
    const expected = fault.breaks.filter((id) => encoded.has(id)).sort();
    it(`${fault.name} fails ${expected.join(", ")} and nothing else`, async () => {
      const run = await runAssureCli(["--no-report"], { SANDBOX_FAULTS: fault.name });
      const verdicts = verdictsOf(run.summary);
      const changed = Object.keys(verdicts).filter((id) => verdicts[id] !== "pass").sort();
      expect(changed).toEqual(expected);
      for (const id of expected) expect(verdicts[id], id).toBe(run.summary!.requirements.find((r) => r.id === id)!.level === "MUST" ? "fail" : "warning");
      expect(run.code).toBe(expected.some((id) => run.summary!.requirements.find((r) => r.id === id)!.level === "MUST") ? 1 : 0);
    });
  }
});
