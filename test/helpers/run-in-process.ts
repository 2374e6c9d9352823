// A whole `spine-assure run` in the test's own process: the same arguments as the command line (runArgs), the same
// stages (runAssurance) with a clean environment and the output folder as the working directory, as runAssureCli
// gives a spawned CLI — but the plan run by executeInProcess instead of a vitest worker. A spawned CLI pays node's and
// vitest's start-up and a plan compiled again (seconds of CPU each run); what a test of targets, configuration or
// outputs proves does not depend on them. The CLI around the stages (exit codes, signals, the vitest worker) is tested
// by spawning it: assure-e2e, stop-signals, compiled-cli, cli-usage.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runAssurance } from "../../src/cli/run.ts";
import { runArgs } from "../../src/cli/run-flags.ts";
import { verifyEvidenceCommand } from "../../src/cli/verify-evidence.ts";
import { executeInProcess } from "../../src/stages/execute-in-process.ts";
import { readSuites } from "../../src/suite/load-suites.ts";
import { cleanEnv, summaryIn, type CliRun } from "./run-cli.ts";

/** The project's suites, read once for the process (a run given --suites reads its own). */
let shipped: ReturnType<typeof readSuites> | undefined;

export async function runAssureInProcess(args: string[] = [], env: Record<string, string> = {}): Promise<CliRun> {
  const rest = args[0] === "run" ? args.slice(1) : args;
  const given = rest.indexOf("--out");
  const outDir = given >= 0 ? rest[given + 1]! : mkdtempSync(join(tmpdir(), "assure-"));
  const lines: string[] = [];
  let code: number;
  let stderr = "";
  try {
    const options = runArgs(given >= 0 ? rest : [...rest, "--out", outDir]);
    const read = options.suitesDir === undefined ? (shipped ??= readSuites()) : undefined;
    code = (await runAssurance({ ...options, ...(read ? { read } : {}), env: cleanEnv(env), cwd: outDir, log: (line) => lines.push(line), progress: false, execute: executeInProcess })).exitCode;
  } catch (err) {
    stderr = `spine-assure: internal error: ${(err as Error).stack ?? String(err)}\n`;
    code = 2;
  }
  return { code, stdout: printed(lines), stderr, outDir, summary: summaryIn(outDir) };
}

/** Lines as a process would have printed them. */
const printed = (lines: readonly string[]) => (lines.length ? `${lines.join("\n")}\n` : "");

/** `spine-assure verify-evidence <dir> [--ca <file>]` in this process: its exit code and the lines it printed. */
export function verifyEvidenceInProcess(dir: string, ca?: string): Pick<CliRun, "code" | "stdout" | "stderr"> {
  const out: string[] = [];
  const err: string[] = [];
  const code = verifyEvidenceCommand(resolve(dir), ca && resolve(ca), { log: (l: string) => out.push(l), error: (l: string) => err.push(l) });
  return { code, stdout: printed(out), stderr: printed(err) };
}
