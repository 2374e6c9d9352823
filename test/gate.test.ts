// The gate never passes a run whose runner ran nothing: planned cases that never started, with nobody having stopped
// the run, are the runner's failure (exit 3, not a conformance result), never "no MUST requirement failed".
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT } from "../src/model/status.ts";
import { judge, type JudgeInput } from "../src/stages/judge.ts";
import { prepare } from "../src/stages/prepare.ts";

const prepared = prepare({ env: {}, cwd: mkdtempSync(join(tmpdir(), "gate-")) });
const nothingRan = (extra: Partial<JudgeInput> = {}) => judge({
  runId: "gate", startedAt: Date.now(), tool: { name: "spine-assure", version: "test" }, strict: false, prepared,
  open: { targets: {} }, execution: { results: new Map(), secrets: new Set(), runErrors: [], planProblems: [] },
  judged: new Map(), printed: [], ...extra,
});

describe("the gate over a run in which the runner ran nothing", () => {
  it("fails with exit 3, naming the cases that never ran", () => {
    const run = nothingRan();
    expect(run.requirements.every((r) => r.verdict === "not-run")).toBe(true);
    expect(run.gate.exitCode).toBe(EXIT.unreachable);
    expect(run.gate.reason).toMatch(new RegExp(`^${prepared.plan.cases.length} planned case\\(s\\) never ran .*not a conformance result`));
  });

  it("says interrupted, not incomplete, when a signal stopped the run", () => {
    expect(nothingRan({ interrupted: "SIGINT" }).gate.exitCode).toBe(EXIT.SIGINT);
  });
});
