import { describe, expect, it } from "vitest";
import type { Exchange } from "../src/run/http-client.ts";
import { REDACTED, redactCaseResult, Redactor } from "../src/run/redact.ts";

const TOKEN = "AQIC5wM2LY4Sfcyw62EbAOsRpdfbGYUOyvkfZ4M6U7W52lM=@AAJTSQACMDE=#";
const SESSION = "pro-xapi-session_222c42c7-820f-4f9b-92fb-3add4b1db9f7";

function exchange(): Exchange {
  return {
    request: {
      method: "PUT",
      url: `https://ers.example/ers-api/v1/ProfessionalSession/${SESSION}?t=${encodeURIComponent(TOKEN)}`,
      headers: [["HTTP_X_SESSION_KEY", SESSION], ["Authorization", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."], ["Cookie", "JSESSIONID=abcdef123"], ["XAPI_ASID", "200000000220"]],
      body: JSON.stringify({ token: ` ${TOKEN}`, permission: null }),
    },
    response: {
      status: 200,
      headers: [["set-cookie", "JSESSIONID=abcdef123; Path=/"], ["content-type", "application/json"]],
      body: JSON.stringify({ id: SESSION, token: TOKEN, echoed: `your token was ${TOKEN}`, user: { identifier: "555020964101" } }),
      bytes: 10,
    },
    startedAt: 0,
    durationMs: 1,
  };
}

describe("redaction", () => {
  it("masks credential headers, keeping the scheme", () => {
    const r = new Redactor([], []);
    const out = r.exchange(exchange());
    const h = Object.fromEntries(out.request.headers);
    expect(h.HTTP_X_SESSION_KEY).toBe(REDACTED);
    expect(h.Authorization).toBe(`Bearer ${REDACTED}`);
    expect(h.Cookie).toBe(REDACTED);
    expect(h.XAPI_ASID).toBe("200000000220");
    expect(Object.fromEntries(out.response!.headers)["set-cookie"]).toBe(REDACTED);
  });

  it("learns secret fields and removes them everywhere: bodies, URL (also URL-encoded), free text", () => {
    const r = new Redactor([TOKEN], ["token", "id"]);
    const e = exchange();
    r.learn(e);
    const text = JSON.stringify(r.exchange(e));
    expect(text).not.toContain(SESSION);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(encodeURIComponent(TOKEN));
    expect(text).not.toContain("eyJhbGciOiJub25lIn0");
    expect(text).toContain("555020964101");
    expect(r.leaks(text)).toBe(false);
  });

  it("redacts check messages and notes of a case result, and drops captured secrets", () => {
    const r = new Redactor([SESSION]);
    const result = redactCaseResult({
      reason: `broken at ${SESSION}`,
      secrets: [SESSION],
      steps: [{ note: `sent ${SESSION}`, checks: [{ expected: "x", actual: `"${SESSION}"` }] }],
    }, r);
    expect(JSON.stringify(result)).not.toContain(SESSION);
    expect(result.secrets).toEqual([]);
  });

  it("redacts a secret too short to hunt for inside other text only where it stands alone", () => {
    const r = new Redactor(["a1b2c"]);
    expect(r.text("token=a1b2c; xa1b2cx, A1B2C")).toBe("token=__ALLURE_REDACTED__; xa1b2cx, __ALLURE_REDACTED__");
    expect(r.leaks("id a1b2c")).toBe(true);
    expect(r.leaks("xa1b2cx")).toBe(false);
  });

  it("redacts a secret echoed base64, base64url, hex or in another case", () => {
    const secret = "pro-xapi-session_3f1e?x>y";
    const r = new Redactor([secret]);
    for (const form of [Buffer.from(secret).toString("base64"), Buffer.from(secret).toString("base64url"), Buffer.from(secret).toString("hex"), secret.toUpperCase(), encodeURIComponent(secret)]) {
      expect(r.text(`echo: ${form}.`), form).toBe("echo: __ALLURE_REDACTED__.");
      expect(r.leaks(`echo: ${form}.`)).toBe(true);
    }
  });
});
