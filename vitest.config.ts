// The project's own tests (npm test). The assurance run itself uses a separate, programmatic vitest configuration
// (src/stages/execute.ts), so these two never mix. Four projects: `unit` (in-process, against servers on loopback:
// the developer's loop, npm run test:unit), `sandbox` (the embedded sandbox's own tests: npm run test:sandbox), `cli`
// (whole runs — in the test's process through runAssurance, or a spawned CLI where the process itself is at stake —,
// the browser, and checks too slow for the loop) and `selftest` (the suites against every sandbox fault and variant).
// npm test runs all four.
import { basename } from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Whole runs (test/helpers/run-in-process.ts), spawned CLIs (test/helpers/run-cli.ts) and the browser. */
const CLI = [
  "allure-generator", "assess-client-cli", "assure-e2e", "attribution", "cli-usage", "compiled-cli", "evidence", "hardening", "hostile-targets", "keep-runs",
  "leak-gate", "nhs-environment", "outputs", "partial-runs", "report-browser", "stop-signals",
].map((name) => `test/${name}.test.ts`);
/**
 * Checks that take seconds of CPU and prove nothing a change to the engine is likely to break: the gate (npm test)
 * runs them, the developer's loop (test:unit) does not. They go with the cli project.
 */
const GATE_ONLY = ["run-result-schema"].map((name) => `test/${name}.test.ts`);
/** The embedded sandbox's own tests: its rules, every fault and variant probed, its robustness. */
const SANDBOX = ["sandbox", "sandbox-faults", "sandbox-nrls-rules", "sandbox-robustness"].map((name) => `test/${name}.test.ts`);
/** The mutation and variant self-tests, and their run on a starved machine. */
const SELFTEST = ["faults-caught", "variants-tolerated", "load-independence"].map((name) => `test/${name}.test.ts`);

/**
 * The slowest files, slowest first (per-file times in the README's Development section). Vitest would start them by
 * project (cli, selftest, unit) and, on a clone with no cache of earlier times, in no order of length: the self-test's
 * single-threaded minute and a half then began last and ran alone at the end. Longest first, the workers finish
 * nearly together.
 */
const SLOWEST = [
  "faults-caught", "report-browser", "hardening", "variants-tolerated", "assure-e2e", "stop-signals", "hostile-targets", "load-independence",
  "nhs-environment", "leak-gate", "attribution", "keep-runs", "outputs", "compiled-cli", "evidence",
];

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const at = SLOWEST.indexOf(basename(f.moduleId, ".test.ts"));
      return at < 0 ? SLOWEST.length : at;
    };
    // Stable: the rest keep vitest's own order.
    return (await super.sort(files)).map((f, i) => [f, i] as const).sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1]).map(([f]) => f);
  }
}

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // One temporary root for the whole run, removed at its end (test/helpers/temp-root.ts).
    globalSetup: ["test/helpers/temp-root.ts"],
    sequence: { sequencer: SlowestFirst },
    // Three test files at a time on CI's two cores: many of the slow ones partly wait (hostile targets, timeouts, a
    // slow sandbox, signals), and a third file takes up the core they leave idle; each test's own runs stay bounded.
    maxWorkers: 3,
    // Each test file's worker transforms the modules it imports; kept on disk (keyed by content), the next file and
    // the next run reuse them.
    experimental: { fsModuleCache: true },
    projects: [
      // Each project's files run one after another in one module graph per worker instead of importing every module
      // again for each file, and the engine warmed by one file's runs (compiled checks, read suites, optimised code)
      // serves the next: a first in-process run costs about three times the CPU of the ones after it. No test leaves
      // state behind: each starts its own servers and sandboxes, writes in its own temporary folder, passes a run its
      // environment instead of changing the process's (the one test that sets a variable restores it), and undoes what
      // it pins (load-independence). A full npm test took 444 s of CPU this way against 516 s with a fresh module graph
      // per file.
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: [...CLI, ...GATE_ONLY, ...SANDBOX, ...SELFTEST], isolate: false } },
      { extends: true, test: { name: "sandbox", include: SANDBOX, isolate: false } },
      { extends: true, test: { name: "cli", include: [...CLI, ...GATE_ONLY], isolate: false } },
      { extends: true, test: { name: "selftest", include: SELFTEST, isolate: false } },
    ],
  },
});
