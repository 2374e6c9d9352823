// The committed schema of run-result.json is what the RunResult type generates: a change to the type that is not
// followed by `npm run generate:run-result-schema` fails here. In npm test, not in the developer's loop (test:unit):
// generating it loads TypeScript's compiler and builds a program of the sources, seconds of CPU.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RUN_RESULT_SCHEMA, runResultSchemaSource } from "../scripts/generate-run-result-schema.ts";

describe("run-result.json's schema", () => {
  it("is what the RunResult type generates (npm run generate:run-result-schema)", () => {
    expect(readFileSync(RUN_RESULT_SCHEMA, "utf8")).toBe(runResultSchemaSource());
  }, 60_000);
});
