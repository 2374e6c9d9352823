// A suite's patterns: those whose backtracking their syntax bounds run directly on short texts, the rest in the vm
// with the budget. Either way the answer is the regular expression's own; a pattern that backtracks without bound is
// still stopped and blamed on the suite.
import { describe, expect, it } from "vitest";
import { boundedExec, boundedTest, growthOf, runsDirectly, SuitePatternError } from "../src/run/bounded-regex.ts";

describe("how far a pattern can backtrack, read from its syntax", () => {
  it("counts unbounded quantifiers and multiplies the bounded choices", () => {
    expect(growthOf("^toASID HTTP Header is missing$")).toEqual({ unbounded: 0, branches: 1 });
    expect(growthOf("^[0-9a-f]{8}-[0-9a-f]{4}$")).toEqual({ unbounded: 0, branches: 1 });
    expect(growthOf("(?:[?&]_id=|/DocumentReference/)([^&#/?]+)")).toEqual({ unbounded: 1, branches: 2 });
    expect(growthOf("a{2,5}b{0,3}")).toEqual({ unbounded: 0, branches: 16 });
    // A choice's alternatives are tried one after the other, and an optional group's two ways: they add.
    expect(growthOf("x(a|b|c)?y")).toEqual({ unbounded: 0, branches: 4 });
    expect(growthOf("a*|b*")).toEqual({ unbounded: 1, branches: 2 });
    expect(growthOf("([Aa]ffiliat|[Aa]ssociat)[^]*\\bRR8\\b|\\bRR8\\b[^]*([Aa]ffiliat|[Aa]ssociat)")).toEqual({ unbounded: 1, branches: 4 });
    // What follows a quantifier is tried for each of its lengths: they multiply.
    expect(growthOf("a*a*b")).toEqual({ unbounded: 2, branches: 1 });
    expect(growthOf("(a|b)c*(d|e|f)")).toEqual({ unbounded: 1, branches: 6 });
    // A lookaround is tried whole where it stands and never backtracked into: its ways add to what follows.
    expect(growthOf("^(?!.*client-).*$")).toEqual({ unbounded: 1, branches: 2 });
    expect(growthOf("^(?![^]*\\bX\\b)[^]*([Uu]nknown|not (found|known|recogni[sz]ed))")).toEqual({ unbounded: 1, branches: 5 });
  });

  it("sets no bound for a repeated group, a repeated lookahead or a backreference", () => {
    for (const p of ["^([^!]|[^!])*!$", "(a+)+b", "(?:ab)*c", "(a|a){2,9}", "(x)\\1", "(?<n>x)\\k<n>", "(?=a)*b"]) expect(growthOf(p), p).toBeUndefined();
  });

  it("runs directly only what stays small on the text at hand", () => {
    const one = growthOf("a*b");
    expect(runsDirectly(one, 100)).toBe(true);
    expect(runsDirectly(one, 100_000)).toBe(false);
    expect(runsDirectly(growthOf("a*a*b"), 10)).toBe(false);
    expect(runsDirectly(growthOf("(a|aa|aaa|aaaa)?".repeat(8) + "c"), 30)).toBe(false);
    expect(runsDirectly(undefined, 1)).toBe(false);
  });
});

describe("bounded matching", () => {
  const patterns = [
    "(?:[?&]_id=|/DocumentReference/)([^&#/?]+)", // direct on short texts
    "^https:\\/\\/[^/?#]+(/[^?#]*)?/DocumentReference\\?_id=[^&#]+$", // three unbounded: the vm
    "(?<word>[Uu]nknown|not (found|known))",
    "^(?![^]*\\bRR8\\b)[^]*([Aa]ffiliat|[Aa]ssociat)",
  ];
  // Texts from pieces the patterns look for, so that matches, near misses and misses all occur.
  const pieces = ["https://", "h.nhs.uk", "/nrls", "/DocumentReference", "?_id=", "&_id=", "abc-123", "#", "/", "Unknown", "not found", "RR8", "affiliated", " ", "\n", "é"];
  let seed = 7;
  const next = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
  const texts = Array.from({ length: 300 }, () => Array.from({ length: 1 + next(9) }, () => pieces[next(pieces.length)]).join(""));

  it("answers as the regular expression itself does, directly or in the vm", () => {
    for (const p of patterns) {
      const re = new RegExp(p);
      for (const text of [...texts, `https://x/DocumentReference?_id=${"a".repeat(6000)}`]) {
        expect(boundedTest(p, text), `${p} on ${text}`).toBe(re.test(text));
        const [got, want] = [boundedExec(p, text), re.exec(text)];
        expect(got && { all: [...got], index: got.index, groups: got.groups }, `${p} on ${text}`).toEqual(want && { all: [...want], index: want.index, groups: want.groups });
      }
    }
  });

  it("stops a pattern whose backtracking grows without bound, blaming the suite", () => {
    expect(() => boundedTest("^([^!]|[^!])*!$", "x".repeat(40))).toThrow(SuitePatternError);
    // Two unbounded quantifiers on a long text: bounded in shape, but far too many steps to run directly.
    expect(() => boundedTest("[^]*[^]*!", "x".repeat(4000))).toThrow(/did not finish within 250 ms of CPU on 4000 characters/);
  });
});
