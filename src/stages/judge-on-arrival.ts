// Judging each case as its result arrives (judgeCase, once), and handing the record on — to the Allure results
// writer for a run, streamed while the process mostly waits — so a run and the self-test judge cases the same way.
import { judgeCase } from "../judge/judge-case.ts";
import type { CaseRecord } from "../model/run-result.ts";
import type { Plan } from "../plan/make-plan.ts";
import type { AllureResultsWriter } from "../../reporters/allure-results.ts";
import type { CaseResult } from "../run/run-case.ts";

export interface CaseListener {
  /** Give it each case's (redacted) result as it finishes. */
  onCase(result: CaseResult): void;
  /** The cases judged so far, by key. */
  judged: ReadonlyMap<string, CaseRecord>;
  /** The first write of Allure results that failed (a full disk): said once, at the end; judging goes on. */
  writeFailure(): Error | undefined;
}

export function judgeOnArrival(plan: Pick<Plan, "cases">, options: { allure?: AllureResultsWriter; onJudged?: (record: CaseRecord) => void } = {}): CaseListener {
  const byKey = new Map(plan.cases.map((c) => [c.key, c]));
  const judged = new Map<string, CaseRecord>();
  let failure: Error | undefined;
  return {
    judged,
    writeFailure: () => failure,
    onCase(result) {
      const record = judgeCase(byKey.get(result.key)!, result);
      judged.set(record.key, record);
      if (options.allure && !failure) {
        try {
          options.allure.add(record);
        } catch (err) {
          failure = err as Error;
        }
      }
      options.onJudged?.(record);
    },
  };
}
