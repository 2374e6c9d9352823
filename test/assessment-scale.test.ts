// An assessment may last hours (issue: assessment scale): it keeps only some requests in full, counts every request
// for each rule and lists it in the request log, and bounds the bodies its pack keeps. What must not change is any
// verdict: the same requests judged by an assessment that keeps everything give the same verdicts, the same gate and
// the same counts. Real requests from the reference client over real sockets, into one sandbox that both assessments
// observe; several rounds conformant, several with a fault whose rule is judged on arrival (NRLS-CLI-13) and one whose
// rule only the end decides (ERS-CLI-11: the session is never ended).
import { describe, expect, it } from "vitest";
import { ClientAssessment, clientRunResult, type KeepPolicy } from "../src/client/assessment.ts";
import { clientCatalogue } from "../src/client/catalogue.ts";
import { findLeaks } from "../src/judge/leak-gate.ts";
import { requestLogCsv } from "../reporters/request-log.ts";
import { coverageMarkdown } from "../reporters/coverage-matrix.ts";
import { Redactor } from "../src/secrets/redact.ts";
import { loadDirectory } from "../sandbox/directory.ts";
import { startSandbox } from "../sandbox/server.ts";
import { CLIENT_FAULTS, runReferenceClient } from "./helpers/reference-client.ts";

const catalogue = clientCatalogue();
const fault = (name: string) => CLIENT_FAULTS.find((f) => f.name === name)!;
const SMALL: KeepPolicy = { brokePerRule: 2, heldPerRule: 1, unjudged: 1 };

/** The reference client's rounds; then `extraTokens` reads, each with a bearer token of its own. */
async function assessTwice(budget: number, extraTokens = 0) {
  const pending: Promise<void>[] = [];
  const seen: string[] = [];
  const both: ClientAssessment[] = [];
  const sandbox = await startSandbox({ tls: false, observe: (r) => pending.push(Promise.resolve().then(() => {
    seen.push(r.headers.find(([n]) => n.toLowerCase() === "authorization")?.[1] ?? "");
    for (const a of both) a.add(r);
  })) });
  try {
    const baseUrls = { ers: sandbox.baseUrls.ers!, nrls: sandbox.baseUrls.nrls! };
    const make = (keep: KeepPolicy, total?: number) => ClientAssessment.create({ catalogue, directory: loadDirectory(), baseUrls, evidenceMaxBodyBytes: 262_144, keep, ...(total ? { evidenceMaxTotalBodyBytes: total } : {}) });
    const all: KeepPolicy = { brokePerRule: Infinity, heldPerRule: Infinity, unjudged: Infinity };
    both.push(await make(SMALL, budget), await make(all));
    const plan = [undefined, fault("fromasid-lower-case"), undefined, fault("a003-sent-as-get"), fault("fromasid-lower-case"), undefined, fault("a003-sent-as-get"), fault("fromasid-lower-case"), fault("a003-sent-as-get"), undefined];
    let sent = 0;
    for (const f of plan) sent += (await runReferenceClient({ ...baseUrls, tls: false }, f)).length;
    // An undocumented path as well: no rule judges it for NRLS, the e-RS catch-all does for e-RS.
    for (let i = 0; i < 3; i++) await fetch(`${baseUrls.nrls}/Nothing/${i}`).then((r) => r.text());
    sent += 3;
    for (let i = 0; i < extraTokens; i++) {
      const token = `eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.${Buffer.from(JSON.stringify({ jti: `${i}-${Math.random()}`, scope: "patient/DocumentReference.read" })).toString("base64url")}.`;
      await fetch(`${baseUrls.nrls}/DocumentReference?subject=x`, { headers: { Authorization: `Bearer ${token}`, fromASID: "200000000118", toASID: "999999999999" } }).then((r) => r.text());
    }
    sent += extraTokens;
    for (let i = 0; i < 100 && both[0]!.requests < sent; i++) await new Promise((r) => setTimeout(r, 10));
    await Promise.all(pending);
    const judge = (assessment: ClientAssessment) => clientRunResult({ runId: "test", startedAt: Date.now(), tool: { name: "spine-assure", version: "test" }, assessment, catalogue, baseUrls, tls: false, ended: "test", printed: [] });
    return { sent, small: judge(both[0]!), full: judge(both[1]!), tokens: seen.filter((t) => t.startsWith("Bearer ")).map((t) => t.slice(7)) };
  } finally {
    await sandbox.close();
  }
}

describe("an assessment that keeps only some requests in full", () => {
  it("gives every verdict, the gate and each rule's counts exactly as one that keeps every request, and lists every request", async () => {
    const { sent, small, full } = await assessTwice(1 << 30);
    const verdicts = (run: typeof small.run) => run.requirements.map((r) => `${r.id} ${r.verdict}`);
    expect(verdicts(small.run)).toEqual(verdicts(full.run));
    expect(small.run.gate).toEqual(full.run.gate);
    expect(small.run.requirements.find((r) => r.id === "NRLS-CLI-13")!.verdict).toBe("fail");
    expect(small.run.requirements.find((r) => r.id === "ERS-CLI-11")!.verdict).toBe(catalogue.rules.find((r) => r.id === "ERS-CLI-11")!.level === "MUST" ? "fail" : "warning");

    // Every request received is in the log, in order, with the same outcome in both.
    expect(small.run.assessment!.requests).toBe(sent);
    expect(small.run.requestLog!.map((e) => e.n)).toEqual(Array.from({ length: sent }, (_, i) => i + 1));
    const outcomes = (run: typeof small.run) => run.requestLog!.map((e) => `${e.n} ${e.outcome} ${(e.broke ?? []).join("+")}`);
    expect(outcomes(small.run)).toEqual(outcomes(full.run));
    expect(small.run.targets.map((t) => t.requests)).toEqual(full.run.targets.map((t) => t.requests));

    // Each rule's counts are over every request: what the full assessment's cases show.
    for (const r of small.run.requirements) {
      const inFull = full.run.requirements.find((x) => x.id === r.id)!;
      const judged = inFull.cases.length;
      const broke = inFull.cases.filter((c) => c.status === "failed" || c.status === "warning" || c.status === "broken").length;
      expect(r.requests ?? { judged: 0, broke: 0 }, r.id).toMatchObject({ judged, broke });
    }
    expect(small.run.requirements.find((r) => r.id === "NRLS-CLI-13")!.requests).toMatchObject({ broke: 3 * 3 });
    expect(small.run.requirements.find((r) => r.id === "ERS-CLI-11")!.requests).toMatchObject({ broke: 3 });

    // Kept: for each rule at most two that broke it and one it held for, and the first no rule covers.
    const kept = small.run.cases;
    expect(kept.length).toBeLessThan(full.run.cases.length / 2);
    expect(small.run.assessment!.kept).toBe(kept.length);
    // Which ones: exactly those among the first to show some rule's outcome, by the full assessment's judgments.
    const firsts = new Set<string>();
    for (const r of full.run.requirements) {
      const byOutcome = (bad: boolean) => r.cases.filter((c) => (c.status === "passed") !== bad).map((c) => c.key).sort();
      for (const key of byOutcome(true).slice(0, SMALL.brokePerRule)) firsts.add(key);
      for (const key of byOutcome(false).slice(0, SMALL.heldPerRule)) firsts.add(key);
    }
    for (const outcome of ["unjudged", "not judged"]) {
      const first = full.run.requestLog!.find((e) => e.outcome === outcome);
      if (first) firsts.add(first.kept!);
    }
    expect(kept.map((c) => c.key).filter((k) => !firsts.has(k))).toEqual([]);
    for (const r of full.run.requirements) {
      const first = (bad: boolean) => r.cases.map((c) => c).sort((a, b) => a.key.localeCompare(b.key)).find((c) => (c.status === "passed") !== bad)?.key;
      for (const key of [first(true), first(false)]) if (key) expect(kept.map((c) => c.key), `${r.id} ${key}`).toContain(key);
    }
    // ERS-CLI-11 is decided at the end, for the A001 that opened each session: the two kept are real cases, and one
    // let go on arrival is kept without its exchange, saying so.
    const sessionCases = small.run.requirements.find((r) => r.id === "ERS-CLI-11")!.cases.filter((c) => c.status === "failed");
    expect(sessionCases).toHaveLength(2);
    const logged = new Map(small.run.requestLog!.map((e) => [e.kept, e]));
    for (const c of sessionCases) expect(logged.get(c.key)?.broke).toContain("ERS-CLI-11");
    const letGo = small.run.cases.find((c) => c.key === sessionCases[0]!.key)!;
    expect(letGo.steps[0]!.exchange).toBeUndefined();
    expect(letGo.steps[0]!.note).toMatch(/judged when it arrived and let go .* without its exchange/);
    expect(letGo.title).toMatch(/^request \d+: A001 Create Professional Session — POST \/ers-api\/v1\/ProfessionalSession → 201$/);
    expect(small.run.cases.every((c) => (small.run.requestLog!.find((e) => e.kept === c.key) !== undefined))).toBe(true);

    // The outputs say so: the request log lists every request, the matrix each rule's counts.
    const csv = requestLogCsv(small.run)!.trim().split("\r\n");
    expect(csv).toHaveLength(sent + 1);
    expect(csv[0]).toBe("n,at,method,path,status,api,interaction,outcome,broke,kept");
    expect(csv.filter((l) => l.includes("NRLS-CLI-13"))).toHaveLength(9);
    expect(coverageMarkdown(small.run)).toMatch(/\| NRLS-CLI-13 \|.*\d+ request\(s\) judged, 9 broke it; kept in full: [^|]*request-\d+ \(failed\); request-\d+ \(failed\) \|/);
    expect(coverageMarkdown(small.run)).toContain(`Kept in full as cases: for each rule, the first ${SMALL.brokePerRule} request(s) that broke it`);
  }, 120_000);

  it("keeps the bodies of the whole pack within EVIDENCE_MAX_TOTAL_BODY_BYTES, those of requests that broke a rule first, each cut body saying so", async () => {
    const { small } = await assessTwice(3000);
    const bodies = small.run.cases.flatMap((c) => c.steps.flatMap((s) => (s.exchange ? [{ c, body: s.exchange.request.body ?? "" }, { c, body: s.exchange.response?.body ?? "" }] : [])));
    const note = /\n?\[spine-assure: (\d+) bytes in all; (\d+) not kept as evidence \(EVIDENCE_MAX_TOTAL_BODY_BYTES=3000: the bodies this pack keeps had reached it\); SHA-256 of the whole body: [0-9a-f]{64}\]$/;
    const keptBytes = bodies.reduce((n, { body }) => n + Buffer.byteLength(body.replace(note, "")), 0);
    expect(keptBytes).toBeLessThanOrEqual(3000);
    const cut = bodies.filter(({ body }) => note.test(body));
    expect(cut.length).toBeGreaterThan(0);
    // A request that broke a rule spent the budget before any that held: none of theirs is cut while a held one is whole.
    const firstCutFailing = cut.find(({ c }) => c.status !== "passed");
    const wholePassing = bodies.filter(({ c, body }) => c.status === "passed" && body.length > 0 && !note.test(body));
    expect(firstCutFailing === undefined || wholePassing.length === 0).toBe(true);
  }, 120_000);

  it("still hunts every request's JWT, kept in full or not, though it keeps none of them as text", async () => {
    const { small, tokens } = await assessTwice(1 << 30, 8);
    expect(new Set(tokens).size).toBeGreaterThan(8);
    // Most of the eight reads are let go: their tokens were seen once, on arrival.
    expect(small.run.requestLog!.slice(-8).filter((e) => !e.kept).length).toBeGreaterThan(4);
    const hunter = small.secrets;
    expect(() => hunter.secrets()).toThrow(/keeps no secret as text/);
    for (const token of tokens) {
      expect(findLeaks([{ where: "x", text: `a body that carries ${token} inside` }], hunter)).toEqual([{ where: "x" }]);
      expect(findLeaks([{ where: "x", text: Buffer.from(token).toString("base64") }], hunter)).toEqual([{ where: "x" }]);
      expect(findLeaks([{ where: "x", text: token.toUpperCase() }], hunter)).toEqual([{ where: "x" }]);
    }
    expect(findLeaks([{ where: "x", text: JSON.stringify(small.run.cases) + JSON.stringify(small.run.requestLog) }], hunter)).toEqual([]);
  }, 120_000);
});

describe("a compact redactor", () => {
  it("redacts a long secret in every form, in any letter case, as the one that keeps them as text does", () => {
    const secret = `eyJ${"a1B2c3D4".repeat(40)}.x`;
    const text = `A ${secret} B ${Buffer.from(secret).toString("hex").toUpperCase()} C ${encodeURIComponent(`Bearer ${secret}`)} D`;
    const compact = new Redactor([`Bearer ${secret}`], [], { compact: true });
    const plain = new Redactor([`Bearer ${secret}`]);
    expect(compact.text(text)).toBe(plain.text(text));
    expect(compact.text(text)).not.toMatch(/a1B2c3D4/i);
    expect(compact.longestForm()).toBe(Math.max(...plain.secrets().map((s) => s.length)));
  });
});
