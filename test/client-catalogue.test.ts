// The client rule catalogue holds together: every rule has its check in an API module's client rules and every check
// its rule, every source is a file of ../shared/spec with the section it names, MUST only on DOC, and a broken
// catalogue is refused naming the file, line and rule.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGUE_FILE, clientCatalogue } from "../src/client/catalogue.ts";
import { filesUnder } from "../src/files-under.ts";
import { PROJECT_ROOT } from "../src/project-root.ts";

const catalogue = clientCatalogue();
const SPEC = join(PROJECT_ROOT, "..", "shared", "spec");
// Each API module's client rules (apis/<name>/client/), where every rule's check lives.
// The client rules, and each module's entry (which names its catch-all rule, checked by the assessment for every API).
const code = filesUnder(join(PROJECT_ROOT, "apis")).filter((f) => /[\\/]client[\\/]|[\\/]index\.ts$/.test(f)).map((f) => readFileSync(f, "utf8")).join("\n");

describe("client rule catalogue", () => {
  it("has a check in an API module's client rules for every rule, and a rule for every check", () => {
    const ids = catalogue.rules.map((r) => r.id);
    const inCode = [...new Set(code.match(/"(?:NRLS|ERS)-CLI-\d\d"/g)!.map((s) => s.slice(1, -1)))];
    expect(ids.filter((id) => !inCode.includes(id))).toEqual([]);
    expect(inCode.filter((id) => !ids.includes(id))).toEqual([]);
  });

  it("cites sources that exist, at sections the files have", () => {
    for (const r of catalogue.rules) {
      const text = readFileSync(join(SPEC, r.source.file), "utf8");
      // The section's heading (what precedes any parenthesis) appears in the file.
      const heading = r.source.section.replace(/\s*\(.*$/, "").replace(/^"|"$/g, "");
      expect(text.includes(heading) || /^§/.test(heading), `${r.id}: "${heading}" in ${r.source.file}`).toBe(true);
      if (r.source.file.startsWith("nhs/")) expect(r.source.url, r.id).toMatch(/^https:\/\/github\.com\//);
    }
  });

  it("makes MUST rules only of DOC, numbers each scheme without gaps, and lists every rule once", () => {
    expect(catalogue.rules.filter((r) => r.level === "MUST" && r.basis !== "DOC")).toEqual([]);
    for (const scheme of ["NRLS", "ERS"]) {
      const numbers = catalogue.rules.filter((r) => r.id.startsWith(`${scheme}-`)).map((r) => Number(r.id.slice(-2)));
      expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    }
    expect(catalogue.rules.every((r) => /^client-rules\/catalogue\.yaml:\d+$/.test(r.at))).toBe(true);
  });

  it("refuses a broken catalogue naming the file, line and rule", () => {
    const dir = mkdtempSync(join(tmpdir(), "catalogue-"));
    const file = join(dir, "catalogue.yaml");
    writeFileSync(file, readFileSync(CATALOGUE_FILE, "utf8").replace("  - id: NRLS-CLI-04\n    group: \"Every NRLS request: headers and the Spine JWT\"\n    level: MUST\n    basis: DOC", "  - id: NRLS-CLI-04\n    group: \"Every NRLS request: headers and the Spine JWT\"\n    level: MUST\n    basis: INF"));
    expect(() => clientCatalogue(file)).toThrow(/catalogue\.yaml:\d+ \(NRLS-CLI-04\): \/rules\/3\/basis must be equal to constant/);
  });
});
