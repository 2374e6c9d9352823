// Which requirements each test-data variable serves, read from the suites: the requests that carry {{NAME}} (in the
// step, its body fixture, or the suite's default headers and JWT requester). Named in the message that asks for a
// value, so a supplier knows what the NHS test data must be fit for.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../project-root.ts";
import type { LoadedSuite } from "../suite/types.ts";

export function testDataUsage(suites: readonly LoadedSuite[], names: readonly string[]): Record<string, string[]> {
  const fixtures = new Map<string, string>();
  const fixture = (file: string) => {
    if (!fixtures.has(file)) {
      try {
        fixtures.set(file, readFileSync(join(PROJECT_ROOT, "fixtures", file), "utf8"));
      } catch {
        fixtures.set(file, "");
      }
    }
    return fixtures.get(file)!;
  };
  const uses = (text: string, name: string) => new RegExp(`\\{\\{\\s*${name}\\b`).test(text);
  const usage: Record<string, string[]> = {};
  for (const name of names) {
    const found = new Set<string>();
    for (const suite of suites) {
      const everyRequest = uses(JSON.stringify([suite.defaults ?? {}, suite.requester ?? {}]), name);
      // Rules checked in most cases (every error body's shape, nothing stored) say little about what a value is for.
      const caseCount = new Map<string, number>();
      for (const c of suite.cases) for (const r of c.verifies) caseCount.set(r, (caseCount.get(r) ?? 0) + 1);
      const specific = (r: string) => (caseCount.get(r) ?? 0) <= suite.cases.length / 2;
      if (everyRequest) {
        found.add(`every ${suite.api} request`);
        continue;
      }
      for (const c of suite.cases) {
        for (const step of [...c.steps, ...c.teardown]) {
          const body = (step.request.body ?? {}) as { fixture?: string };
          if (!uses(JSON.stringify(step.request) + (body.fixture ? fixture(body.fixture) : ""), name)) continue;
          const reqs = [...new Set(step.expect.map((e) => e.req))];
          for (const r of reqs.some(specific) ? reqs.filter(specific) : reqs) found.add(r);
        }
      }
    }
    usage[name] = [...found].sort();
  }
  return usage;
}
