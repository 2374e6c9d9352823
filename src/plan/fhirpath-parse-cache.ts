// FHIRPath expressions as parsed before, kept between runs. Parsing (fhirpath's ANTLR grammar) is most of compiling a
// plan, and a run's worker compiles before its first case: 0.25–0.7 s of every run's start on two cores, for the same
// few dozen expressions each time. A parse gives a plain tree that evaluation only reads, so the tree an expression
// gave once is the tree it gives again; each compile gets a copy of its own. Kept only by the compiled CLI, in its
// build's folder, whose name fingerprints the lockfile (so another fhirpath means another folder), as the suites are
// (src/suite/suites-cache.ts). fhirpath's `compile` calls its parser module's `parse` through that module's exports
// (in its CommonJS build: compile-plan.ts loads that one): this wraps that one function, and a fhirpath laid out
// otherwise is simply parsed every time.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { COMPILED_BUILD } from "../project-root.ts";
import { writeFileAtomic } from "../write-atomic.ts";

export interface Parser {
  parse: (expression: string) => unknown;
}

export interface ParseCache {
  /** Parses served so far from the file. */
  readonly hits: number;
  /** Writes the file if anything was parsed for the first time; a failure to write only costs a later run its parsing. */
  keep(): void;
}

/** Wraps `parser.parse` to serve the trees kept in `file`, and to remember the ones it parses. */
export function cacheParses(parser: Parser, file: string): ParseCache {
  // Each tree as JSON text: parsed afresh for every use, so no compile shares objects with another.
  const trees = new Map<string, string>();
  try {
    for (const [expression, tree] of Object.entries(JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>)) trees.set(expression, JSON.stringify(tree));
  } catch {
    // None yet, or unreadable: every expression is parsed, and the file written afresh.
  }
  let added = false;
  let hits = 0;
  const parse = parser.parse.bind(parser);
  parser.parse = (expression: string) => {
    const kept = trees.get(expression);
    if (kept !== undefined) {
      hits++;
      return JSON.parse(kept) as unknown;
    }
    // An expression that does not parse throws here as it always did, and is not kept.
    const tree = parse(expression);
    trees.set(expression, JSON.stringify(tree));
    added = true;
    return tree;
  };
  return {
    get hits() {
      return hits;
    },
    keep() {
      if (!added) return;
      added = false;
      try {
        writeFileAtomic(file, `{${[...trees].map(([expression, tree]) => `${JSON.stringify(expression)}:${tree}`).join(",")}}`);
      } catch {
        // Read-only or full: nothing lost.
      }
    },
  };
}

/** fhirpath's parser module (CommonJS build), by its file path: fhirpath's package exports do not name it. */
export function fhirpathParser(): Parser | undefined {
  try {
    const require = createRequire(import.meta.url);
    const parser = require(join(dirname(require.resolve("fhirpath")), "parser", "index.js")) as Parser;
    return typeof parser.parse === "function" ? parser : undefined;
  } catch {
    return undefined;
  }
}

let cache: ParseCache | undefined | null;

/** The compiled CLI's cache, set up once per process; undefined when running from the sources. */
export function compiledCliParseCache(): ParseCache | undefined {
  if (cache === undefined) {
    const parser = COMPILED_BUILD ? fhirpathParser() : undefined;
    cache = parser ? cacheParses(parser, join(COMPILED_BUILD!, "fhirpath-parses.json")) : null;
  }
  return cache ?? undefined;
}
