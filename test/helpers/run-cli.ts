// Runs `npm run assure`'s entry point as a user would: a separate process, its own output folder.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PROJECT_ROOT } from "../../src/project-root.ts";
import type { Summary } from "../../src/report/summary.ts";

const TSX = pathToFileURL(join(PROJECT_ROOT, "node_modules", "tsx", "dist", "loader.mjs")).href;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  outDir: string;
  summary?: Summary;
}

export function runAssureCli(args: string[] = [], env: Record<string, string> = {}): Promise<CliRun> {
  const outDir = mkdtempSync(join(tmpdir(), "assure-"));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      // tsx by path: the working directory is a temporary folder, where a bare "tsx" would not resolve.
      ["--import", TSX, join(PROJECT_ROOT, "src", "cli", "assure.ts"), "--out", outDir, ...args],
      // A clean environment: no .env of the developer's, no inherited SANDBOX_FAULTS.
      { cwd: outDir, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...env }, timeout: 120_000 },
      (err, stdout, stderr) => {
        const summaryPath = join(outDir, "summary.json");
        const summary = existsSync(summaryPath) ? (JSON.parse(readFileSync(summaryPath, "utf8")) as Summary) : undefined;
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr, outDir, summary });
      },
    );
  });
}

export function verdictsOf(summary: Summary | undefined): Record<string, string> {
  return Object.fromEntries((summary?.requirements ?? []).map((r) => [r.id, r.verdict]));
}
