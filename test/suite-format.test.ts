// The suite format has one definition, schemas/suite.schema.json: the engine's types are generated from it, each check
// keeps the file and line that wrote it, and a case's requirements are derived from its checks.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GENERATED_SUITE_TYPES, suiteTypesSource } from "../scripts/generate-suite-types.ts";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { loadSuites } from "../src/suite/load-suites.ts";

describe("the suite format", () => {
  it("has TypeScript types that are exactly what the schema generates", async () => {
    expect(readFileSync(GENERATED_SUITE_TYPES, "utf8"), "run npm run generate:suite-types").toBe(await suiteTypesSource());
  });

  it("gives every check of the project's suites the file and line that wrote it", () => {
    let checked = 0;
    for (const suite of loadSuites()) {
      const lines = readFileSync(join(PROJECT_ROOT, suite.file), "utf8").split("\n");
      for (const step of suite.cases.flatMap((c) => [...c.steps, ...c.teardown])) {
        for (const e of step.expect) {
          const [file, line] = e.at.split(":");
          expect(file).toBe(suite.file);
          // The line that opens the check names its requirement (an aliased check: the anchor's line).
          expect(lines[Number(line) - 1], e.at).toContain(`req: ${e.req}`);
          checked++;
        }
      }
      for (const c of suite.cases) expect(lines[Number(c.at.split(":")[1]) - 1], c.at).toContain(`id: ${c.id}`);
    }
    expect(checked).toBeGreaterThan(150);
  });

  it("derives each case's requirements from its checks, in the suite's requirement order", () => {
    for (const suite of loadSuites()) {
      const order = suite.requirements.map((r) => r.id);
      for (const c of suite.cases) {
        const named = new Set([...c.steps, ...c.teardown].flatMap((s) => s.expect.map((e) => e.req)));
        expect(c.verifies, c.id).toEqual(order.filter((id) => named.has(id)));
      }
    }
  });
});
