// `spine-assure selftest` (`npm run selftest`): proves both halves of a verdict. With no fault every requirement must
// pass; with each sandbox fault on, exactly the requirements it breaks must change verdict (checks can fail); with each
// documented variant on, nothing may fail and exactly its rules record it (checks do not fail a conformant
// environment that answers another documented way). Exit 1 otherwise.
import { FAULTS } from "../../sandbox/faults.ts";
import { VARIANTS } from "../../sandbox/variants.ts";
import { loadSuites } from "../suite/load-suites.ts";
import { createLimiter } from "../run/limiter.ts";
import { formatTable, formatVariantTable, judge, judgeVariant, runConclusively, runWithFault, runWithVariant } from "../selftest/mutation.ts";

export async function selftest(onlyFaults?: string[], onlyVariants?: string[]): Promise<number> {
  const encoded = new Set(loadSuites().flatMap((s) => s.requirements.map((r) => r.id)));
  // A filter for one kind alone runs none of the other.
  const faults = onlyVariants?.length && !onlyFaults?.length ? [] : FAULTS.filter((f) => (!onlyFaults?.length || onlyFaults.includes(f.name)) && f.breaks.some((id) => encoded.has(id)));
  const variants = onlyFaults?.length && !onlyVariants?.length ? [] : VARIANTS.filter((v) => (!onlyVariants?.length || onlyVariants.includes(v.name)) && (!v.rules.length || v.rules.some((id) => encoded.has(id))));
  const baseline = await runConclusively(() => runWithFault(undefined));
  const notPassing = Object.entries(baseline.verdicts).filter(([, v]) => v !== "pass").map(([id]) => id);
  console.log(`baseline (no fault): ${Object.keys(baseline.verdicts).length - notPassing.length}/${Object.keys(baseline.verdicts).length} requirements pass${notPassing.length ? `; NOT passing: ${notPassing.join(", ")}` : ""}`);
  let done = 0;
  const total = faults.length + variants.length;
  const progress = () => process.stdout.isTTY && process.stdout.write(`\r  ${++done}/${total} runs`);
  const slot = createLimiter(2);
  const [faultRows, variantRows] = await Promise.all([
    Promise.all(faults.map((f) => slot(async () => {
      const run = await runConclusively(() => runWithFault(f.name));
      const row = judge(f, run.verdicts, encoded, run.unanswered);
      progress();
      return row;
    }))),
    Promise.all(variants.map((v) => slot(async () => {
      const row = judgeVariant(v, await runConclusively(() => runWithVariant(v.name, { env: v.selftestEnv })), encoded);
      progress();
      return row;
    }))),
  ]);
  if (process.stdout.isTTY) process.stdout.write("\r\x1b[K");
  if (faultRows.length) console.log(formatTable(faultRows));
  const uncovered = [...encoded].filter((id) => !FAULTS.some((f) => f.breaks.includes(id)));
  if (faultRows.length && uncovered.length) console.log(`requirements no fault breaks: ${uncovered.join(", ")}`);
  if (variantRows.length) console.log(`\n${formatVariantTable(variantRows)}`);
  return notPassing.length === 0 && faultRows.every((r) => r.outcome === "caught") && variantRows.every((r) => r.outcome === "tolerated") ? 0 : 1;
}
