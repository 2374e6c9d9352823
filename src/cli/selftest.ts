// `spine-assure selftest` (`npm run selftest`): proves the suites can fail. With no fault every requirement must
// pass; with each sandbox fault on, exactly the requirements it breaks must change verdict. Exit 1 otherwise.
import { FAULTS } from "../../sandbox/faults.ts";
import { loadSuites } from "../suite/load-suites.ts";
import { createLimiter } from "../run/limiter.ts";
import { formatTable, judge, runWithFault } from "../selftest/mutation.ts";

export async function selftest(only?: string[]): Promise<number> {
  const encoded = new Set(loadSuites().flatMap((s) => s.requirements.map((r) => r.id)));
  const faults = FAULTS.filter((f) => (!only?.length || only.includes(f.name)) && f.breaks.some((id) => encoded.has(id)));
  const baseline = await runWithFault(undefined);
  const notPassing = Object.entries(baseline.verdicts).filter(([, v]) => v !== "pass").map(([id]) => id);
  console.log(`baseline (no fault): ${Object.keys(baseline.verdicts).length - notPassing.length}/${Object.keys(baseline.verdicts).length} requirements pass${notPassing.length ? `; NOT passing: ${notPassing.join(", ")}` : ""}`);
  let done = 0;
  const slot = createLimiter(2);
  const rows = await Promise.all(faults.map((f) => slot(async () => {
    const row = judge(f, (await runWithFault(f.name)).verdicts, encoded);
    if (process.stdout.isTTY) process.stdout.write(`\r  ${++done}/${faults.length} faults`);
    return row;
  })));
  if (process.stdout.isTTY) process.stdout.write("\r\x1b[K");
  console.log(formatTable(rows));
  const uncovered = [...encoded].filter((id) => !FAULTS.some((f) => f.breaks.includes(id)));
  if (uncovered.length) console.log(`requirements no fault breaks: ${uncovered.join(", ")}`);
  return notPassing.length === 0 && rows.every((r) => r.outcome === "caught") ? 0 : 1;
}
