// Stage 1 without running: the suites loaded and every check they define compiled, as a run would (stage 3 compiles
// them where it runs them). Its own module so that preparing a run does not load FHIRPath: the run's process needs it
// only to check a plan before sending to an external target (src/cli/run.ts), and its worker loads it anyway.
import { compilePlan } from "../plan/compile-plan.ts";
import { planChecks } from "../plan/make-plan.ts";
import { readSuites } from "../suite/load-suites.ts";
import { SuiteError } from "../suite/suite-problems.ts";
import type { LoadedSuite } from "../suite/types.ts";

/** Loads the suites and compiles every check they define; throws SuiteError with every problem of both. */
export function checkSuites(dir?: string): LoadedSuite[] {
  const { suites, problems } = readSuites({ dir });
  problems.push(...compilePlan({ checks: planChecks(suites) }).problems);
  if (problems.length) throw new SuiteError(problems);
  return suites;
}
