// Stopping a run is safe, through the real CLI against a sandbox over real sockets that counts the pointers left on
// it: on SIGINT or SIGTERM in the middle of the cases no new case starts, every case that started runs its teardown
// (the sandbox is back at zero pointers), the outputs are written marked interrupted, and the exit is 130 or 143; a
// second signal stops at once, saying what may be left, with no scratch folder left behind.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, SANDBOX_CLIENT_TLS, type RunningSandbox } from "../sandbox/server.ts";
import { PROJECT_ROOT } from "../src/project-root.ts";
import type { Summary } from "../reporters/summary.ts";
import { generatorsLeft } from "./helpers/generators.ts";
import { call, readHeaders } from "./helpers/sandbox-client.ts";
import { cleanEnv } from "./helpers/run-cli.ts";

const PATIENT = "https://demographics.spineservices.nhs.uk/STU3/Patient/9876543210";

let sb: RunningSandbox;
let slow: RunningSandbox;
beforeAll(async () => {
  // Every answer delayed, as an NHS environment's are: the run is still in its cases when the signal comes. The slow
  // one keeps a stopping run in its cases' last requests long enough for a second signal to come while it is.
  [sb, slow] = await Promise.all([startSandbox({ faults: "", variants: "", latencyMs: 150 }), startSandbox({ faults: "", variants: "", latencyMs: 1500 })]);
});
afterAll(async () => Promise.all([sb?.close(), slow?.close()]));

const livePointers = async (target = sb) => Number((await call(`${target.baseUrls.nrls!}/DocumentReference?subject=${encodeURIComponent(PATIENT)}`, { headers: readHeaders(target) })).json().total);

interface Stopped {
  code: number | null;
  stdout: string;
  outDir: string;
}

/**
 * Starts a run against the sandbox; once a pointer is live on it, sends `signals` (each after the run said it is
 * stopping). `terminal`: as a Ctrl-C at a terminal does, to the run's whole process group, and with the HTML report,
 * whose generator is started with the run (it must neither die with the run's first signal nor outlive its second).
 */
function runAndStop(signals: NodeJS.Signals[], target = sb, terminal = false): Promise<Stopped> {
  const outDir = mkdtempSync(join(tmpdir(), "stop-"));
  const child = spawn(process.execPath, [join(PROJECT_ROOT, "bin", "spine-assure.js"), "run", ...(terminal ? [] : ["--no-report"]), "--out", outDir, "--concurrency", "4"], {
    cwd: outDir,
    detached: terminal,
    env: cleanEnv({
      STOP_TEST_RUN: outDir,
      ASSURE_ACCEPT_SANDBOX_VALUES: "all", ERS_BASE_URL: target.baseUrls.ers!, NRLS_BASE_URL: target.baseUrls.nrls!,
      TLS_CA: SANDBOX_CLIENT_TLS.ca, TLS_CLIENT_CERT: SANDBOX_CLIENT_TLS.cert, TLS_CLIENT_KEY: SANDBOX_CLIENT_TLS.key,
    }),
  });
  let stdout = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return (async () => {
    for (let i = 0; i < 600 && (await livePointers(target)) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await livePointers(target), "a case had a pointer live when the signal came").toBeGreaterThan(0);
    for (const [i, signal] of signals.entries()) {
      if (i > 0) for (let j = 0; j < 400 && !stdout.includes("stopping."); j++) await new Promise((r) => setTimeout(r, 25));
      if (terminal) process.kill(-child.pid!, signal);
      else child.kill(signal);
    }
    return { code: await exited, stdout, outDir };
  })();
}

const summaryOf = (outDir: string) => JSON.parse(readFileSync(join(outDir, "summary.json"), "utf8")) as Summary;
const scratch = (outDir: string) => (existsSync(join(outDir, "runs")) ? readdirSync(join(outDir, "runs")).filter((f) => f.endsWith(".tmp")) : []);

describe("stopping a run", { timeout: 120_000 }, () => {
  for (const [signal, code, terminal] of [["SIGINT", 130, true], ["SIGTERM", 143, false]] as const) {
    it(`on ${signal}${terminal ? " to the process group" : ""}: starts no new case, runs every teardown, writes the outputs marked interrupted${terminal ? " and the report" : ""}, exits ${code}`, async () => {
      const run = await runAndStop([signal], sb, terminal);
      expect(run.code, run.stdout).toBe(code);
      expect(run.stdout).toContain(`${signal}: stopping.`);
      expect(await livePointers(), "every pointer the run created was deleted by its teardown").toBe(0);
      const summary = summaryOf(run.outDir);
      expect(summary).toMatchObject({ interrupted: true, signal, gate: { exitCode: code, result: "interrupted" } });
      expect(summary.cases.filter((c) => c.status === "not-run").length, "cases that had not started are not-run").toBeGreaterThan(0);
      expect(summary.cases.filter((c) => c.status !== "not-run").length, "cases that had started are reported").toBeGreaterThan(0);
      expect(scratch(run.outDir)).toEqual([]);
      expect(readdirSync(tmpdir()).filter((f) => f.startsWith(`spine-assure-stop-${summary.runId}`))).toEqual([]);
      const history = readFileSync(join(run.outDir, "history.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { interrupted?: boolean });
      expect(history.at(-1)!.interrupted).toBe(true);
      if (terminal) {
        expect(run.stdout).toMatch(/^Report: +\S*allure-report\/index\.html$/m);
        expect(readFileSync(join(run.outDir, "allure-report", "index.html"), "utf8")).toContain("gate: exit 130 INTERRUPTED");
      }
    });
  }

  it("on a second signal: stops at once, says what may be left on the target, leaves no scratch folder", async () => {
    const run = await runAndStop(["SIGINT", "SIGINT"], slow, true);
    expect(run.code, run.stdout).toBe(130);
    expect(await generatorsLeft({ env: `STOP_TEST_RUN=${run.outDir}` }), "the report's generator ends with the run").toEqual([]);
    expect(run.stdout).toContain("SIGINT again: stopped at once.");
    expect(run.stdout).toMatch(/the cases had captured, and not yet removed:\n( {2}.*\n)* {2}\S+: pointerId [0-9a-f-]+\n/);
    expect(run.stdout).not.toMatch(/sessionId [^(]/); // a session key is a secret: named, never shown
    expect(existsSync(join(run.outDir, "summary.json"))).toBe(false);
    expect(scratch(run.outDir)).toEqual([]);
  });
});
