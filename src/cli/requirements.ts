// `spine-assure requirements`: every requirement the suites declare, with the cases that verify it. A MUST rule no
// case verifies is a hole in the assurance: the command lists them and exits 1.
import { EXIT } from "../model/status.ts";
import { checkSuites } from "../stages/check-suites.ts";
import { SuiteError } from "../suite/suite-problems.ts";

export function requirementsCatalogue(suitesDir?: string): number {
  let suites;
  try {
    suites = checkSuites(suitesDir);
  } catch (err) {
    if (err instanceof SuiteError) {
      console.error(err.message);
      return EXIT.configOrSuite;
    }
    throw err;
  }
  const holes: string[] = [];
  for (const s of suites) {
    console.log(`\n${s.api} — ${s.interaction} (${s.file})`);
    for (const r of s.requirements) {
      const cases = s.cases.filter((c) => c.verifies.includes(r.id));
      const bodiesOf = (c: (typeof cases)[number]) => c.bodies ?? s.defaults?.bodies;
      // As the plan expands it: the reused-connection path once per each-value, with the first formats.
      const fanOut = (c: (typeof cases)[number]) => {
        const each = c.each?.values.length ?? 1;
        const connections = c.connections ?? ["new"];
        return (connections.includes("new") ? (c.formats?.length ?? 1) * (bodiesOf(c)?.length ?? 1) * each : 0) + (connections.includes("reused") ? each : 0);
      };
      const count = cases.reduce((n, c) => n + fanOut(c), 0);
      if (!cases.length && r.level === "MUST") holes.push(r.id);
      const verifiedBy = cases.length ? cases.map((c) => (fanOut(c) > 1 ? `${c.id}×${fanOut(c)}` : c.id)).join(", ") : "NO CASE";
      console.log(`  ${r.id.padEnd(12)} ${r.level.padEnd(6)} ${r.basis.padEnd(8)} ${String(count).padStart(3)} case(s)  ${verifiedBy}`);
      // The paths it is proven on (RULES.md revision 3): the request body formats and response formats its cases walk.
      const paths = pathsOf(cases.map((c) => ({ bodies: bodiesOf(c), formats: c.formats, connections: c.connections, copies: c.copies })));
      if (paths) console.log(`  ${" ".repeat(12)} proven on: ${paths}`);
    }
  }
  const total = suites.reduce((n, s) => n + s.requirements.length, 0);
  if (holes.length) {
    console.log(`\n${holes.length} MUST requirement(s) with no case: ${holes.join(", ")}`);
    return 1;
  }
  console.log(`\n${total} requirement(s); every MUST requirement has at least one case.`);
  return 0;
}

const FORMAT_NAMES = { json: "JSON", xml: "XML" } as const;

/**
 * "JSON and XML bodies; JSON and XML responses; new and reused connections; 4 concurrent creates", from the dimensions
 * of the cases; undefined when they have none.
 */
export function pathsOf(cases: readonly { bodies?: readonly ("json" | "xml")[]; formats?: readonly ("json" | "xml")[]; connections?: readonly ("new" | "reused")[]; copies?: number }[]): string | undefined {
  const list = (set: Set<"json" | "xml">) => [...set].sort().map((f) => FORMAT_NAMES[f]).join(" and ");
  const bodies = new Set(cases.flatMap((c) => c.bodies ?? []));
  const formats = new Set(cases.flatMap((c) => c.formats ?? []));
  const connections = new Set(cases.flatMap((c) => c.connections ?? []));
  const copies = Math.max(0, ...cases.map((c) => c.copies ?? 0));
  const parts = [
    bodies.size ? `${list(bodies)} bod${bodies.size > 1 ? "ies" : "y"}` : "",
    formats.size ? `${list(formats)} response${formats.size > 1 ? "s" : ""}` : "",
    connections.size ? `${[...connections].sort().join(" and ")} connection${connections.size > 1 ? "s" : ""}` : "",
    copies ? `${copies} copies at once` : "",
  ].filter(Boolean);
  return parts.length ? parts.join("; ") : undefined;
}
