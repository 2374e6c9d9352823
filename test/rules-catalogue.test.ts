// The suites carry their rule catalogue's IDs verbatim: RULES.md's, with the same level and basis, for the APIs whose
// module names it (e-RS, NRLS); a module whose suite is its own catalogue (PDS) cites a published source by address.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { loadSuites } from "../src/suite/load-suites.ts";
import { apiOf, TARGETS } from "../src/targets.ts";

const RULES = join(PROJECT_ROOT, "..", "shared", "spec", "RULES.md");

describe.skipIf(!existsSync(RULES))("requirements against ../shared/spec/RULES.md", () => {
  const catalogue = new Map<string, { level: string; basis: string }>();
  for (const m of readFileSync(RULES, "utf8").matchAll(/^\| ([A-Z][A-Z0-9]*-[A-Z0-9]+-\d+) \| (MUST|SHOULD) \| ([^|]+) \|/gm)) {
    catalogue.set(m[1]!, { level: m[2]!, basis: m[3]!.trim() });
  }

  it("finds the catalogue", () => expect(catalogue.size).toBeGreaterThan(50));

  const prefixes = TARGETS.filter((t) => t.ruleCatalogue.file === "RULES.md").map((t) => t.requirementPrefix);
  it("finds a rule of RULES.md for every API module that names it, and none for another", () => {
    for (const prefix of prefixes) expect([...catalogue.keys()].some((id) => id.startsWith(`${prefix}-`)), prefix).toBe(true);
    for (const t of TARGETS.filter((x) => x.ruleCatalogue.file !== "RULES.md")) expect([...catalogue.keys()].some((id) => id.startsWith(`${t.requirementPrefix}-`)), t.name).toBe(false);
  });

  for (const suite of loadSuites()) {
    if (apiOf(suite.target).ruleCatalogue.file !== "RULES.md") {
      for (const r of suite.requirements) {
        it(`${r.id} (${suite.file}) cites its source by a public address`, () => {
          expect(suite.sources[r.source.file], r.source.file).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+\/blob\/[0-9a-f]{40}\//);
          expect(r.source.section.length).toBeGreaterThan(3);
        });
      }
      continue;
    }
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
