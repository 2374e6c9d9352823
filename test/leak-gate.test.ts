// The leak gate finds planted secrets without repeating them, before anything is written; and end to end, a target that echoes the smartcard
// token in a body and puts it in a URL leaves no trace of it (or of the session key) in anything the run writes.
import { createServer, type Server } from "node:http";
import { readdirSync, readFileSync, statSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findLeaks } from "../src/judge/leak-gate.ts";
import { Redactor } from "../src/run/redact.ts";
import { runAssureCli } from "./helpers/run-cli.ts";

const CANARY = "CANARY-token-7f3a9c1e-do-not-leak";
const SESSION = "pro-xapi-session_0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";

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
});

describe("secrets a hostile target echoes back", () => {
  let server: Server;
  afterAll(() => server?.close());

  it("are redacted everywhere and the run passes the gate", async () => {
    // An e-RS that echoes the token in its body and in a Location URL, and hands out a session key.
    server = createServer((req, res) => {
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
        res.end(JSON.stringify({ typeInfo: "uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession", id: SESSION, token, debug: `received token ${token} for ${SESSION}`, user: {}, permission: null }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as AddressInfo).port;
    const run = await runAssureCli(["--suite", "ers-professional-session", "--requirement", "ERS-A001-01,ERS-A001-03"], {
      ASSURE_ACCEPT_SANDBOX_VALUES: "all", ERS_BASE_URL: `http://127.0.0.1:${port}/ers-api`,
      ERS_SMARTCARD_TOKEN: CANARY,
    });
    expect(run.summary, run.stdout + run.stderr).toBeDefined();
    expect(run.summary!.gate.reason).not.toMatch(/leak/);
    const files = (function walk(d: string): string[] {
      return readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
    })(run.outDir);
    expect(files.some((f) => f.endsWith(".httpexchange"))).toBe(true);
    for (const text of [run.stdout, run.stderr, ...files.map((f) => readFileSync(f, "utf8"))]) {
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain(encodeURIComponent(CANARY));
      expect(text).not.toContain(SESSION);
    }
  });
});
