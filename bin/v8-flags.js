// V8's tuning for the processes that live seconds, not hours. V8 hands a function to its optimising compiler once the
// function has run a little bytecode (the interrupt budget: 67,584 bytes in Node 20). In a whole run four threads of
// TurboFan spent about a fifth of the process's CPU (`perf record`) compiling code that then ran only a few more times.
// With nine times the budget only code that stays hot is compiled: side by side, a run's cases at concurrency 64 took
// 15–20% less CPU, and a cold run with its report (the generator tuned too) about 15% less. A server that lives for
// thousands of requests is slower with it (assess-client: 0.6 ms of CPU a request against 0.5; code run once a request
// is then never compiled), so `sandbox`, `assess-client` and the rest keep V8's default. Flags belong to the process:
// they hold for its worker threads (the cases' vitest worker) and for all code loaded after the call.
import { execArgv } from "node:process";
import { setFlagsFromString } from "node:v8";

const SHORT_RUN_INTERRUPT_BUDGET = 600_000;

/** The CLI's commands that tune: each runs the suites once, then exits. */
export const SHORT_RUN_COMMANDS = new Set(["run", "rerun"]);

/** Sets the budget, unless node was given one of its own on its command line. */
export function tuneForShortRun() {
  if (execArgv.some((a) => a.startsWith("--interrupt-budget"))) return;
  setFlagsFromString(`--interrupt-budget=${SHORT_RUN_INTERRUPT_BUDGET}`);
}
