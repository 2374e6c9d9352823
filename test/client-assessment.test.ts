// Client-side assurance proves itself as the server side does: a conformant reference client passes every client
// rule it exercises (and it exercises them all), and for every client MUST rule — and most SHOULD rules — a variant of
// that client breaking it is blamed on exactly that rule (fail for MUST, warning for SHOULD), printed as a table with
// a kill rate, like `selftest`.
import { describe, expect, it } from "vitest";
import { clientCatalogue } from "../src/client/catalogue.ts";
import { createLimiter } from "../src/run/limiter.ts";
import { assessReferenceClient, type Assessed } from "./helpers/assess.ts";
import { CLIENT_FAULTS, CLIENT_VARIATIONS } from "./helpers/reference-client.ts";

const catalogue = clientCatalogue();
const mustRules = catalogue.rules.filter((r) => r.level === "MUST").map((r) => r.id);
const levelOf = new Map(catalogue.rules.map((r) => [r.id, r.level]));
const slot = createLimiter(4);
const rows: { fault: string; rule: string; blamed: string; caught: boolean }[] = [];
const variationRows: { variation: string; blamed: string; tolerated: boolean }[] = [];

describe.concurrent("client assessment of the reference client", () => {
  it("passes every client rule with the conformant client, each exercised, over mutual TLS, and leaks nothing", async () => {
    const { run, blamed, statuses } = await slot(() => assessReferenceClient(undefined, true, { leakGate: true }));
    expect(statuses).toEqual([201, 201, 200, 200, 200, 201, 200, 200, 204]);
    expect(blamed, JSON.stringify(run.requirements.filter((r) => r.verdict !== "pass").map((r) => [r.id, r.cases.flatMap((c) => c.messages)]))).toEqual([]);
    expect(run.requirements.filter((r) => r.verdict !== "pass").map((r) => `${r.id} ${r.verdict}`)).toEqual([]);
    expect(run.gate.exitCode).toBe(0);
    expect(run.gate.leaks ?? []).toEqual([]);
    expect(run.cases).toHaveLength(9);
  });

  it("says beside a verdict when the value may be the test data's: an ODS code the sandbox's directory lacks", async () => {
    const { run } = await slot(() => assessReferenceClient(CLIENT_FAULTS.find((f) => f.name === "author-ods-unknown")!));
    const message = run.requirements.find((r) => r.id === "NRLS-CLI-38")!.cases.flatMap((c) => c.messages)[0]!;
    expect(message).toMatch(/ZZZ99, an organisation Spine does not know .*not in the sandbox directory \(if it is your real one, give the sandbox a directory that has it: SANDBOX_DIRECTORY\)/);
  });

  it("still fails a lower-case fromasid: only the standard header's name is case-insensitive", async () => {
    const fault = CLIENT_FAULTS.find((f) => f.name === "fromasid-lower-case")!;
    const { blamed } = await slot(() => assessReferenceClient(fault));
    expect(blamed).toEqual(["NRLS-CLI-13"]);
  });

  for (const variation of CLIENT_VARIATIONS) {
    it(`tolerates the conformant variation ${variation.name}: nothing blamed, every request accepted`, async () => {
      const { run, blamed, statuses } = await slot(() => assessReferenceClient(variation));
      const why = JSON.stringify(run.requirements.filter((r) => r.verdict !== "pass" && r.verdict !== "not-run").map((r) => [r.id, r.cases.flatMap((c) => c.messages)]));
      variationRows.push({ variation: variation.name, blamed: blamed.join(", ") || "nothing", tolerated: blamed.length === 0 && statuses.every((s) => s < 300) });
      expect(blamed, why).toEqual([]);
      expect(statuses).toEqual([201, 201, 200, 200, 200, 201, 200, 200, 204]);
      expect(run.gate.exitCode).toBe(0);
    });
  }

  it("has a fault for every client MUST rule (a catch-all's, one whose consequence is a refusal no other MUST rule covers)", () => {
    expect(mustRules.filter((id) => !CLIENT_FAULTS.some((f) => f.breaks === id || f.alsoBreaks?.includes(id)))).toEqual([]);
  });

  for (const fault of CLIENT_FAULTS) {
    const expected = [fault.breaks, ...(fault.alsoBreaks ?? [])].sort();
    it(`blames ${expected.join(" and ")} alone for the client fault ${fault.name}`, async () => {
      const { run, blamed }: Assessed = await slot(() => assessReferenceClient(fault, !!fault.noCertificate));
      rows.push({ fault: fault.name, rule: fault.breaks, blamed: blamed.join(", ") || "nothing", caught: [...blamed].sort().join() === expected.join() });
      expect([...blamed].sort(), JSON.stringify(run.requirements.filter((r) => r.verdict !== "pass" && r.verdict !== "not-run").map((r) => [r.id, r.verdict, r.cases.flatMap((c) => c.messages)]))).toEqual(expected);
      const rule = run.requirements.find((r) => r.id === fault.breaks)!;
      expect(rule.verdict).toBe(levelOf.get(fault.breaks) === "MUST" ? "fail" : "warning");
      // The message names the rule, the value sent and where, and the catalogue line of the rule.
      const message = rule.cases.flatMap((c) => c.messages)[0]!;
      expect(message).toMatch(new RegExp(`^${fault.breaks}: expected .+; got .+ \\(check at client-rules/catalogue\\.yaml:\\d+\\)$`));
      // A refused request always gates: its catch-all is a MUST rule.
      expect(run.gate.exitCode).toBe(expected.some((id) => levelOf.get(id) === "MUST") ? 1 : 0);
    });
  }
});

describe("client fault table", () => {
  it("prints the kill rate: every client fault is caught", () => {
    const width = Math.max(...rows.map((r) => r.fault.length));
    const lines = [...rows].sort((a, b) => a.rule.localeCompare(b.rule)).map((r) => `${r.caught ? "caught" : "MISSED"}  ${r.rule.padEnd(12)} ${r.fault.padEnd(width)}  blamed: ${r.blamed}`);
    const caught = rows.filter((r) => r.caught).length;
    console.log(`Client faults (the reference client, each bent to break one client rule)\n${lines.join("\n")}\nclient faults caught ${caught}/${rows.length} (kill rate ${rows.length ? Math.round((caught / rows.length) * 100) : 0}%)`);
    expect(rows).toHaveLength(CLIENT_FAULTS.length);
    expect(caught).toBe(rows.length);
  });

  it("prints the variations tolerated: no conformant choice is blamed", () => {
    const tolerated = variationRows.filter((r) => r.tolerated).length;
    console.log(`Client variations (the reference client making another documented choice)\n${variationRows.map((r) => `${r.tolerated ? "tolerated" : "BLAMED   "}  ${r.variation}  blamed: ${r.blamed}`).join("\n")}\nclient variations tolerated ${tolerated}/${variationRows.length}`);
    expect(variationRows).toHaveLength(CLIENT_VARIATIONS.length);
    expect(tolerated).toBe(variationRows.length);
  });
});

describe("an assessment that one request cannot end", () => {
  it("records a request it cannot judge as broken, saying why, and judges the ones before and after", async () => {
    const { ClientAssessment } = await import("../src/client/assessment.ts");
    const { loadDirectory } = await import("../sandbox/directory.ts");
    const a = await ClientAssessment.create({ catalogue, directory: loadDirectory(), baseUrls: { nrls: "https://127.0.0.1:1/nrls", ers: "https://127.0.0.1:1/ers-api" }, evidenceMaxBodyBytes: 1 << 20 });
    const request = (method: string, url: string, body = "") => ({
      method, url, body, headers: [["Content-Type", "application/json"]] as [string, string][], receivedAt: Date.now(), origin: "https://127.0.0.1:1",
      response: { status: 400, headers: [], body: "" }, durationMs: 1,
    });
    // A session key that is not valid percent-encoding (decodeURIComponent throws), between two ordinary requests.
    a.add(request("GET", "//x:99999/"));
    expect(a.add(request("PUT", "/ers-api/v1/ProfessionalSession/%E0%A4%A", "{}")).unjudged).toMatch(/^the harness could not judge this request: URI malformed/);
    a.add(request("POST", "/ers-api/v1/ProfessionalSession", "{}"));
    const { cases } = a.finish();
    expect(cases.map((c) => c.status)).toEqual(["passed", "broken", "failed"]);
    expect(cases[1]!.reason).toMatch(/could not judge this request/);
  });
});

describe("--until-idle", () => {
  it("never ends while a request is still arriving: a body sent slowly, past the idle time, is judged", async () => {
    const { assessClient } = await import("../src/cli/assess-client.ts");
    const { connect } = await import("node:net");
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const lines: string[] = [];
    let urls: Partial<Record<string, string>> = {};
    const listening = new Promise<void>((resolve) => {
      void assessClient({ port: 0, http: true, out: mkdtempSync(join(tmpdir(), "idle-")), untilIdle: 1, report: false, log: (l) => lines.push(l), onListening: (u) => { urls = u; resolve(); } })
        .then((code) => (done = code));
    });
    let done: number | undefined;
    await listening;
    const url = new URL(`${urls.ers!}/v1/ProfessionalSession`);
    const body = JSON.stringify({ typeInfo: "uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession", token: "not a token" });
    const socket = connect(Number(url.port), url.hostname);
    await new Promise<void>((r) => socket.once("connect", () => r()));
    socket.write(`POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nXAPI_ASID: 200000000220\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
    // Half the body, then twice the idle time, then the rest: the assessment must still be there to judge it.
    socket.write(body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 2_000));
    expect(done, lines.join("\n")).toBeUndefined();
    socket.end(body.slice(10));
    while (done === undefined) await new Promise((r) => setTimeout(r, 100));
    expect(lines.join("\n")).toMatch(/Assessment ended: no request for 1 s \(--until-idle\)\. 1 request\(s\) judged\./);
  }, 30_000);
});

describe("a client without a certificate", () => {
  it("is refused by the sandbox (401), and fails NRLS-CLI-41 (mutual TLS): the assessment does not pass", async () => {
    const { ClientAssessment, clientRunResult } = await import("../src/client/assessment.ts");
    const { loadDirectory } = await import("../sandbox/directory.ts");
    const { startSandbox, SANDBOX_CLIENT_TLS } = await import("../sandbox/server.ts");
    const { Agent, request } = await import("undici");
    const { readFileSync } = await import("node:fs");
    let assessment: Awaited<ReturnType<typeof ClientAssessment.create>> | undefined;
    const seen: Promise<unknown>[] = [];
    const sandbox = await startSandbox({ tls: true, observe: (r) => seen.push(Promise.resolve().then(() => assessment!.add(r))) });
    try {
      assessment = await ClientAssessment.create({ catalogue, directory: loadDirectory(), baseUrls: { nrls: sandbox.baseUrls.nrls! }, evidenceMaxBodyBytes: 1 << 20 });
      // Trusts the sandbox's CA, presents no certificate of its own.
      const dispatcher = new Agent({ connect: { ca: readFileSync(SANDBOX_CLIENT_TLS.ca) } });
      // Everything else as a conformant provider system sends it (the Spine JWT, fromASID, toASID): only the certificate is missing.
      const { nrlsHeaders } = await import("./helpers/sandbox-client.ts");
      const subject = encodeURIComponent("https://demographics.spineservices.nhs.uk/STU3/Patient/9876543210");
      const res = await request(`${sandbox.baseUrls.nrls!}/DocumentReference?subject=${subject}`, { dispatcher, headers: nrlsHeaders(sandbox.baseUrls.nrls!, "read", { Accept: "application/fhir+json" }) });
      expect(res.statusCode).toBe(401);
      await res.body.text();
      await dispatcher.close();
      for (let i = 0; i < 50 && assessment.requests < 1; i++) await new Promise((r) => setTimeout(r, 10));
      await Promise.all(seen);
      const { run } = clientRunResult({ runId: "test", startedAt: Date.now(), tool: { name: "spine-assure", version: "test" }, assessment, catalogue, baseUrls: { nrls: sandbox.baseUrls.nrls! }, tls: true, ended: "test", printed: [] });
      const rule = run.requirements.find((r) => r.id === "NRLS-CLI-41")!;
      expect(rule.verdict).toBe("fail");
      expect(rule.cases.flatMap((c) => c.messages).join("\n")).toMatch(/NRLS-CLI-41: expected a client certificate \(TLS mutual authentication\); got no client certificate/);
      // Blamed on the rule it broke, not on the catch-all besides.
      expect(run.requirements.find((r) => r.id === "NRLS-CLI-30")!.verdict).toBe("pass");
      expect(run.gate.exitCode).toBe(1);
    } finally {
      await sandbox.close();
    }
  });
});

describe("the pack says whose system it judged, and who signed it", () => {
  const assess = async (extra: { system?: Record<string, string>; env?: NodeJS.ProcessEnv; cwd?: string }) => {
    const { assessClient } = await import("../src/cli/assess-client.ts");
    const { mkdtempSync, readFileSync, readdirSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { request } = await import("undici");
    const out = mkdtempSync(join(tmpdir(), "assessed-"));
    const lines: string[] = [];
    let urls: Partial<Record<string, string>> = {};
    let listening!: () => void;
    const ready = new Promise<void>((r) => (listening = r));
    const done = assessClient({ port: 0, http: true, out, requests: 1, report: false, log: (l) => lines.push(l), onListening: (u) => ((urls = u), listening()), ...extra });
    await ready;
    await (await request(`${urls.nrls!}/DocumentReference?_id=x`)).body.text();
    const code = await done;
    const runDir = join(out, "runs", readdirSync(join(out, "runs"))[0]!);
    return { code, lines: lines.join("\n"), run: JSON.parse(readFileSync(join(runDir, "run-result.json"), "utf8")) as import("../src/model/run-result.ts").RunResult, index: readFileSync(join(runDir, "index.html"), "utf8") };
  };

  it("names the assessed system on the first screen and in the signed result, and signs with the supplier's own identity when one is configured", async () => {
    const { makePki } = await import("./helpers/pki.ts");
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "supplier-id-"));
    const id = makePki("supplier").issue("CarePlan Pro signing 200000000118");
    writeFileSync(join(dir, "me.crt"), id.cert);
    writeFileSync(join(dir, "me.key"), id.key);
    const env = { ...process.env, TLS_CLIENT_CERT: "me.crt", TLS_CLIENT_KEY: "me.key", ASSESSED_SUPPLIER: "Acme Health (X26)" };
    const { code, lines, run, index } = await assess({ system: { product: "CarePlan Pro", version: "4.2", asid: "200000000118" }, env, cwd: dir });
    expect(code, lines).toBe(1);
    expect(run.assessment!.system).toEqual({ product: "CarePlan Pro", version: "4.2", supplier: "Acme Health (X26)", asid: "200000000118" });
    expect(index).toMatch(/<b>Assessed system<\/b>: CarePlan Pro 4\.2 by Acme Health \(X26\) \(ASID 200000000118\)/);
    expect(lines).toMatch(/Assessing: CarePlan Pro 4\.2 by Acme Health \(X26\) \(ASID 200000000118\)\./);
    expect(lines).toMatch(/The evidence will be signed with your identity: CN=CarePlan Pro signing 200000000118/);
    expect(run.signedBy!.map((s) => [s.subject, s.embedded])).toEqual([[expect.stringContaining("CN=CarePlan Pro signing 200000000118"), false]]);
  });

  it("says plainly when nothing names the system and the sandbox's public key signs", async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("TLS_") && !k.startsWith("ASSESSED_")));
    const { lines, run, index } = await assess({ env });
    expect(run.assessment!.system).toBeUndefined();
    expect(lines).toMatch(/Assessing a system not named: give --system/);
    expect(lines).toMatch(/signed with the sandbox's public test key \(it shows the files are as written, not who the supplier is\)/);
    expect(index).toMatch(/<b>Assessed system<\/b>: not named/);
    expect(run.signedBy!.every((s) => s.embedded)).toBe(true);
  });

  it("refuses an ASSESSED_SYSTEM_ASID that is not an ASID, and a TLS_CLIENT_CERT that does not exist, naming the variable (exit 2)", async () => {
    const { assessClient } = await import("../src/cli/assess-client.ts");
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    for (const [env, message] of [[{ ASSESSED_SYSTEM_ASID: "not-an-asid" }, /ASSESSED_SYSTEM_ASID/], [{ TLS_CLIENT_CERT: "/nonexistent/me.crt", TLS_CLIENT_KEY: "/nonexistent/me.key" }, /TLS_CLIENT_CERT names a file that does not exist/]] as const) {
      const lines: string[] = [];
      const code = await assessClient({ port: 0, http: true, out: mkdtempSync(join(tmpdir(), "assessed-bad-")), requests: 1, report: false, log: (l) => lines.push(l), env: { ...process.env, ...env } });
      expect(code, lines.join("\n")).toBe(2);
      expect(lines.join("\n")).toMatch(message);
    }
  });
});
