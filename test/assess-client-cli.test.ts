// `spine-assure assess-client` and `validate` as a new user runs them: a separate process, the README's walk-through
// script (plain undici over mutual TLS) making a good and a bad create, the pack it writes, the console, signals.
import { spawn, execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { filesUnder } from "../src/files-under.ts";
import { PROJECT_ROOT } from "../src/project-root.ts";
import type { Summary } from "../reporters/summary.ts";
import { cleanEnv } from "./helpers/run-cli.ts";

const BIN = join(PROJECT_ROOT, "bin", "spine-assure.js");
const env = cleanEnv({});
const TOKEN = JSON.parse(readFileSync(join(PROJECT_ROOT, "fixtures", "sandbox", "directory.json"), "utf8")).ers.users[0].token as string;

interface Assessor {
  out: string;
  urls: Promise<{ ers: string; nrls: string }>;
  done: Promise<{ code: number; stdout: string }>;
  signal(s: NodeJS.Signals): void;
}

/** Starts assess-client; resolves its base URLs once it has printed them. */
function startAssessor(args: string[]): Assessor {
  const out = mkdtempSync(join(tmpdir(), "assess-client-"));
  const child = spawn(process.execPath, [BIN, "assess-client", "--port", "0", "--out", out, ...args], { cwd: out, env });
  let stdout = "";
  let found: (u: { ers: string; nrls: string }) => void;
  const urls = new Promise<{ ers: string; nrls: string }>((r) => (found = r));
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
    const ers = /ERS_BASE_URL=(\S+)/.exec(stdout)?.[1];
    const nrls = /NRLS_BASE_URL=(\S+)/.exec(stdout)?.[1];
    if (ers && nrls) found({ ers, nrls });
  });
  child.stderr.on("data", (d: Buffer) => (stdout += d.toString()));
  const done = new Promise<{ code: number; stdout: string }>((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, stdout })));
  const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
  void done.then(() => clearTimeout(timer));
  return { out, urls, done, signal: (s) => child.kill(s) };
}

const runNode = (args: string[], extraEnv: Record<string, string>) =>
  new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, args, { cwd: PROJECT_ROOT, env: { ...env, ...extraEnv }, timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: stdout + stderr }));
  });

const latestRun = (out: string) => join(out, "runs", readdirSync(join(out, "runs"))[0]!);
const everyFile = (dir: string) => filesUnder(dir).map((f) => readFileSync(f, "latin1")).join("\n");

describe.concurrent("assess-client", () => {
  it("judges the README walk-through: a good create passes, the bad one is blamed on NRLS-CLI-22 with the value sent", async () => {
    const a = startAssessor(["--requests", "2"]);
    const urls = await a.urls;
    expect(urls.nrls).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/nrls$/);
    const script = await runNode([join(PROJECT_ROOT, "examples", "create-two-pointers.mjs")], { NRLS_BASE_URL: urls.nrls });
    expect(script.stdout).toMatch(/9876543210: 201/);
    expect(script.stdout).toMatch(/9876543211: 400 .*INVALID_NHS_NUMBER/);
    const { code, stdout } = await a.done;
    expect(code, stdout).toBe(1);
    // The console: settings first, then each request as it arrived with the rules it broke.
    expect(stdout.indexOf("NRLS_BASE_URL=")).toBeLessThan(stdout.indexOf("#1 POST"));
    expect(stdout).toMatch(/client certificate \S*fixtures\/tls\/client\.crt/);
    expect(stdout).toMatch(/#1 POST \/nrls\/DocumentReference → 201 \(Create pointer\): \d+ rule\(s\), all held/);
    expect(stdout).toMatch(/#2 POST \/nrls\/DocumentReference → 400 \(Create pointer\): broke NRLS-CLI-22\n\s+NRLS-CLI-22 MUST: .*9876543211.*\(at DocumentReference\.subject\.reference\)/);
    expect(stdout).toMatch(/Gate: exit 1 — 1 requirement\(s\) failed: NRLS-CLI-22/);

    const summary = JSON.parse(readFileSync(join(a.out, "summary.json"), "utf8")) as Summary;
    expect(summary.assessment).toMatchObject({ kind: "client", requests: 2, tls: true });
    expect(summary.cases.map((c) => c.status)).toEqual(["passed", "failed"]);
    const verdict = (id: string) => summary.requirements.find((r) => r.id === id)!;
    expect(verdict("NRLS-CLI-22").verdict).toBe("fail");
    expect(verdict("NRLS-CLI-22").cases.map((c) => c.status)).toEqual(["passed", "failed"]);
    expect(verdict("NRLS-CLI-22").cases[1]!.messages[0]).toMatch(/9876543211.*\(at DocumentReference\.subject\.reference\) \(check at client-rules\/catalogue\.yaml:\d+\)/);
    expect(verdict("NRLS-CLI-01").verdict).toBe("pass");
    // Rules no request exercised are not-run, never passed.
    expect(verdict("ERS-CLI-01").verdict).toBe("not-run");
    expect(verdict("NRLS-CLI-05").cases).toHaveLength(2);

    // The pack: first screen marked as a client assessment, the Allure report, JUnit, the signed manifest.
    const runDir = latestRun(a.out);
    expect(readFileSync(join(runDir, "index.html"), "utf8")).toMatch(/Client assessment<\/b>: the embedded sandbox judged the 2 request\(s\)/);
    expect(existsSync(join(runDir, "allure-report", "index.html"))).toBe(true);
    const results = filesUnder(join(runDir, "allure-results")).filter((f) => f.endsWith("-result.json")).map((f) => JSON.parse(readFileSync(f, "utf8")) as { status: string; labels: { name: string; value: string }[] });
    const label = (r: (typeof results)[number], n: string) => r.labels.find((l) => l.name === n)?.value;
    const failed = results.filter((r) => r.status === "failed");
    expect(failed.map((r) => [label(r, "epic"), label(r, "feature"), label(r, "story"), label(r, "case")])).toEqual([["NRLS provider system", "Create pointer", "NRLS-CLI-22", "request-0002"]]);
    expect(new Set(results.map((r) => label(r, "case")))).toEqual(new Set(["request-0001", "request-0002"]));
    expect(readFileSync(join(runDir, "junit.xml"), "utf8")).toMatch(/<testcase classname="client-rules\/catalogue\.yaml" name="request-0002"[^]*?<failure/);
    // The request log, in the signed pack and at the output root: every request, how it was judged, its case.
    const log = readFileSync(join(runDir, "requests.csv"), "utf8").trim().split("\r\n");
    expect(log.slice(1).map((l) => l.replace(/^(\d+),[^,]+,/, "$1,<at>,"))).toEqual([
      "1,<at>,POST,/nrls/DocumentReference,201,nrls,Create pointer,held,,request-0001",
      "2,<at>,POST,/nrls/DocumentReference,400,nrls,Create pointer,broke,NRLS-CLI-22,request-0002",
    ]);
    expect(readFileSync(join(a.out, "requests.csv"), "utf8")).toBe(log.join("\r\n") + "\r\n");
    // Files intact; signed by the sandbox's committed test key, which no --ca can make trusted.
    const verify = await runNode([BIN, "verify-evidence", runDir], {});
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.stdout).toContain("integrity not provable");
    // The JWTs were redacted everywhere (the decoded claims are shown, never a token).
    expect(everyFile(runDir)).not.toMatch(/eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0\.eyJ/);
  }, 120_000);

  it("ends on SIGINT with the evidence written; the smartcard token and session key appear nowhere; an open session is a warning", async () => {
    const a = startAssessor(["--http", "--no-report"]);
    const urls = await a.urls;
    const res = await fetch(`${urls.ers}/v1/ProfessionalSession`, { method: "POST", headers: { XAPI_ASID: "200000000220", "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify({ typeInfo: "uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession", token: TOKEN }) });
    expect(res.status).toBe(201);
    const session = (await res.json()) as { id: string };
    // Its answer is in; give the sandbox a moment to record it, then stop as a user would.
    await new Promise((r) => setTimeout(r, 300));
    a.signal("SIGINT");
    const { code, stdout } = await a.done;
    expect(code, stdout).toBe(0);
    expect(stdout).toMatch(/Assessment ended: stopped by SIGINT\. 1 request\(s\) judged/);
    const summary = JSON.parse(readFileSync(join(a.out, "summary.json"), "utf8")) as Summary;
    expect(summary.requirements.find((r) => r.id === "ERS-CLI-11")!.verdict).toBe("warning");
    expect(summary.requirements.find((r) => r.id === "ERS-CLI-04")!.verdict).toBe("pass");
    for (const secret of [TOKEN, session.id]) {
      expect(everyFile(a.out).includes(secret)).toBe(false);
      expect(stdout.includes(secret)).toBe(false);
    }
  }, 120_000);

  it("exits 3 when no request came before --until-idle, writing a pack that says nothing was assessed, and leaving the latest files alone", async () => {
    const a = startAssessor(["--http", "--until-idle", "1", "--no-report"]);
    const { code, stdout } = await a.done;
    expect(code, stdout).toBe(3);
    // The latest copies are not replaced by an assessment of nothing: the pack is in its own run folder.
    expect(existsSync(join(a.out, "summary.json"))).toBe(false);
    expect(stdout).toMatch(/Nothing was received: this pack is kept in .*runs/);
    const runs = readdirSync(join(a.out, "runs"));
    const summary = JSON.parse(readFileSync(join(a.out, "runs", runs[0]!, "summary.json"), "utf8")) as Summary;
    expect(summary.gate.reason).toMatch(/no request was received/);
    expect(summary.requirements.every((r) => r.verdict === "not-run")).toBe(true);
  }, 60_000);

  it("refuses usage mistakes with exit 2", async () => {
    for (const args of [["--requests", "0"], ["--until-idle", "soon"], ["--port", "70000"]]) {
      const r = await runNode([BIN, "assess-client", ...args], {});
      expect(r.code, args.join(" ")).toBe(2);
    }
    // Its settings are checked as a run checks them, naming the variable.
    const bad = await runNode([BIN, "assess-client", "--http", "--port", "0", "--until-idle", "1"], { EVIDENCE_MAX_BODY_BYTES: "lots" });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/EVIDENCE_MAX_BODY_BYTES .*"lots"/);
  }, 60_000);
});
