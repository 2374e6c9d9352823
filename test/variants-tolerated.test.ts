// The variant self-test as part of npm test, the mirror of the fault self-test: with each documented variant of
// RULES.md revision 2 switched on in the sandbox, no requirement fails, the variant's rules pass recording it
// (accepted) or warn naming it (warning), and nothing else changes. A check that fails a conformant environment
// gets the gate switched off.
import { describe, expect, it } from "vitest";
import { VARIANTS } from "../sandbox/variants.ts";
import { createLimiter } from "../src/run/limiter.ts";
import { judgeVariant, runConclusively, runWithVariant } from "../src/selftest/mutation.ts";
import { loadSuites } from "../src/suite/load-suites.ts";

const encoded = new Set(loadSuites().flatMap((s) => s.requirements.map((r) => r.id)));
const slot = createLimiter(2);

describe("judging a variant run", () => {
  const accepted = { name: "v", rules: ["NRLS-HDR-03"], outcome: "accepted" as const, source: "s", description: "d" };
  const warning = { ...accepted, outcome: "warning" as const };
  const all = (verdict: string) => Object.fromEntries([...encoded].map((id) => [id, verdict]));
  const none = Object.fromEntries([...encoded].map((id) => [id, [] as string[]]));

  it("tolerates exactly its rules recording it, everything else passing", () => {
    expect(judgeVariant(accepted, { verdicts: all("pass"), variants: { ...none, "NRLS-HDR-03": ["v"] } }, encoded).outcome).toBe("tolerated");
    expect(judgeVariant(warning, { verdicts: { ...all("pass"), "NRLS-HDR-03": "warning" }, variants: { ...none, "NRLS-HDR-03": ["v"] } }, encoded).outcome).toBe("tolerated");
  });

  it("calls a run where anything fails failed, and any other difference wrong", () => {
    expect(judgeVariant(accepted, { verdicts: { ...all("pass"), "NRLS-HDR-03": "fail" }, variants: none }, encoded)).toMatchObject({ outcome: "failed", problems: ["NRLS-HDR-03 failed", "NRLS-HDR-03 does not record v"] });
    expect(judgeVariant(accepted, { verdicts: all("pass"), variants: none }, encoded)).toMatchObject({ outcome: "wrong", problems: ["NRLS-HDR-03 does not record v"] });
    expect(judgeVariant(accepted, { verdicts: { ...all("pass"), "NRLS-ERR-01": "warning" }, variants: { ...none, "NRLS-HDR-03": ["v"] } }, encoded)).toMatchObject({ outcome: "wrong", problems: ["NRLS-ERR-01 is warning"] });
    expect(judgeVariant(warning, { verdicts: all("pass"), variants: { ...none, "NRLS-HDR-03": ["v"] } }, encoded)).toMatchObject({ outcome: "wrong", problems: ["NRLS-HDR-03 is pass, not warning"] });
  });
});

describe.concurrent("variant self-test", () => {
  for (const variant of VARIANTS) {
    it(`${variant.name} (${variant.outcome}) is tolerated: ${variant.rules.join(", ")}`, async ({ onTestFailed }) => {
      const run = await slot(() => runConclusively(() => runWithVariant(variant.name, { env: variant.selftestEnv })));
      onTestFailed(() => console.error(`${variant.name}: what did not pass\n${run.output().slice(-2000)}`));
      const row = judgeVariant(variant, run, encoded);
      expect(row.problems).toEqual([]);
      expect(row.outcome).toBe("tolerated");
      // Accepted variants never gate; warnings gate only under --strict; a rule revision 2 says still fails does.
      expect(run.code).toBe(variant.stillFails?.length ? 1 : 0);
    }, 180_000);
  }

  it("every accepted variant at once passes the gate under --strict", async ({ onTestFailed }) => {
    const together = VARIANTS.filter((v) => v.outcome === "accepted" && !v.stillFails?.length);
    // A variant that needs conditions of its own (a patient with no pointers) may not show among the others.
    const accepted = together.filter((v) => v.rules.length && !v.selftestEnv).map((v) => v.name);
    expect(accepted.length).toBeGreaterThan(5);
    const run = await slot(() => runConclusively(() => runWithVariant(together.map((v) => v.name).join(","), { strict: true })));
    onTestFailed(() => console.error(`every accepted variant: what did not pass\n${run.output().slice(-2000)}`));
    expect(Object.entries(run.verdicts).filter(([, v]) => v !== "pass")).toEqual([]);
    expect(run.code).toBe(0);
    for (const name of accepted) expect(Object.values(run.variants).flat(), name).toContain(name);
  }, 180_000);
});
