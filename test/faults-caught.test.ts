// Each sandbox fault breaking rules the suites encode must make exactly those rules fail, and nothing else change:
// a check that never fails proves nothing.
import { describe, expect, it } from "vitest";
import { FAULTS } from "../sandbox/faults.ts";
import { loadSuites } from "../src/suite/load-suites.ts";
import { runAssureCli, verdictsOf } from "./helpers/run-cli.ts";

const encoded = new Set(loadSuites().flatMap((s) => s.requirements.map((r) => r.id)));
const testable = FAULTS.filter((f) => f.breaks.every((id) => encoded.has(id)));

describe("sandbox faults are caught by the suites", () => {
  it("has faults to try", () => expect(testable.length).toBeGreaterThanOrEqual(8));

  for (const fault of testable) {
    it(`${fault.name} fails ${fault.breaks.join(", ")} and nothing else`, async () => {
      const run = await runAssureCli(["--no-report"], { SANDBOX_FAULTS: fault.name });
      const verdicts = verdictsOf(run.summary);
      const failed = Object.keys(verdicts).filter((id) => verdicts[id] === "fail").sort();
      expect(failed).toEqual([...fault.breaks].sort());
      for (const [id, v] of Object.entries(verdicts)) if (!fault.breaks.includes(id)) expect(v, id).toBe("pass");
      expect(run.code).toBe(1);
    });
  }
});
