// The project's own tests (npm test). The assurance run itself uses a separate, programmatic vitest configuration
// (src/stages/execute.ts), so these two never mix. Three projects: `unit` (in-process, against servers on loopback:
// the developer's loop, npm run test:unit), `cli` (whole runs — in the test's process through runAssurance, or a
// spawned CLI where the process itself is at stake — and the browser) and `selftest` (the suites against every sandbox
// fault and variant). npm test runs all three.
import { defineConfig } from "vitest/config";

/** Whole runs (test/helpers/run-in-process.ts), spawned CLIs (test/helpers/run-cli.ts) and the browser. */
const CLI = [
  "assess-client-cli", "assure-e2e", "attribution", "cli-usage", "compiled-cli", "evidence", "hardening", "hostile-targets", "keep-runs",
  "leak-gate", "nhs-environment", "outputs", "partial-runs", "report-browser", "stop-signals",
].map((name) => `test/${name}.test.ts`);
/** The mutation and variant self-tests, and their run on a starved machine. */
const SELFTEST = ["faults-caught", "variants-tolerated", "load-independence"].map((name) => `test/${name}.test.ts`);

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two test files at a time on CI's two cores: many of the slow ones mostly wait (hostile targets, timeouts, a
    // slow sandbox), so a second one overlaps them; each test's own runs stay bounded within it.
    maxWorkers: 2,
    // Each test file's worker transforms the modules it imports; kept on disk (keyed by content), the next file and
    // the next run reuse them.
    experimental: { fsModuleCache: true },
    projects: [
      // The unit loop's files run one after another in one module graph per worker instead of importing every module
      // again for each file (a third of its time). No test leaves state behind: each starts its own servers and
      // sandboxes, writes in its own temporary folder, and restores what it changes of the environment. (Tried for the
      // other two projects as well: that full run took 583 s instead of 451 s, so not there.)
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: [...CLI, ...SELFTEST], isolate: false } },
      { extends: true, test: { name: "cli", include: CLI } },
      { extends: true, test: { name: "selftest", include: SELFTEST } },
    ],
  },
});
