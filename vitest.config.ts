// The project's own tests (npm test). The assurance run itself uses a separate, programmatic vitest configuration
// (src/cli/run-assurance.ts), so these two never mix.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two test files at a time on CI's two cores: many of the slow ones mostly wait (hostile targets, timeouts, a
    // slow sandbox), so a second one overlaps them; each test's own runs stay bounded within it.
    maxWorkers: 2,
    // Each test file's worker transforms the modules it imports; kept on disk (keyed by content), the next file and
    // the next run reuse them.
    experimental: { fsModuleCache: true },
  },
});
