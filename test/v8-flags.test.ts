// bin/v8-flags.js: a run's process gives V8 a larger interrupt budget, so lukewarm code is not sent to the optimising
// compiler. Measured by the calls a function takes to be optimised, in a child process that compiles on its own thread
// (--no-concurrent-recompilation), so the count does not depend on the machine's load.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { SHORT_RUN_COMMANDS } from "../bin/v8-flags.js";

const FLAGS = pathToFileURL(join(PROJECT_ROOT, "bin", "v8-flags.js")).href;

function callsBeforeOptimised(tuned: boolean): number {
  const probe = `
    import { tuneForShortRun } from ${JSON.stringify(FLAGS)};
    if (${tuned}) tuneForShortRun();
    const f = new Function("a", "b", "const x = a * 3 + b; const y = x % 7; const z = (y << 2) ^ a; const w = z + x * y - b; return w > 10 ? w - a : w + b + x + y + z;");
    let n = 0;
    for (; n < 1e6; n++) { f(n, n + 1); if (%GetOptimizationStatus(f) & 16) break; }
    console.log(n);`;
  return Number(execFileSync(process.execPath, ["--allow-natives-syntax", "--no-concurrent-recompilation", "--input-type=module", "-e", probe], { encoding: "utf8" }));
}

describe("V8 tuning for a run", () => {
  it("leaves a function to the interpreter several times longer once tuned", () => {
    const plain = callsBeforeOptimised(false);
    const tuned = callsBeforeOptimised(true);
    expect(plain).toBeLessThan(1e6);
    expect(tuned).toBeGreaterThan(4 * plain);
  });

  it("tunes the commands that run the suites once, never the long-lived servers", () => {
    expect([...SHORT_RUN_COMMANDS].sort()).toEqual(["rerun", "run"]);
    for (const server of ["sandbox", "assess-client"]) expect(SHORT_RUN_COMMANDS.has(server)).toBe(false);
  });
});
