// The leak gate finds planted secrets without repeating them, before anything is written; and end to end, a target that echoes the smartcard
// token in a body and puts it in a URL leaves no trace of it (or of the session key) in anything the run writes.
import { createServer, type Server } from "node:http";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findLeaks, findLeaksInFiles } from "../src/judge/leak-gate.ts";
import { allureStaticParts } from "../reporters/allure-report.ts";
import { Redactor } from "../src/secrets/redact.ts";
import type { RunResult } from "../src/model/run-result.ts";
import { RUN_RESULT } from "../src/evidence/run-result-file.ts";
import { OutputLeakError, publish } from "../src/stages/publish.ts";
import { loadSuites } from "../src/suite/load-suites.ts";
import { runAssureInProcess } from "./helpers/run-in-process.ts";
import { hex2, seeded, secretTexts } from "./helpers/secret-texts.ts";

const CANARY = "CANARY-token-7f3a9c1e-do-not-leak";
const SESSION = "pro-xapi-session_0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";

/**
 * Any spelling a reader turns back into text — JSON escapes (twice over), XML references, percent-encoding — read by the
 * test's own decoder, which decodes more than a reader would (a doubled backslash is undone first), never less.
 */
const reveal = (text: string): string => {
  let t = text;
  for (let i = 0; i < 3; i++) {
    t = t
      .replace(/\\\\/g, "\\")
      .replace(/\\u([0-9a-fA-F]{4})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
      .replace(/&#x([0-9a-fA-F]+);/g, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
      .replace(/&#([0-9]+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
      .replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
  return t;
};

describe("the leak gate", () => {
  it("names every source and the console output holding a secret, in any of its encodings", () => {
    const sources = [
      { where: "summary", text: '{"clean": true}' },
      { where: "case a", text: `{"url": "https://x/y?t=${encodeURIComponent(`${CANARY}/=`)}"}` },
      { where: "case b", text: `<x>${CANARY}</x>` },
      { where: "console output", text: ["all fine", `oops ${SESSION}`].join("\n") },
    ];
    const leaks = findLeaks(sources, [`${CANARY}/=`, CANARY, SESSION]);
    expect(leaks.map((l) => l.where).sort()).toEqual(["case a", "case b", "console output"]);
    expect(JSON.stringify(leaks)).not.toContain(CANARY);
    expect(findLeaks(sources, [])).toEqual([]);
  });

  it("finds a secret echoed base64, hex, in another case, as HTML character references or split across lines", () => {
    const forms: [string, string][] = [
      ["base64", Buffer.from(SESSION).toString("base64")],
      ["hex", Buffer.from(SESSION).toString("hex")],
      ["upper", SESSION.toUpperCase()],
      ["entities", [...SESSION].map((c, i) => (i % 2 ? `&#${c.charCodeAt(0)};` : `&#x${c.charCodeAt(0).toString(16)};`)).join("")],
      ["wrapped", `${SESSION.slice(0, 20)}\r\n  ${SESSION.slice(20, 40)}\n${SESSION.slice(40)}`],
    ];
    const hunted = new Redactor([SESSION]).secrets();
    const leaks = findLeaks(forms.map(([where, text]) => ({ where, text: `answer: ${text}.` })), hunted);
    expect(leaks.map((l) => l.where)).toEqual(forms.map(([where]) => where));
    expect(findLeaks([{ where: "clean", text: "pro-xapi-session_ and nothing else" }], hunted)).toEqual([]);
  });

  it("finds a secret spelt with JSON escapes, wholly or in part, once or twice over, or partly percent-encoded", () => {
    const u = (s: string, every: (i: number) => boolean) => [...s].map((c, i) => (every(i) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}` : c)).join("");
    const forms: [string, string][] = [
      ["escaped", `{"id":"${u(SESSION, () => true)}"}`],
      ["first escaped", `{"id":"${u(SESSION, (i) => i === 0)}"}`],
      ["escaped twice", JSON.stringify({ body: `{"id":"${u(SESSION, (i) => i % 2 === 0)}"}` })],
      ["percent", [...SESSION].map((c, i) => (i % 5 ? c : `%${c.charCodeAt(0).toString(16)}`)).join("")],
    ];
    const hunted = new Redactor([SESSION]).secrets();
    expect(findLeaks(forms.map(([where, text]) => ({ where, text })), hunted).map((l) => l.where)).toEqual(forms.map(([where]) => where));
    expect(findLeaks([{ where: "clean", text: `{"id":"${u("pro-xapi-session_", () => true)}"}` }], hunted)).toEqual([]);
  });

  it("fails the gate on an escaped secret planted in a written file, large or small, and not on a clean one", () => {
    const dir = mkdtempSync(join(tmpdir(), "leak-"));
    const escaped = [...SESSION].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
    // The planted secret straddles the 8 MiB boundary at which large files are read in parts.
    const big = join(dir, "big.json");
    writeFileSync(big, `${" ".repeat(8 * 1024 * 1024 - 40)}"${escaped}"`);
    const small = join(dir, "attachment.txt");
    writeFileSync(small, `{"token":"${escaped.slice(0, 60)}${SESSION.slice(10)}"}`);
    const clean = join(dir, "clean.txt");
    writeFileSync(clean, `{"note":"nothing secret \\u0070ro-xapi"}`);
    const hunted = new Redactor([SESSION]).secrets();
    const leaks = findLeaksInFiles([big, small, clean].map((path) => ({ path, where: path.slice(dir.length + 1) })), hunted);
    expect(leaks.map((l) => l.where).sort()).toEqual(["attachment.txt", "big.json"]);
  });

  it("fails the gate on an earlier run's JWT in the carried history (no secret of this run), naming the file, and not on a clean history", async () => {
    const { judgeRun } = await import("../src/judge/judge-run.ts");
    const dir = mkdtempSync(join(tmpdir(), "history-"));
    const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const jwt = `${b64({ alg: "none", typ: "JWT" })}.${b64({ iss: "https://x.example", sub: "s", requesting_system: "https://fhir.nhs.uk/Id/accredited-system|200000000118" })}.`;
    const poisoned = join(dir, "allure-history.jsonl");
    writeFileSync(poisoned, `{"uuid":"1","testResults":{"x":{"statusDetails":{"message":"got Authorization: Bearer ${jwt}"}}}}\n`);
    const clean = join(dir, "clean.jsonl");
    writeFileSync(clean, `{"uuid":"2","testResults":{"x":{"statusDetails":{"message":"Authorization: Bearer [REDACTED JWT]"}}}}\n`);
    const judged = (path: string) => judgeRun({ requirements: [], cases: [], targets: [], strict: false, secrets: [], printed: [], carriedFiles: [{ path, where: "allure-history.jsonl" }], context: {} });
    const bad = judged(poisoned).gate;
    expect(bad.exitCode).toBe(1);
    expect(bad.reason).toMatch(/allure-history\.jsonl \(an earlier run's JWT: remove that file to start the history afresh\)/);
    expect(bad.reason).not.toContain(jwt);
    expect(judged(clean).gate.leaks ?? []).toEqual([]);
  });
  it("reads a secret across whitespace wherever that is in a long text: one break, several, or an escape broken by one", () => {
    const secret = `s3cr3t-${"q".repeat(60)}-end`;
    const filler = "A".repeat(300_000);
    const hunt = (text: string) => findLeaks([{ where: "text", text }], [secret]).length;
    expect(hunt(`${filler}${secret.slice(0, 20)}\n  ${secret.slice(20)}${filler} words ${filler}`)).toBe(1);
    expect(hunt(`${filler} ${secret.slice(0, 10)}\r\n${secret.slice(10, 50)}\n${secret.slice(50)} ${filler}`)).toBe(1);
    expect(hunt(`${secret.slice(0, 30)}\n${secret.slice(30)}`)).toBe(1);
    // Percent-encoded, with a line break inside one escape: %7\n1 is read as %71, "q".
    expect(hunt(`${filler}${secret.slice(0, 10)}%7\n1${secret.slice(11)}${filler}`)).toBe(1);
    expect(hunt(`${filler}${secret.slice(0, 30)}\n${filler}${secret.slice(30)}`)).toBe(0);
    // A break between an escape and the rest, either way round (a ";" or a "%" is no unit of the secret's own).
    expect(hunt(`${filler}${secret.slice(0, 9)}&#${secret.charCodeAt(9)};\n${secret.slice(10)}${filler}`)).toBe(1);
    expect(hunt(`${filler}${secret.slice(0, 9)}\n%${secret.charCodeAt(9).toString(16)}${secret.slice(10)}${filler}`)).toBe(1);
    // Broken where JSON is indented (after a comma, before a quote): nothing a secret is written with meets there.
    expect(hunt(`${filler}["${secret.slice(0, 30)}",\n  "${secret.slice(30)}"]${filler}`)).toBe(0);
  });

  it("finds a secret read across whitespace exactly when the whole text joined up finds it, however the text around it is made", () => {
    // The reference: the text as written, and the whole text with every stretch of whitespace taken out. The search reads
    // across a stretch only between units a form or an escape is written with, and only as far as such units go on:
    // texts of JSON, markup, prose, base64 and escapes, a secret spelt with escapes and broken by whitespace anywhere
    // (inside an escape too), some a near miss, a short one matched as a whole word.
    const token = "AQIC5wM2LY4Sfcyw62EbAOsRpdfbGYUOyvkfZ4M6U7W52lM=@AAJTSQACMDE=#";
    const secrets = [token, SESSION, "k9x7q"];
    const hunter = Redactor.hunting(new Redactor(secrets).secrets());
    const reference = (text: string) => hunter.leaks(text) || hunter.leaks(text.replace(/\s+/g, ""));
    const rand = seeded(23);
    const spell: ((c: string) => string)[] = [(c) => c, (c) => c, (c) => c, (c) => `\\u00${hex2(c)}`, (c) => `%${hex2(c).toUpperCase()}`, (c) => `&#${c.charCodeAt(0)};`];
    const noise = ['{"a": "b",\n  "c": [1, 2]}', "<entry>\n  <x value=\"y\"/>", "the case expects a body", "QUJDREVGR0g=\nSUpLTE1O", "k9x7", "9x7q", "pro-xapi-", "AQIC5wM2", " ", "\n  ", "\t", "\\n", "%7", "&#", "(", ",", '"', "x".repeat(200), "é€"];
    // Each unit spelt one way or another, and one in six followed by a break.
    const broken = (c: string) => `${spell[rand(spell.length)]!(c)}${rand(6) ? "" : [" ", "\n", "\r\n  ", "\t"][rand(4)]}`;
    let hits = 0;
    for (const text of secretTexts(rand, 600, { secrets, noise, pieces: [3, 40], spell: broken, joiners: ["", " ", "\n"] })) {
      const expected = reference(text);
      if (expected) hits++;
      expect(findLeaks([{ where: "text", text }], hunter).length === 1, JSON.stringify(text)).toBe(expected);
    }
    expect(hits).toBeGreaterThan(100);
    expect(hits).toBeLessThan(500);
  });

  it("decodes a page's embedded base64 blocks, large or small, between markup, and finds a secret only they hold", () => {
    const dir = mkdtempSync(join(tmpdir(), "embedded-"));
    const page = join(dir, "index.html");
    const data = (text: string) => Buffer.from(text).toString("base64");
    const padding = "{\"n\":1}".repeat(3_000_000);
    for (const [name, blocks] of [
      ["small", [data(`{"name":"a test","title":"${CANARY}"}`)]],
      ["after a large one", [data(padding), data(`{"name":"a test","x":["${CANARY}"]}`)]],
      ["inside a large one", [data(`${padding}${CANARY}${padding}`)]],
    ] as const) {
      writeFileSync(page, `<script>${blocks.map((b, i) => `d("data/${i}.json","${b}");`).join("\n")}</script>`);
      expect(findLeaksInFiles([{ path: page, where: "page" }], [CANARY]), name).toHaveLength(1);
    }
    writeFileSync(page, `<script>d("data/0.json","${data(padding)}");</script>`);
    expect(findLeaksInFiles([{ path: page, where: "page" }], [CANARY])).toEqual([]);
  });

  it("searches a page as the whole text would be searched, whatever characters beyond ASCII it holds and wherever", () => {
    // A page is read in parts, as one-byte text, between characters no secret can hold or reach across (the title's
    // dash); one holding a Unicode space or a character of a secret is read whole. The reference: the same text searched
    // whole, in memory. Dashes, accents and CJK beside and between the pieces; Unicode spaces breaking a secret (read
    // across like any whitespace); a secret of non-ASCII characters.
    const accented = "pässwört-géheim-7f3a9c1e";
    const secrets = [CANARY, SESSION, accented];
    const hunter = Redactor.hunting(new Redactor(secrets).secrets());
    const rand = seeded(41);
    const noise = ["— gate: exit 0 PASS", "é€", "日本語", "<title>Spine — report</title>", '{"name": "Select Role — A002"}', " ", "\n", "\u00a0", "\u2028", "\u3000", "%E2%80%94", "&#8212;", "x".repeat(80), "—"];
    const spell = (c: string) => `${c}${rand(16) ? "" : ["\u00a0", "\u2028", " ", "\n", "—"][rand(5)]}`;
    const dir = mkdtempSync(join(tmpdir(), "page-"));
    const page = join(dir, "index.html");
    let hits = 0;
    for (const text of secretTexts(rand, 300, { secrets, noise, pieces: [2, 12], spell, joiners: ["", " ", "—", "\u00a0"] })) {
      writeFileSync(page, text);
      const expected = findLeaks([{ where: "text", text }], hunter).length === 1;
      if (expected) hits++;
      expect(findLeaksInFiles([{ path: page, where: "page" }], hunter).length === 1, JSON.stringify(text)).toBe(expected);
    }
    expect(hits).toBeGreaterThan(50);
    expect(hits).toBeLessThan(250);
    // Prose in another script (thousands of such characters) is read whole, and found the same.
    const prose = "word—".repeat(5000);
    for (const [text, leaks] of [[`${prose}${CANARY}${prose}`, 1], [`${prose}${CANARY.slice(0, 12)}\u00a0${CANARY.slice(12)}${prose}`, 1], [`${prose}${CANARY.slice(0, 12)}—${CANARY.slice(12)}${prose}`, 0]] as const) {
      writeFileSync(page, text);
      expect(findLeaksInFiles([{ path: page, where: "page" }], hunter)).toHaveLength(leaks);
    }
  });

  it("leaves the report app's own code (the same in every report) out of a page's search, and nothing else", async () => {
    const [app] = await allureStaticParts();
    expect(app).toMatch(/^data:text\/javascript;base64,[A-Za-z0-9+/]{100000,}/);
    const dir = mkdtempSync(join(tmpdir(), "known-"));
    const page = join(dir, "index.html");
    // A "secret" that is a piece of the app's code: found when the app is searched, not once it is left out.
    const inApp = app!.slice(5000, 5060);
    writeFileSync(page, `<script src="${app}"></script><p>${CANARY}</p>`);
    expect(findLeaksInFiles([{ path: page, where: "page" }], [inApp])).toHaveLength(1);
    expect(findLeaksInFiles([{ path: page, where: "page" }], [inApp], [app!])).toEqual([]);
    // What is not the app's code is still searched, and joining around the cut makes no secret of its ends.
    expect(findLeaksInFiles([{ path: page, where: "page" }], [CANARY], [app!])).toHaveLength(1);
    const across = `${app!.slice(-20)}"></script><p>`;
    expect(findLeaksInFiles([{ path: page, where: "page" }], [across])).toHaveLength(1);
    expect(findLeaksInFiles([{ path: page, where: "page" }], [across], [app!])).toEqual([]);
  });
});

describe.concurrent("secrets a hostile target echoes back", () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));
  // Its answer's strings plain, every character escaped, or about one in three (a conformant spelling: RFC 8259 §7).
  const spellings: [string, (i: number) => boolean][] = [["plain", () => false], ["escaped", () => true], ["escaped at random", () => Math.random() < 1 / 3]];

  it.each(spellings)("are redacted everywhere and the run passes the gate (answers %s)", async (_name, escaped) => {
    const spell = (json: string) => json.replace(/"(?:[^"\\]|\\.)*"/g, (lit) => `"${[...(JSON.parse(lit) as string)].map((c, i) => (escaped(i) || c === '"' || c === "\\" ? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}` : c)).join("")}"`);
    // An e-RS that echoes the token in its body and in a Location URL, and hands out a session key.
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const token = (() => {
          try {
            return String((JSON.parse(body) as { token?: string }).token ?? "");
          } catch {
            return "";
          }
        })();
        res.writeHead(201, { "Content-Type": "application/json", Location: `http://127.0.0.1/ers-api/v1/ProfessionalSession/${SESSION}?token=${encodeURIComponent(token)}` });
        res.end(spell(JSON.stringify({ typeInfo: "uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession", id: SESSION, token, debug: `received token ${token} for ${SESSION}`, user: {}, permission: null })));
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as AddressInfo).port;
    const run = await runAssureInProcess(["--suite", "ers-professional-session", "--requirement", "ERS-A001-01,ERS-A001-03"], {
      ASSURE_ACCEPT_SANDBOX_VALUES: "all", ERS_BASE_URL: `http://127.0.0.1:${port}/ers-api`,
      ERS_SMARTCARD_TOKEN: CANARY,
    });
    expect(run.summary, run.stdout + run.stderr).toBeDefined();
    expect(run.summary!.gate.reason).not.toMatch(/leak/);
    const files = (function walk(d: string): string[] {
      return readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
    })(run.outDir);
    expect(files.some((f) => f.endsWith(".httpexchange"))).toBe(true);
    // The report's search leaves out the app's code only where it is exactly the shipped one: here it is.
    const report = files.find((f) => f.endsWith(join("allure-report", "index.html")))!;
    expect(readFileSync(report, "utf8").includes((await allureStaticParts())[0]!)).toBe(true);
    for (const text of [run.stdout, run.stderr, ...files.map((f) => readFileSync(f, "utf8"))]) {
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain(encodeURIComponent(CANARY));
      expect(reveal(text)).not.toContain(CANARY);
      expect(reveal(text)).not.toContain(SESSION);
    }
  });
});

// Issue 33: a conformant target may escape any character of a JSON string. With every string of every answer escaped
// (the sandbox's documented variant), the verdicts are those of a plain run and no secret survives in any output once
// decoded — read here with a decoder of the test's own, not the harness's.
describe("secrets in answers whose strings are escaped", () => {
  const TOKEN = "AQIC5wM2LY4Sfcyw62EbAOsRpdfbGYUOyvkfZ4M6U7W52lM=@AAJTSQACMDE=#"; // the sandbox's default, configured as secret
  const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));

  it("every e-RS rule passes and neither the token, any session key nor any JWT appears in any written file or console line", async () => {
    // Every e-RS case, and NRLS's create-pointer cases, whose requests carry Spine JWTs.
    const ersIds = loadSuites().find((s) => s.suite === "ers-professional-session")!.requirements.map((r) => r.id);
    const run = await runAssureInProcess(["--requirement", [...ersIds, "NRLS-CRT-01"].join(",")], { SANDBOX_VARIANTS: "strings-escaped-every-character" });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.summary!.requirements.filter((r) => (r.id.startsWith("ERS-") || r.id === "NRLS-CRT-01") && r.verdict !== "pass").map((r) => r.id)).toEqual([]);
    const files = walk(run.outDir);
    expect(files.filter((f) => f.endsWith(".httpexchange")).length).toBeGreaterThan(10);
    // The escaped spelling really reached the evidence: a member name of the target's answer, escaped (and escaped
    // again as the attachment's JSON string).
    const spelt = JSON.stringify("\\u0074\\u0079\\u0070\\u0065\\u0049\\u006e\\u0066\\u006f").slice(1, -1);
    expect(files.some((f) => f.endsWith(".httpexchange") && readFileSync(f, "utf8").includes(spelt))).toBe(true);
    for (const [where, text] of [["stdout", run.stdout], ["stderr", run.stderr], ...files.filter((f) => !f.endsWith(".png")).map((f) => [f, readFileSync(f, "utf8")])] as [string, string][]) {
      const plain = reveal(text);
      expect(plain.includes(TOKEN), where).toBe(false);
      expect(/pro-xapi-session_[0-9a-f]{8}-/i.test(plain), where).toBe(false);
      // A Spine JWT: base64url JSON header and claims (eyJ…), as sent in Authorization; only its decoded claims may show.
      expect(/eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}/.test(plain), where).toBe(false);
    }

    // Publishing renders, never decides: a secret in what it wrote, when the judged gate knew of none, withholds the
    // whole pack (a renderer's defect), escaped spelling and all. The run's own result, with one escaped in by hand.
    const result = JSON.parse(readFileSync(join(run.outDir, readFileSync(join(run.outDir, "latest-run"), "utf8").trim().replace(/^/, "runs/"), RUN_RESULT), "utf8")) as RunResult;
    const escaped = [...TOKEN].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
    const planted: RunResult = { ...result, runId: `${result.runId.slice(0, -6)}abcdef`, cases: [{ ...result.cases[0]!, title: JSON.parse(`"renders ${escaped}"`) as string }, ...result.cases.slice(1)] };
    const out = mkdtempSync(join(tmpdir(), "guard-"));
    // With the HTML report too: its generator runs while the files it reads are searched, and is waited for.
    for (const html of [false, true]) {
      await expect(publish(planted, { outRoot: out, html, recordHistory: true, latest: true, secrets: new Redactor([TOKEN]).secrets() }), `html: ${html}`).rejects.toBeInstanceOf(OutputLeakError);
      expect(existsSync(join(out, "runs", planted.runId)), "nothing of the withheld run is kept").toBe(false);
      expect(existsSync(join(out, "runs")) ? readdirSync(join(out, "runs")) : [], "no scratch folder left").toEqual([]);
      expect(existsSync(join(out, "summary.json"))).toBe(false);
    }
  });
});
