// The sandbox under 1,200 generated malformed or mutated requests (bodies, headers, JWTs, content types, methods,
// paths): no 5xx, no crash, every answer a documented status, and it still serves a valid create afterwards. Plus
// raw-socket abuse: a broken request line, and a client that never finishes its headers.
import { connect } from "node:tls";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_CLIENT_TLS, startSandbox, type RunningSandbox } from "../sandbox/server.ts";
import { fhirJsonToXml } from "../src/fhir/xml-codec.ts";
import { spineJwt } from "../src/spine/jwt.ts";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { call } from "./helpers/sandbox-client.ts";

const DOCUMENTED = new Set([200, 201, 204, 400, 401, 403, 404, 405, 413, 415, 422]);
const POINTER = JSON.parse(readFileSync(join(PROJECT_ROOT, "fixtures", "nrls", "pointer.json"), "utf8")) as Record<string, unknown>;
const TOKEN = "AQIC5wM2LY4Sfcyw62EbAOsRpdfbGYUOyvkfZ4M6U7W52lM=@AAJTSQACMDE=#";

/** mulberry32: a small seeded generator, so a failing request can be reproduced from its index. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
type R = ReturnType<typeof rng>;

const printable = (r: R, n: number) => Array.from({ length: n }, () => String.fromCharCode(32 + r.int(95))).join("");
const weird = (r: R): unknown => r.pick([null, 0, -1, 1e308, true, "", " ", "x".repeat(10_000), [], {}, [1, "a"], { a: { b: [null] } }, "<x>", "☃", printable(r, 20)]);

function mutateObject(r: R, obj: unknown, depth = 0): unknown {
  if (Array.isArray(obj)) {
    if (r.next() < 0.2) return weird(r);
    const copy = obj.map((x) => mutateObject(r, x, depth + 1));
    if (r.next() < 0.2 && copy.length) copy.splice(r.int(copy.length), 1);
    return copy;
  }
  if (obj && typeof obj === "object") {
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const roll = r.next();
      if (roll < 0.08) continue; // drop the member
      copy[roll < 0.12 ? printable(r, 6) : k] = roll < 0.25 ? weird(r) : mutateObject(r, v, depth + 1);
    }
    return copy;
  }
  return r.next() < 0.15 ? weird(r) : obj;
}

function mutateText(r: R, text: string): string {
  switch (r.int(5)) {
    case 0: return text.slice(0, r.int(text.length));
    case 1: { const i = r.int(text.length); return text.slice(0, i) + printable(r, 1) + text.slice(i + 1); }
    case 2: { const i = r.int(text.length); return text.slice(0, i) + text.slice(i + r.int(40)); }
    case 3: return text + printable(r, r.int(30));
    default: return text.replace(/"/g, r.pick(["'", "", '""']));
  }
}

function mutatedJwt(r: R, base: string): string {
  const [h, c] = base.split(".");
  switch (r.int(7)) {
    case 0: return printable(r, r.int(60)).replace(/\s/g, "");
    case 1: return `${h}.${c}.${Buffer.from(printable(r, 10)).toString("base64url")}`;
    case 2: return `${h}.${c}`;
    case 3: return `${h}.${Buffer.from(JSON.stringify(mutateObject(r, JSON.parse(Buffer.from(c!, "base64url").toString())))).toString("base64url")}.`;
    case 4: return `${h}.${Buffer.from(printable(r, 30)).toString("base64url")}.`;
    case 5: return "x".repeat(8000);
    default: return `${mutateText(r, h!)}.${c}.`;
  }
}

let sb: RunningSandbox;
beforeAll(async () => {
  sb = await startSandbox({ faults: "", settings: { SANDBOX_MAX_POINTERS: "200", SANDBOX_MAX_SESSIONS: "200" }, headersTimeoutMs: 600 });
});
afterAll(async () => {
  await sb.close();
});

function generate(r: R, i: number): { url: string; method: string; headers: Record<string, string>; body?: string; label: string } {
  const jwt = spineJwt({ scope: r.next() < 0.8 ? "write" : "read" }, { fromAsid: "200000000118", ods: "RR8", audience: sb.baseUrls.nrls! });
  const kind = i % 6;
  if (kind <= 2) {
    // NRLS create with a mutated body, headers or token.
    const asXml = r.next() < 0.35;
    const pointer = r.next() < 0.6 ? mutateObject(r, structuredClone(POINTER)) : structuredClone(POINTER);
    let body: string;
    try {
      body = asXml ? fhirJsonToXml(pointer) : JSON.stringify(pointer);
    } catch {
      body = JSON.stringify(pointer); // the mutation broke the model: send it as JSON
    }
    if (r.next() < 0.3) body = mutateText(r, body);
    const headers: Record<string, string> = {
      Authorization: r.next() < 0.25 ? `Bearer ${mutatedJwt(r, jwt)}` : `Bearer ${jwt}`,
      fromASID: r.next() < 0.1 ? printable(r, 12) : "200000000118",
      toASID: r.next() < 0.1 ? "" : "999999999999",
      "Content-Type": r.pick(["application/fhir+json", "application/fhir+xml", "application/json", "text/xml", "application/x-nonsense", ";;;", "application/fhir+json; charset=utf-8", asXml ? "application/fhir+xml" : "application/fhir+json"]),
      Accept: r.pick(["application/fhir+json", "application/fhir+xml", "*/*", "text/html", "application/json+fhir, text/plain", printable(r, 10)]),
    };
    for (const h of Object.keys(headers)) if (r.next() < 0.07) delete headers[h];
    const query = r.next() < 0.2 ? `?_format=${encodeURIComponent(r.pick(["json", "xml", "text/plain", "application/fhir+json", printable(r, 5)]))}` : "";
    return { url: `${sb.baseUrls.nrls!}/DocumentReference${query}`, method: "POST", headers, body, label: "nrls create" };
  }
  if (kind === 3) {
    // NRLS read, search and delete with mutated parameters.
    const method = r.pick(["GET", "DELETE", "PUT", "PATCH", "OPTIONS"]);
    const q = r.pick(["?_id=", "?subject=", "?", "?_id=x&_id=y", "?subject=https%3A%2F%2Fdemographics.spineservices.nhs.uk%2FSTU3%2FPatient%2F9876543210"]) + encodeURIComponent(printable(r, r.int(30)));
    return { url: `${sb.baseUrls.nrls!}/DocumentReference${q}`, method, headers: { Authorization: `Bearer ${r.next() < 0.5 ? jwt : mutatedJwt(r, jwt)}`, fromASID: "200000000118", toASID: "999999999999" }, label: `nrls ${method}` };
  }
  if (kind === 4) {
    // e-RS with mutated bodies, keys and methods.
    const path = r.pick(["/v1/ProfessionalSession", `/v1/ProfessionalSession/${encodeURIComponent(printable(r, 12))}`, "/v1/ValueSet/SPECIALTY", "/v1/ValueSet/x"]);
    const body = r.pick([JSON.stringify(mutateObject(r, { typeInfo: "uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession", token: TOKEN })), mutateText(r, JSON.stringify({ token: TOKEN })), "", "null", "[]", printable(r, 50)]);
    const headers: Record<string, string> = { XAPI_ASID: r.pick(["200000000220", "", printable(r, 8)]), "Content-Type": r.pick(["application/json", "text/plain", "application/xml"]) };
    if (r.next() < 0.5) headers.HTTP_X_SESSION_KEY = printable(r, 20);
    return { url: `${sb.baseUrls.ers!}${path}`, method: r.pick(["POST", "PUT", "DELETE", "GET", "PATCH"]), headers, body, label: "ers" };
  }
  // Unknown paths and methods.
  return { url: `${sb.baseUrls.ers!.replace("/ers-api", "")}/${encodeURIComponent(printable(r, 10))}`, method: r.pick(["GET", "POST", "HEAD"]), headers: {}, label: "unknown path" };
}

describe("sandbox robustness", () => {
  it("answers 1,200 generated malformed or mutated requests with documented statuses only", async () => {
    const r = rng(20261121);
    const requests = Array.from({ length: 1200 }, (_, i) => ({ i, ...generate(r, i) }));
    const bad: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const q = requests[next++]!;
        const res = await call(q.url, { method: q.method, headers: q.headers, body: q.method === "GET" || q.method === "HEAD" ? undefined : q.body });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (!DOCUMENTED.has(res.status)) bad.push(`#${q.i} ${q.label} ${q.method} → ${res.status}: ${res.text.slice(0, 120)}`);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(bad).toEqual([]);
    // The generator really exercised both success and many error paths.
    expect(statuses.get(201) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(15);
    expect(statuses.get(400) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(200);
    console.log(`robustness: statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
    expect([...statuses.keys()].length).toBeGreaterThanOrEqual(6);
    // And the sandbox still works.
    const h = { Authorization: `Bearer ${spineJwt({ scope: "write" }, { fromAsid: "200000000118", ods: "RR8", audience: sb.baseUrls.nrls! })}`, fromASID: "200000000118", toASID: "999999999999", "Content-Type": "application/fhir+json" };
    expect((await call(`${sb.baseUrls.nrls!}/DocumentReference`, { method: "POST", headers: h, body: JSON.stringify(POINTER) })).status).toBe(201);
  });

  it("keeps the pointer store capped, so memory stays bounded on a long run", async () => {
    const small = await startSandbox({ faults: "", settings: { SANDBOX_MAX_POINTERS: "20" } });
    try {
      const h = { Authorization: `Bearer ${spineJwt({ scope: "write" }, { fromAsid: "200000000118", ods: "RR8", audience: small.baseUrls.nrls! })}`, fromASID: "200000000118", toASID: "999999999999", "Content-Type": "application/fhir+json", Accept: "application/fhir+json" };
      for (let i = 0; i < 60; i++) expect((await call(`${small.baseUrls.nrls!}/DocumentReference`, { method: "POST", headers: h, body: JSON.stringify(POINTER) })).status).toBe(201);
      const read = { ...h, Authorization: `Bearer ${spineJwt({ scope: "read" }, { fromAsid: "200000000118", ods: "RR8", audience: small.baseUrls.nrls! })}` };
      const found = await call(`${small.baseUrls.nrls!}/DocumentReference?subject=${encodeURIComponent("https://demographics.spineservices.nhs.uk/STU3/Patient/9876543210")}`, { headers: read });
      expect(found.json().total).toBe(20);
    } finally {
      await small.close();
    }
  });

  const tlsSocket = () => connect({
    host: "127.0.0.1", port: sb.port, servername: "localhost",
    ca: readFileSync(SANDBOX_CLIENT_TLS.ca), cert: readFileSync(SANDBOX_CLIENT_TLS.cert), key: readFileSync(SANDBOX_CLIENT_TLS.key),
  });

  /** Sends `text` as it is over mutual TLS and collects what comes back until the sandbox closes the connection. */
  const rawReply = (text: string) => new Promise<string>((resolve) => {
    const s = tlsSocket();
    let got = "";
    s.on("secureConnect", () => s.write(text));
    s.on("data", (d) => (got += d.toString()));
    s.on("close", () => resolve(got));
    s.on("error", () => resolve(got));
  });

  it("answers a malformed request line with 400 and keeps running", async () => {
    const reply = await rawReply("GARBAGE / NOT-HTTP\r\nBad Header Line\r\n\r\n");
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await call(`${sb.baseUrls.ers!}/v1/ValueSet/SPECIALTY`)).status).toBe(403);
  });

  it("drops a client that never finishes its headers", async () => {
    const started = Date.now();
    await new Promise<void>((resolve) => {
      const s = tlsSocket();
      s.on("secureConnect", () => s.write("GET /nrls/DocumentReference HTTP/1.1\r\nHost: localhost\r\nX-Slow: "));
      s.on("data", () => undefined);
      s.on("close", () => resolve());
      s.on("error", () => resolve());
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("answers the five inputs that once got a 500 with a 4xx, and stores nothing that would poison later searches", async () => {
    const write = (claims: Record<string, unknown> | undefined = undefined) => ({
      Authorization: `Bearer ${claims ? rawJwt(claims) : spineJwt({ scope: "write" }, { fromAsid: "200000000118", ods: "RR8", audience: sb.baseUrls.nrls! })}`,
      fromASID: "200000000118", toASID: "999999999999", "Content-Type": "application/fhir+json", Accept: "application/fhir+json",
    });
    const rawJwt = (claims: Record<string, unknown>) => `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.`;
    const unique = (extra: Record<string, unknown>) => ({ ...POINTER, masterIdentifier: { system: "urn:ietf:rfc:3986", value: `urn:uuid:${crypto.randomUUID()}` }, ...extra });
    const create = (body: string, headers = write()) => call(`${sb.baseUrls.nrls!}/DocumentReference`, { method: "POST", headers, body });

    // 1. A request target no URL parser accepts, on a raw socket.
    const reply = await rawReply("GET //x:99999/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    // 2. JWT claims that cannot be turned into text with String(), or that name Object's own properties.
    const good = JSON.parse(Buffer.from(write().Authorization.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
    for (const claims of [{ toString: 1 }, { ...good, exp: { toString: 1 } }, { ...good, requesting_organization: "https://fhir.nhs.uk/Id/ods-organization-code|constructor" }, { ...good, requesting_system: "https://fhir.nhs.uk/Id/accredited-system|__proto__", sub: "https://fhir.nhs.uk/Id/accredited-system|__proto__" }]) {
      const res = await create(JSON.stringify(unique({})), write(claims));
      expect(res.status, JSON.stringify(claims)).toBe(400);
    }
    // 3-5. A pointer with an unknown element, a meta that is not an object, an extension 20,000 deep: refused by the
    // parse, before any profile check (SOURCE-NOTES §1.8 step 4: INVALID_REQUEST_MESSAGE), and not stored.
    const deep = `${'{"extension":['.repeat(20_000)}{"url":"x"}${"]}".repeat(20_000)}`;
    const bodies = [JSON.stringify(unique({ madeUpElement: "x" })), JSON.stringify(unique({ meta: "x" })), JSON.stringify(unique({})).replace(/^\{/, `{"extension":[${deep}],`)];
    for (const body of bodies) {
      const res = await create(body);
      expect(res.status, body.slice(0, 80)).toBe(400);
      expect(res.text).toContain("INVALID_REQUEST_MESSAGE");
    }
    // Every later search for the patient still answers, in both formats.
    const read = { ...write(), Authorization: `Bearer ${spineJwt({ scope: "read" }, { fromAsid: "200000000118", ods: "RR8", audience: sb.baseUrls.nrls! })}` };
    for (const accept of ["application/fhir+json", "application/fhir+xml"]) {
      const found = await call(`${sb.baseUrls.nrls!}/DocumentReference?subject=${encodeURIComponent("https://demographics.spineservices.nhs.uk/STU3/Patient/9876543210")}`, { headers: { ...read, Accept: accept } });
      expect(found.status, accept).toBe(200);
    }
  });

  it("finds duplicates through an index kept with the store: still refused when present, forgotten once evicted", async () => {
    const small = await startSandbox({ faults: "", settings: { SANDBOX_MAX_POINTERS: "50" } });
    try {
      const h = { Authorization: `Bearer ${spineJwt({ scope: "write" }, { fromAsid: "200000000118", ods: "RR8", audience: small.baseUrls.nrls! })}`, fromASID: "200000000118", toASID: "999999999999", "Content-Type": "application/fhir+json", Accept: "application/fhir+json" };
      const same = JSON.stringify({ ...POINTER, masterIdentifier: { system: "urn:ietf:rfc:3986", value: "urn:uuid:0f0e0d0c-0b0a-4908-8706-050403020100" } });
      expect((await call(`${small.baseUrls.nrls!}/DocumentReference`, { method: "POST", headers: h, body: same })).status).toBe(201);
      // A duplicate is still refused through the index…
      expect((await call(`${small.baseUrls.nrls!}/DocumentReference`, { method: "POST", headers: h, body: same })).status).toBe(400);
      // …and once evicted from the full store, its identity is forgotten with it.
      for (let i = 0; i < 60; i++) await call(`${small.baseUrls.nrls!}/DocumentReference`, { method: "POST", headers: h, body: JSON.stringify({ ...POINTER, masterIdentifier: { system: "urn:ietf:rfc:3986", value: `urn:uuid:${crypto.randomUUID()}` } }) });
      expect((await call(`${small.baseUrls.nrls!}/DocumentReference`, { method: "POST", headers: h, body: same })).status).toBe(201);
    } finally {
      await small.close();
    }
  });
});
