// Named faults, each API's in its module (apis/<name>/faults.ts): each breaks one documented behaviour the way a real
// implementation might, so the suites can be shown to catch it. SANDBOX_FAULTS=a,b switches them on. Every MUST rule of RULES.md is broken by at least one
// (a test checks that), and each fault is shown, in test/sandbox-faults.test.ts, to change the behaviour it names.
import type { Fault } from "../src/api-module.ts";
import { APIS } from "../src/apis.ts";

export type { Fault } from "../src/api-module.ts";

/** Every API module's faults: the sandbox's whole list. */
export const FAULTS: readonly Fault[] = APIS.flatMap((api) => api.sandbox?.faults ?? []);

export function parseFaults(spec: string | undefined): Set<string> {
  const names = (spec ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !FAULTS.some((f) => f.name === n));
  if (unknown.length) throw new Error(`SANDBOX_FAULTS: unknown fault(s) ${unknown.join(", ")}; known: ${FAULTS.map((f) => f.name).join(", ")}`);
  return new Set(names);
}
