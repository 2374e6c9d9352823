import { describe, expect, it } from "vitest";
import type { Exchange } from "../src/run/http-client.ts";
import { MIN_SECRET_LENGTH, REDACTED, redactCaseResult, Redactor } from "../src/secrets/redact.ts";
import { anyDecodedLevel, decodeEscapes, mayHoldEscapes, SPACE_UNITS } from "../src/secrets/escapes.ts";
import { escapeRegExp, SecretMatcher, trieSource } from "../src/secrets/secret-matcher.ts";
import { hex2, seeded, secretTexts } from "./helpers/secret-texts.ts";

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

// A conformant target may spell any character of a JSON string as an escape (RFC 8259 §7) or of an XML value as a
// character reference: the secret is the same, so redaction must find it by meaning (issue 33).
describe("redaction on meaning, not spelling", () => {
  // Independent of the code under test: each character as \uXXXX, by hand.
  const u = (s: string, every = (_i: number) => true) => [...s].map((c, i) => (every(i) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}` : c)).join("");
  const spellings: [string, string][] = [
    ["every character escaped", `{"token":"${u(TOKEN)}","n":1}`],
    ["the first character escaped", `{"token":"${u(TOKEN, (i) => i === 0)}"}`],
    ["every other character escaped", `{"token":"${u(TOKEN, (i) => i % 2 === 0)}"}`],
    ["upper-case hex", `{"id":"${u(SESSION).replace(/\\u00([0-9a-f]{2})/g, (_m, h: string) => `\\u00${h.toUpperCase()}`)}"}`],
    ["escaped twice (a JSON body kept as a JSON string)", JSON.stringify({ body: `{"id":"${u(SESSION, (i) => i % 3 === 0)}"}` })],
    ["XML character references", `<id value="${[...SESSION].map((c, i) => (i % 2 ? `&#${c.charCodeAt(0)};` : `&#x${c.charCodeAt(0).toString(16)};`)).join("")}"/>`],
    ["partly percent-encoded", `/x?key=${[...SESSION].map((c, i) => (i % 4 ? c : `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join("")}&y=1`],
  ];

  for (const [name, body] of spellings) {
    it(`finds and redacts a secret spelt with ${name}, leaving the rest as written`, () => {
      const r = new Redactor([TOKEN, SESSION]);
      expect(r.leaks(body)).toBe(true);
      const out = r.text(body);
      expect(out).toContain(REDACTED);
      expect(r.leaks(out)).toBe(false);
      // What surrounds the secret is untouched: the text before and after the redacted span is the original's.
      const at = out.indexOf(REDACTED);
      expect(body.startsWith(out.slice(0, at))).toBe(true);
      expect(body.endsWith(out.slice(at + REDACTED.length))).toBe(true);
    });
  }

  it("leaves text with escapes but no secret exactly as written", () => {
    const r = new Redactor([TOKEN, SESSION]);
    const body = `{"a":"\\u0070ro-xapi-session_","b":"caf\\u00e9 &amp; &#x41; 100%25"}`;
    expect(r.leaks(body)).toBe(false);
    expect(r.text(body)).toBe(body);
  });

  it("keeps a redacted JSON body parseable, its other members unchanged", () => {
    const r = new Redactor([TOKEN]);
    const body = `{"typeInfo":"\\u0075k.nhs","token":"${u(TOKEN)}","user":{"identifier":"\\u0035\\u0035\\u0035"}}`;
    expect(JSON.parse(r.text(body))).toEqual({ typeInfo: "uk.nhs", token: REDACTED, user: { identifier: "555" } });
  });
});

describe("the secret matcher", () => {
  it("finds where a form could start with a trie-shaped expression that matches exactly what the flat alternation does", () => {
    // Four-character prefixes of every kind a form starts with (JWTs, base64, hex, percent-encoding, regex metacharacters).
    const words = ["eyjh", "eyja", "zxlk", "6579", "657a", "bear", "b.*+", "%20e", "a|b(", "eyj)", "e[]\\"];
    const text = `xx EYJhbg eyjAb zxlk 657A 6579 bearer b.*+ %20e a|b( eyj) e[]\\ eyjx e.* ${words.join("")}`;
    const all = (source: string) => [...text.matchAll(new RegExp(source, "gi"))].map((m) => `${m.index}:${m[0]}`);
    expect(all(trieSource(words))).toEqual(all(words.map(escapeRegExp).join("|")));
    expect(all(trieSource(words)).length).toBeGreaterThan(words.length);
  });

  it("finds every form in any letter case, the longest when one contains another, and candidates that overlap", () => {
    const m = new SecretMatcher(["abcdefgh", "abcdefghijkl", "aaaab-secret"], []);
    expect(m.spans("x ABCDEFGHIJKL y abcdefgh z")).toEqual([[2, 14], [17, 25]]);
    // "aaaaab-secret": a candidate at 0 ("aaaa") that is not a form, then the form one character on.
    expect(m.spans("aaaaab-secret")).toEqual([[1, 13]]);
    expect(m.test("nothing here abcdefg")).toBe(false);
  });

  it("matches a short form only as a whole token, and keeps the earlier of overlapping long and short spans", () => {
    const m = new SecretMatcher(["session-123456"], ["a1b2c"]);
    expect(m.spans("a1b2c xa1b2cx session-123456")).toEqual([[0, 5], [14, 28]]);
    expect(m.spans("x", true)).toEqual([]);
  });

  it.each([["as they are added", false], ["when first asked", true]])("knows every unit its forms are written with, in either letter case, ASCII or not (recorded %s)", (_, whenAsked) => {
    const m = new SecretMatcher(["pässwörd-Ωmega-123456"], ["x9"], whenAsked);
    const holds = (chars: string) => [...chars].map((c) => m.holdsUnit(c.charCodeAt(0)));
    expect(holds("pPäÄöÖωΩ-19X")).toEqual(Array(12).fill(true));
    expect(holds("zZ\u00e9!\u20ac7 ")).toEqual(Array(7).fill(false));
    // Forms added after a first question count too.
    m.addLong("zebra-€uro-777777");
    m.addShort("!q");
    expect(holds("zZ\u20ac7!Q")).toEqual(Array(6).fill(true));
    expect(holds("\u00e9 ")).toEqual([false, false]);
  });

  it("finds the same as one alternation over the forms would, on text full of near misses", () => {
    const forms = Array.from({ length: 300 }, (_, i) => `eyJhbGciOiJub25lIn0.claims${i}.sig`);
    const m = new SecretMatcher(forms, []);
    const text = Array.from({ length: 2000 }, (_, i) => (i % 97 === 0 ? forms[i % 300] : `eyJhbGciOiJub25lIn0.other${i}`)).join(" ");
    const naive = new RegExp([...forms].sort((a, b) => b.length - a.length).map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "gi");
    expect(m.spans(text)).toEqual([...text.matchAll(naive)].map((x) => [x.index, x.index + x[0].length]));
  });
});

describe("reading escapes", () => {
  it("knows whitespace unit by unit as \\s reads it", () => {
    const differ = Array.from({ length: 0x10000 }, (_, u) => u).filter((u) => (SPACE_UNITS[u] === 1) !== /\s/.test(String.fromCharCode(u)));
    expect(differ).toEqual([]);
  });

  it("decodes the same text with and without positions, each unit traced to the escape it was written as", () => {
    const pieces = ["\\u0041", "\\\\", '\\"', "\\n", "&#x1F600;", "&amp;", "&#67;", "&#x110000;", "%E2%82%AC", "%41", "%C3", "&", "%", "\\", "x", "é", " ", "\\u12", "&lt"];
    for (let t = 0; t < 3000; t++) {
      let raw = "";
      for (let i = 0; i < 10; i++) raw += pieces[(t * 7 + i * 13 + ((t * i) % 5)) % pieces.length];
      const plain = decodeEscapes(raw);
      const traced = decodeEscapes(raw, true);
      expect(traced.text, raw).toBe(plain.text);
      expect(traced.from!.length, raw).toBe(traced.text.length);
      for (let k = 0; k < traced.text.length; k++) {
        expect(decodeEscapes(raw.slice(traced.from![k], traced.to![k])).text, `${raw} @${k}`).toContain(traced.text[k]);
      }
    }
    expect(decodeEscapes('a\\u0041\\"%E2%82%AC&#x1F600;&amp;b').text).toBe('aA"€😀&b');
  });

  it("finds a secret in decoded text around the escapes alone exactly when decoding the whole text finds it", () => {
    // The reference: every level of the whole text decoded and searched, as the leak gate did before it decoded
    // only around escapes. Texts of noise (base64, JSON, backslash runs, whitespace, stray escapes near and far),
    // some holding a secret spelt with escapes of one, two or three levels, some holding near misses.
    // A short secret too, matched only as a whole word: a window must not cut a word.
    const secrets = [TOKEN, SESSION, "k9x7q"];
    const r = new Redactor(secrets);
    const forms = r.secrets();
    const matcher = new SecretMatcher(forms.filter((f) => f.length >= MIN_SECRET_LENGTH), forms.filter((f) => f.length < MIN_SECRET_LENGTH));
    const whole = (raw: string) => {
      const texts = [raw];
      for (let text = raw, level = 0; level < 3 && mayHoldEscapes(text); level++) {
        const next = decodeEscapes(text).text;
        if (next === text) break;
        texts.push((text = next));
      }
      return texts.some((t) => matcher.test(t));
    };
    const rand = seeded(7);
    const spell: ((c: string) => string)[] = [
      (c) => c, (c) => c, (c) => `\\u00${hex2(c)}`, (c) => `%${hex2(c).toUpperCase()}`, (c) => `&#${c.charCodeAt(0)};`, (c) => `&#x${hex2(c)};`,
      (c) => `\\\\u00${hex2(c)}`, (c) => `%25${hex2(c)}`, (c) => `&amp;#${c.charCodeAt(0)};`, (c) => `\\u0025${hex2(c)}`,
    ];
    const noise = ["QUJDREVGR0g=", "k9x7", "9x7q", "zk9x7qz", '{"a": "b",\n  "c": [1, 2]}', "\\\\\\", "\\\"", "   \n\t", "%7C", "\\u00e9", "&amp;", "&#", "%", "\\", "&lt", "x".repeat(300), "AQIC5wM2", "pro-xapi-", "é€"];
    let found = 0;
    for (const raw of secretTexts(rand, 400, { secrets, noise, pieces: [5, 60], spell: (c) => spell[rand(spell.length)]!(c), joiners: [" ", ""] })) {
      const expected = whole(raw);
      if (expected) found++;
      expect(r.leaks(raw), raw).toBe(expected);
    }
    // Both outcomes were met, many times.
    expect(found).toBeGreaterThan(50);
    expect(found).toBeLessThan(350);
  });

  it("decodes a window around escapes alone as decoding the whole text would: no escape or word cut at its edges", () => {
    // Backslash runs, references and percent sequences everywhere, and a margin of a few units: window edges fall
    // inside them. Each window decoded alone must be part of the whole text decoded.
    let seed = 11;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) % n;
    const pieces = ["\\", "\\", "\\", "u0041", "\\u0042", '\\"', "\\n", "&#", "67;", "&amp;", "%4", "1", "%E2%82%AC", "/", "x", " ", "&", "%25"];
    for (let t = 0; t < 2000; t++) {
      let raw = "";
      for (let i = 0, n = 4 + rand(40); i < n; i++) raw += pieces[rand(pieces.length)];
      const decoded = decodeEscapes(raw).text;
      // ... and between words there: no letter or digit of the whole text's on either side.
      const word = (c: string | undefined) => !!c && /[A-Za-z0-9]/.test(c);
      const betweenWords = (window: string) => {
        for (let at = decoded.indexOf(window); at >= 0; at = decoded.indexOf(window, at + 1)) {
          if (!word(decoded[at - 1]) && !word(decoded[at + window.length])) return true;
        }
        return false;
      };
      anyDecodedLevel(raw, (window) => {
        expect(decoded, `${raw} → ${window}`).toContain(window);
        expect(betweenWords(window), `${raw} → ${window}`).toBe(true);
        return false;
      }, 1 + rand(4), 1);
    }
  });
});
