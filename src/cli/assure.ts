// `npm run assure`: runs every suite against the configured targets (the embedded sandbox by default) and exits
// with the gate's code: 0 no MUST rule failed, 1 a MUST rule failed, 2 configuration or suite error, 3 unreachable.
import { runAssurance } from "./run-assurance.ts";

const args = process.argv.slice(2);
const valuesOf = (flag: string) => args.flatMap((a, i) => (a === flag && args[i + 1] ? args[i + 1]!.split(",") : []));
if (args.includes("--help") || args.includes("-h")) {
  console.log(`usage: npm run assure [-- options]
  --requirement ID[,ID]   only cases that verify these requirements
  --tag TAG[,TAG]         only cases with these tags
  --format json|xml       only this format (cases without a format always run)
  --out DIR               output folder (default reports/)
  --suites DIR            suites folder (default suites/)
  --strict                SHOULD failures fail the gate too
  --no-report             skip the HTML report
exit codes: 0 no MUST rule failed; 1 a MUST rule failed; 2 configuration or suite error (nothing sent); 3 a target could not be reached`);
  process.exit(0);
}

try {
  const outcome = await runAssurance({
    outDir: valuesOf("--out")[0],
    suitesDir: valuesOf("--suites")[0],
    strict: args.includes("--strict"),
    noReport: args.includes("--no-report"),
    filter: {
      requirements: valuesOf("--requirement"),
      tags: valuesOf("--tag"),
      formats: valuesOf("--format") as ("json" | "xml")[],
    },
  });
  process.exit(outcome.exitCode);
} catch (err) {
  console.error(`spine-assure: internal error: ${(err as Error).stack ?? String(err)}`);
  process.exit(2);
}
