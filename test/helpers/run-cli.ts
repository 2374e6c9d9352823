// Runs `npm run assure`'s entry point as a user would: a separate process, its own output folder.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/project-root.ts";
import type { Summary } from "../../reporters/summary.ts";

const COMMANDS = new Set(["run", "rerun", "report", "requirements", "verify-evidence", "sandbox", "doctor"]);

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  outDir: string;
  summary?: Summary;
}

export function runAssureCli(args: string[] = [], env: Record<string, string> = {}): Promise<CliRun> {
  const named = COMMANDS.has(args[0] ?? "");
  const command = named ? [] : ["run"];
  const takesOut = !named || ["run", "rerun", "report"].includes(args[0]!);
  const given = args.indexOf("--out");
  const outDir = given >= 0 ? args[given + 1]! : mkdtempSync(join(tmpdir(), "assure-"));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      // The installed executable, as a user runs it; run unless another command is named.
      [join(PROJECT_ROOT, "bin", "spine-assure.js"), ...command, ...args, ...(takesOut && !args.includes("--out") ? ["--out", outDir] : [])],
      { cwd: outDir, env: cleanEnv(env), timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr, outDir, summary: summaryIn(outDir) }),
    );
  });
}

/**
 * A clean environment: no .env of the developer's, no inherited SANDBOX_FAULTS; only `env` besides, and TMPDIR, so
 * what the CLI writes there goes under the tests' temporary root (test/helpers/temp-root.ts).
 */
export function cleanEnv(env: Record<string, string>): Record<string, string | undefined> {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}), ...env };
}

/** The summary a run wrote into `outDir`, if it wrote one that can be read. */
export function summaryIn(outDir: string): Summary | undefined {
  const path = join(outDir, "summary.json");
  try {
    return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Summary) : undefined;
  } catch {
    // A summary a test broke on purpose (a truncated file for rerun) is not one to read.
    return undefined;
  }
}

export function verdictsOf(summary: Summary | undefined): Record<string, string> {
  return Object.fromEntries((summary?.requirements ?? []).map((r) => [r.id, r.verdict]));
}
