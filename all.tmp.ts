import { FAULTS } from "./sandbox/faults.ts";
import { VARIANTS } from "./sandbox/variants.ts";
import { judge, judgeVariant, runWithFault, runWithVariant } from "./src/selftest/mutation.ts";
import { loadSuites } from "./src/suite/load-suites.ts";
const encoded = new Set(loadSuites().flatMap((s) => s.requirements.map((r) => r.id)));
const prefix = process.argv[2] ?? "";
const clean = await runWithFault(undefined);
console.log("clean", clean.code, Object.entries(clean.verdicts).filter(([, x]) => x !== "pass"));
for (const f of FAULTS.filter((f) => f.name.startsWith(prefix))) {
  const run = await runWithFault(f.name);
  const row = judge(f, run.verdicts, encoded);
  if (row.outcome !== "caught") console.log(JSON.stringify(row));
}
for (const v of VARIANTS.filter((v) => v.name.startsWith(prefix) || !v.name.startsWith("ers"))) {
  const run = await runWithVariant(v.name, { env: v.selftestEnv });
  const row = judgeVariant(v, run, encoded);
  if (row.outcome !== "tolerated") console.log(JSON.stringify(row));
}
console.log("done");
