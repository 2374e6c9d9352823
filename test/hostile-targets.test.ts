// A whole run (in this process: helpers/run-in-process.ts) against targets that misbehave at the transport or protocol
// level (in a process of their own: helpers/hostile-servers.ts). For each: the run ends within a bound, the summary and
// report are still written, the cases say what went wrong, there is no unhandled error, and the exit code is 3 when
// nothing answered, 1 otherwise.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { createLimiter } from "../src/run/limiter.ts";
import { startHostileServers } from "./helpers/hostile-servers.ts";
import { generatorsLeft } from "./helpers/generators.ts";
import { runAssureInProcess } from "./helpers/run-in-process.ts";

const TLS = join(PROJECT_ROOT, "fixtures", "tls");
// A target that answers at once (or refuses at once) is given a long timeout: a run here shares its thread with two
// others, and a request whose answer came while that thread was busy must not be called unanswered. Only the targets
// that never answer in full are given a short one, which they wait out.
const TIMEOUT_MS = 15_000;
const SHORT = { HTTP_TIMEOUT_MS: "1500" };
/** Two cases (JSON and XML) of one create, each with a teardown: a bound generous for a loaded 2-core CI. */
const BOUND_MS = 40_000;

let servers: Awaited<ReturnType<typeof startHostileServers>> | undefined;
beforeAll(async () => {
  servers = await startHostileServers();
});
afterAll(() => servers?.stop());
/** A hostile server's base URL, by its name in helpers/hostile-servers.ts. */
const served = (name: string) => async () => servers!.urls[name]!;

interface Hostile {
  name: string;
  start: () => Promise<string>;
  exit: 1 | 2 | 3;
  status: "broken" | "failed";
  message: RegExp;
  env?: Record<string, string>;
  /** The pre-flight handshake fails: the run stops at once with this diagnosis (exit 3), sending nothing, writing nothing. */
  preflight?: RegExp;
  /** The pre-flight's probe finds the base URL is not the API: exit 2 before any case, with this message. */
  notTheApi?: RegExp;
}

const HOSTILE: Hostile[] = [
  // Port 9 (discard), which nothing on a test machine listens on: a port freed by this process could be taken by
  // another test's server while the runs overlap.
  { name: "connection refused", exit: 3, status: "broken", message: /connection refused/, preflight: /nothing accepted a connection to 127\.0\.0\.1:\d+: .*ECONNREFUSED[\s\S]*fix: NRLS_BASE_URL/, start: async () => "http://127.0.0.1:9/nrls" },
  { name: "reset mid-body", exit: 1, status: "broken", message: /connection closed by the target/, start: served("reset mid-body") },
  { name: "accepting and never answering", exit: 3, status: "broken", message: /no complete response within 1500 ms/, env: SHORT, start: served("accepting and never answering") },
  { name: "answering one byte a second", exit: 3, status: "broken", message: /no complete response within 1500 ms/, env: SHORT, start: served("answering one byte a second") },
  { name: "a 500 with an HTML body", exit: 1, status: "failed", message: /expected HTTP status 201; got 500/, start: served("a 500 with an HTML body") },
  { name: "invalid JSON with a JSON content type", exit: 1, status: "failed", message: /body is not valid JSON/, start: served("invalid JSON with a JSON content type") },
  { name: "a wrong content type", exit: 1, status: "failed", message: /Content-Type "text\/plain" is neither JSON nor XML/, start: served("a wrong content type") },
  // The cap, not the clock, must end it: on a starved machine 5 MB can take longer than a short timeout, so this one
  // gets the longest (the case ends when the cap is met, long before).
  { name: "a 20 MB body", exit: 1, status: "broken", message: /exceeded 5242880 bytes/, env: { HTTP_TIMEOUT_MS: "30000" }, start: served("a 20 MB body") },
  { name: "a certificate from an unknown CA", exit: 2, status: "broken", message: /TLS failure/, preflight: /is not signed by a CA in the system's store[\s\S]*fix: NRLS_TLS_CA or TLS_CA/, start: served("a certificate from an unknown CA") },
  { name: "a server that rejects the client certificate", exit: 2, status: "broken", message: /TLS failure|connection closed by the target/,
    preflight: /refused no client certificate \(none is configured\)[\s\S]*fix: NRLS_TLS_PFX or NRLS_TLS_CLIENT_CERT and NRLS_TLS_CLIENT_KEY/,
    env: { TLS_CA: join(TLS, "ca.crt") }, start: served("a server that rejects the client certificate") },
  // A redirect is never the API's answer: the pre-flight's probe stops the run as a set-up mistake, before any case.
  { name: "a redirect loop", exit: 2, status: "failed", message: /expected HTTP status 201; got 302/, notTheApi: /NRLS_BASE_URL http:\/\/127\.0\.0\.1:\d+\/nrls does not look like NRLS: .* was answered 302 .*a redirect/, start: served("a redirect loop") },
];

describe("hostile targets on both APIs at once", () => {
  const both: [string, () => Promise<string>][] = [
    ["silent (accepting, never answering)", served("silent origin")],
    // Port 9, as for one API below: a port freed here could be taken by a server of another test file meanwhile.
    ["refusing connections", async () => "http://127.0.0.1:9"],
  ];
  for (const [name, start] of both) {
    it(`exit 3 when both targets are ${name}: every case ended and the report written, or (refused) the pre-flight's diagnosis`, async () => {
      const origin = await start();
      // A target that never answers costs every case a whole timeout (the e-RS suite's one at a time): a short one. Silence
      // is silence however busy the machine is: a request that got no answer in 250 ms got none.
      const run = await runAssureInProcess(["--concurrency", "32"], {
        ASSURE_ACCEPT_SANDBOX_VALUES: "all", ERS_BASE_URL: `${origin}/ers-api`, NRLS_BASE_URL: `${origin}/nrls`, HTTP_TIMEOUT_MS: "250",
      });
      expect(run.code, run.stdout + run.stderr).toBe(3);
      expect(run.stdout + run.stderr).not.toMatch(/Unhandled|harness error|internal error/);
      if (name === "refusing connections") {
        // Refused at TCP for both: the pre-flight stops the run with its diagnosis, for each API.
        expect(run.stdout).toMatch(/e-RS[\s\S]*PROBLEM {2}nothing accepted a connection[\s\S]*NRLS[\s\S]*PROBLEM {2}nothing accepted a connection/);
        expect(run.summary).toBeUndefined();
        // The report's generator, started with the run, ends with it: the run ended before its report.
        expect(await generatorsLeft({ parent: process.pid })).toEqual([]);
        return;
      }
      expect(run.summary, "summary.json is written").toBeDefined();
      expect(existsSync(join(run.outDir, "allure-report", "index.html")), "the report is written").toBe(true);
      expect(run.summary!.gate).toMatchObject({ exitCode: 3, result: "unreachable" });
      expect(run.summary!.cases.length).toBeGreaterThan(100);
      // The two APIs given a target; any other API is not run (not-applicable), never sent to the embedded sandbox.
      for (const c of run.summary!.cases.filter((x) => x.suite.startsWith("ers-") || x.suite.startsWith("nrls-"))) {
        expect(c.status, c.key).toBe("broken");
        expect(Number.isInteger(c.durationMs), c.key).toBe(true);
      }
      expect(run.summary!.cases.filter((x) => x.suite.startsWith("pds-")).every((c) => c.status === "not-applicable")).toBe(true);
    }, 180_000);
  }
});

// Three at a time: each run mostly waits on its target's silence or slowness.
const slot = createLimiter(3);

describe.concurrent("hostile targets", () => {
  for (const h of HOSTILE) {
    it(`survives ${h.name}`, async () => {
      const url = await h.start();
      const { run, took } = await slot(async () => {
        const started = Date.now();
        const run = await runAssureInProcess(["--suite", "nrls-create", "--requirement", "NRLS-CRT-01"], { ASSURE_ACCEPT_SANDBOX_VALUES: "all", NRLS_BASE_URL: url, HTTP_TIMEOUT_MS: String(TIMEOUT_MS), ...h.env });
        return { run, took: Date.now() - started };
      });
      expect(took, `took ${took} ms`).toBeLessThan(BOUND_MS);
      expect(run.code, run.stdout + run.stderr).toBe(h.exit);
      if (h.notTheApi) {
        expect(run.stdout).toMatch(h.notTheApi);
        expect(run.summary, "no summary.json").toBeUndefined();
        return;
      }
      if (h.preflight) {
        // Every target failed the handshake: the diagnosis instead of a failed case per rule, and no result recorded.
        expect(run.stdout).toMatch(h.preflight);
        // Refused at TCP: unreachable (exit 3). Refused for a trust anchor or identity of this machine's: a set-up
        // mistake (exit 2), never blamed on the environment.
        expect(run.stdout).toMatch(h.exit === 3 ? /No target could be reached \(exit 3\): nothing was sent, and this run is not recorded in the history/
          : /No target accepted this set-up's TLS \(exit 2: a set-up mistake, fix the files named above\): nothing was sent, and this run is not recorded in the history/);
        expect(run.summary, "no summary.json").toBeUndefined();
        expect(existsSync(join(run.outDir, "runs")), "no run folder").toBe(false);
        return;
      }
      expect(run.summary, "summary.json is written").toBeDefined();
      expect(existsSync(join(run.outDir, "allure-report", "index.html")), "the report is written").toBe(true);
      // NRLS-CRT-01's cases: JSON and XML answers, each to a pointer sent as JSON and as XML. The concurrent case meets
      // the hostility on its primer first (a search): it ends too, broken or failed, never passed.
      const cases = run.summary!.cases.filter((c) => c.status !== "not-run" && !c.key.includes("concurrent-creates"));
      expect(cases).toHaveLength(4);
      expect(["broken", "failed"]).toContain(run.summary!.cases.find((c) => c.key.includes("concurrent-creates"))?.status);
      for (const c of cases) {
        expect(c.status, c.key).toBe(h.status);
        expect(c.messages.join("\n"), c.key).toMatch(h.message);
      }
      expect(run.stdout + run.stderr).not.toMatch(/Unhandled|harness error|internal error/);
    }, 90_000);
  }
});
