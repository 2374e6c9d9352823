// The suites carry RULES.md's IDs verbatim, with the same level and basis.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { loadSuites } from "../src/suite/load-suites.ts";

const RULES = join(PROJECT_ROOT, "..", "shared", "spec", "RULES.md");

describe.skipIf(!existsSync(RULES))("requirements against ../shared/spec/RULES.md", () => {
  const catalogue = new Map<string, { level: string; basis: string }>();
  for (const m of readFileSync(RULES, "utf8").matchAll(/^\| ((?:ERS|NRLS)-[A-Z0-9]+-\d+) \| (MUST|SHOULD) \| ([^|]+) \|/gm)) {
    catalogue.set(m[1]!, { level: m[2]!, basis: m[3]!.trim() });
  }

  it("finds the catalogue", () => expect(catalogue.size).toBeGreaterThan(50));

  for (const suite of loadSuites()) {
    for (const r of suite.requirements) {
      it(`${r.id} (${suite.file}) is in RULES.md with the same level and basis`, () => {
        const rule = catalogue.get(r.id);
        expect(rule, `${r.id} is not in RULES.md`).toBeDefined();
        expect(r.level).toBe(rule!.level);
        expect(r.basis.replace(/\s+/g, "")).toBe(rule!.basis.replace(/\s*\(.*\)$/, "").replace(/\s+/g, ""));
      });
      it(`${r.id} cites a source file that exists`, () => {
        expect(existsSync(join(PROJECT_ROOT, "..", "shared", "spec", r.source.file)), r.source.file).toBe(true);
      });
    }
  }
});
