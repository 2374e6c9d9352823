// Failures by first cause: a rule that only ever failed after another one, in every case it failed in, is listed under
// it (the first screen and the console), so an assessor counts one fault, not every rule it stopped from being shown.
import { describe, expect, it } from "vitest";
import { firstCauses } from "../reporters/first-causes.ts";
import type { RunResult } from "../src/model/run-result.ts";

type Case = RunResult["cases"][number];
const check = (requirement: string, outcome: "pass" | "fail") => ({ requirement, outcome, expected: "x", at: "s.yaml:1" });
const kase = (key: string, verifies: string[], failed: string[], checks: [string, "pass" | "fail"][]): Case => ({
  key, title: key, suite: "s", api: "NRLS", interaction: "i", target: "nrls", at: "s.yaml:1", tags: [], vars: {}, verifies, status: failed.length ? "failed" : "passed", durationMs: 1,
  steps: [{ name: "step", phase: "main", status: "failed", checks: checks.map(([r, o]) => check(r, o)) }] as Case["steps"],
  requirements: verifies.map((id) => ({ key, title: key, status: failed.includes(id) ? "failed" : "passed", caseStatus: "failed", messages: [] })),
}) as unknown as Case;
const verdicts = (fail: string[], pass: string[]) => [...fail.map((id) => ({ id, verdict: "fail" })), ...pass.map((id) => ({ id, verdict: "pass" }))] as RunResult["requirements"];

describe("first causes", () => {
  it("lists rules that failed only after another in the same cases under it, and the rest on their own", () => {
    const run = {
      cases: [
        // No Location: the Location rules fail, then the read-back that needed it is not shown.
        kase("create[json]", ["CRT-06", "CRT-07", "CRT-08"], ["CRT-06", "CRT-07", "CRT-08"], [["CRT-06", "fail"], ["CRT-07", "fail"]]),
        kase("create[xml]", ["CRT-06", "CRT-07", "CRT-08"], ["CRT-06", "CRT-07", "CRT-08"], [["CRT-06", "fail"], ["CRT-07", "fail"]]),
        kase("client-id", ["CRT-09"], ["CRT-09"], [["CRT-09", "fail"]]),
        // CRT-07 fails first here: it is not always CRT-06's consequence.
        kase("location-form", ["CRT-07"], ["CRT-07"], [["CRT-07", "fail"]]),
      ],
      requirements: verdicts(["CRT-06", "CRT-07", "CRT-08", "CRT-09"], ["CRT-01"]),
    };
    expect(firstCauses(run)).toEqual([{ id: "CRT-06", then: ["CRT-08"] }, { id: "CRT-07", then: [] }, { id: "CRT-09", then: [] }]);
  });

  it("lists nothing under anything when every failure is its own", () => {
    const run = { cases: [kase("a", ["X-01"], ["X-01"], [["X-01", "fail"]]), kase("b", ["X-02"], ["X-02"], [["X-02", "fail"]])], requirements: verdicts(["X-01", "X-02"], []) };
    expect(firstCauses(run)).toEqual([{ id: "X-01", then: [] }, { id: "X-02", then: [] }]);
  });
});
