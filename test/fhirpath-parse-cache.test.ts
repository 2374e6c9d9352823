// The compiled CLI's cache of FHIRPath parses (src/plan/fhirpath-parse-cache.ts): a kept tree is served instead of a
// parse, a copy each time; what does not parse is never kept; and it is fhirpath's own compile that asks it.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type fhirpathModule from "fhirpath";
import { describe, expect, it } from "vitest";
import { cacheParses, fhirpathParser, type Parser } from "../src/plan/fhirpath-parse-cache.ts";

const counting = () => {
  const parser: Parser & { calls: string[] } = {
    calls: [],
    parse(expression: string) {
      this.calls.push(expression);
      if (expression.includes("(")) throw new Error(`cannot parse ${expression}`);
      return { type: "Tree", text: expression, children: [{ type: "Leaf" }] };
    },
  };
  return parser;
};

describe("the FHIRPath parse cache", () => {
  it("serves a kept tree instead of parsing, a fresh copy each time, and never keeps what does not parse", () => {
    const file = join(mkdtempSync(join(tmpdir(), "parses-")), "parses.json");
    const first = counting();
    const cache = cacheParses(first, file);
    expect(first.parse("a.b")).toEqual({ type: "Tree", text: "a.b", children: [{ type: "Leaf" }] });
    expect(() => first.parse("a(")).toThrow(/cannot parse/);
    cache.keep();
    expect(Object.keys(JSON.parse(readFileSync(file, "utf8")) as object)).toEqual(["a.b"]);

    const again = counting();
    const served = cacheParses(again, file);
    const one = again.parse("a.b") as { children: unknown[] };
    one.children.push("changed by its user");
    expect(again.parse("a.b")).toEqual({ type: "Tree", text: "a.b", children: [{ type: "Leaf" }] });
    expect(served.hits).toBe(2);
    expect(() => again.parse("a(")).toThrow(/cannot parse/);
    expect(again.calls).toEqual(["a("]);

    writeFileSync(file, "{ not json");
    const broken = counting();
    cacheParses(broken, file);
    broken.parse("a.b");
    expect(broken.calls).toEqual(["a.b"]);
  });

  it("is what fhirpath's own compile parses with, and evaluates as an uncached compile does", () => {
    const parser = fhirpathParser()!;
    const fhirpath = createRequire(import.meta.url)("fhirpath") as typeof fhirpathModule;
    const body = { resourceType: "OperationOutcome", issue: [{ severity: "error", code: "invalid", details: { coding: [{ code: "INVALID_NHS_NUMBER" }] } }] };
    const expressions = ["issue.where(severity = 'error').details.coding.code", "issue.count() = 1 and issue.first().code = %code", "resourceType = 'Bundle'"];
    const plain = expressions.map((e) => fhirpath.compile(e)(body, { code: "invalid" }));
    const original = parser.parse;
    try {
      const file = join(mkdtempSync(join(tmpdir(), "parses-")), "parses.json");
      const writer = cacheParses(parser, file);
      expressions.forEach((e) => fhirpath.compile(e));
      writer.keep();
      parser.parse = original;
      const cached = cacheParses(parser, file);
      expect(expressions.map((e) => fhirpath.compile(e)(body, { code: "invalid" }))).toEqual(plain);
      expect(cached.hits).toBe(expressions.length);
    } finally {
      parser.parse = original;
    }
  });
});
