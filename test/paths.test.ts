// The engine walks the paths RULES.md revision 3 names, against a real server on loopback that shows what it got:
// copies of a case sent at once (each with its own generators), a case's requests on one kept-alive connection after
// a primer, and a paged answer followed page by page before it is judged. Concurrency is shown by events (the server
// answers once all the copies are in flight), never by timing.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load-config.ts";
import { makePlan } from "../src/plan/make-plan.ts";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { runPlan } from "../src/run/run-plan.ts";
import type { CaseResult } from "../src/run/run-case.ts";
import { loadSuites } from "../src/suite/load-suites.ts";

const config = loadConfig({ env: {}, cwd: tmpdir(), dotenvFile: false });

const SUITE = `
suite: paths
api: e-RS
interaction: paths
target: ers
spec: { name: paths, version: "1" }
sources: { RULES.md: https://example.org/rules }
defaults:
  headers: { Accept: application/json }
  primer:
    name: open the connection
    request: { method: GET, path: /primer }
requirements:
  - { id: ERS-A001-01, level: MUST, basis: DOC, text: copies, source: { file: RULES.md, section: r3 } }
  - { id: ERS-A001-02, level: MUST, basis: DOC, text: connections, source: { file: RULES.md, section: r3 } }
  - { id: ERS-A001-03, level: MUST, basis: DOC, text: pages, source: { file: RULES.md, section: r3 } }
cases:
  - id: at-once
    title: four copies at once
    copies: 4
    steps:
      - name: arrive together
        request: { method: POST, path: /together, headers: { Content-Type: application/json }, body: { raw: '{"uuid":"{{caseUuid}}"}' } }
        expect:
          - { req: ERS-A001-01, fhirpath: "inFlight = 4", description: all four copies were in flight at once }
          - { req: ERS-A001-01, fhirpath: "uuid = '{{caseUuid}}'", description: each copy sent its own caseUuid }
        capture: { mine: { body: uuid } }
      - name: then each alone
        request: { method: GET, path: "/echo/{{mine}}" }
        expect:
          - { req: ERS-A001-01, fhirpath: "echo = '{{caseUuid}}'", description: each copy kept its own capture }
  - id: kept-alive
    title: on a kept-alive connection
    connections: [new, reused]
    steps:
      - name: the request under test
        request: { method: GET, path: /socket }
        expect: [{ req: ERS-A001-02, status: 200 }]
  - id: paged
    title: "a paged answer, {{kind}}"
    each: { name: kind, values: [same-origin, off-origin, endless] }
    steps:
      - name: search
        request: { method: GET, path: "/pages/{{kind}}", follow: next }
        expect:
          - { req: ERS-A001-03, fhirpath: "entry.count() = 5 and total = 5", description: every page's entries }
`;

describe("revision 3 paths, walked by the engine against a loopback server", () => {
  let inFlight = 0;
  const waiting: ((n: number) => void)[] = [];
  const sockets = new Map<Socket, number>();
  const seen: { path: string; socket: number }[] = [];
  let closeAfterPrimer = false;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size + 1);
    const path = req.url ?? "";
    seen.push({ path, socket: sockets.get(req.socket)! });
    const json = (body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(200, { "Content-Type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    let text = "";
    req.on("data", (c: Buffer) => (text += c));
    req.on("end", () => {
      if (path === "/together") {
        // Held until four are in flight; answered alone after ten seconds when the copies did not come together.
        const uuid = (JSON.parse(text) as { uuid: string }).uuid;
        const release = (n: number) => json({ inFlight: n, uuid });
        inFlight++;
        if (inFlight >= 4) {
          const n = inFlight;
          inFlight = 0;
          for (const w of waiting.splice(0)) w(n);
          return release(n);
        }
        const w = (n: number) => {
          clearTimeout(timer);
          release(n);
        };
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(w), 1);
          inFlight--;
          release(1);
        }, 10_000);
        waiting.push(w);
        return;
      }
      if (path.startsWith("/echo/")) return json({ echo: path.slice(6) });
      if (path === "/primer") return json({}, closeAfterPrimer ? { Connection: "close" } : {});
      if (path === "/socket") return json({});
      const m = /^\/pages\/([a-z-]+)(?:\?page=(\d+))?$/.exec(path);
      if (m) {
        const page = Number(m[2] ?? 1);
        const { port } = server.address() as AddressInfo;
        const origin = m[1] === "off-origin" && page === 2 ? `http://localhost:${port}` : `http://127.0.0.1:${port}`;
        const next = m[1] === "endless" ? 2 : page < 3 ? page + 1 : undefined;
        const entries = [1, 2].slice(0, page === 3 ? 1 : 2).map((i) => ({ resource: { n: `${page}.${i}` } }));
        return json({ resourceType: "Bundle", type: "searchset", total: 5, entry: entries, link: next ? [{ relation: "next", url: `${origin}/pages/${m[1]}?page=${next}` }] : [] });
      }
      res.writeHead(404).end();
    });
  });
  beforeAll(() => new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r())));
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const run = async (filter: { caseKeys?: string[] } = {}): Promise<CaseResult[]> => {
    const dir = mkdtempSync(join(tmpdir(), "paths-suite-"));
    writeFileSync(join(dir, "paths.yaml"), SUITE);
    const plan = makePlan(loadSuites({ dir }), config, filter);
    const got: CaseResult[] = [];
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await runPlan(plan, { ers: { baseUrl: base, tls: {} } }, {
      config: { ...config.values }, secrets: [], timeoutMs: 20_000, maxResponseBytes: 1 << 20, concurrency: 8, fixturesDir: join(PROJECT_ROOT, "fixtures"),
    }, (r) => got.push(r));
    return got;
  };

  it("sends every copy's step together, each with its own caseUuid and captures, and lists each copy's steps", async () => {
    const [c] = await run({ caseKeys: ["paths/at-once"] });
    expect(c!.status, JSON.stringify(c!.steps.flatMap((s) => s.checks.filter((x) => x.outcome !== "pass")))).toBe("passed");
    // Primer, then the two steps, for each of the four copies, named by copy.
    expect(c!.steps.map((s) => s.name).filter((n) => n.endsWith("arrive together"))).toEqual([1, 2, 3, 4].map((i) => `[copy ${i} of 4] arrive together`));
    expect(c!.steps.filter((s) => s.name.endsWith("open the connection"))).toHaveLength(4);
    const uuids = c!.steps.filter((s) => s.name.endsWith("then each alone")).map((s) => s.exchange!.request.url.split("/").pop());
    expect(new Set(uuids).size).toBe(4);
  });

  it("sends a reused-connection case's request on the connection its primer opened, and the new one without a primer", async () => {
    seen.length = 0;
    const got = await run({ caseKeys: ["paths/kept-alive", "paths/kept-alive[reused connection]"] });
    expect(got.map((c) => c.status)).toEqual(["passed", "passed"]);
    const reused = got.find((c) => c.key.endsWith("[reused connection]"))!;
    expect(reused.steps.map((s) => s.name)).toEqual(["open the connection", "the request under test"]);
    const primer = seen.find((s) => s.path === "/primer")!;
    const underTest = seen.filter((s) => s.path === "/socket");
    expect(underTest).toHaveLength(2);
    expect(underTest.filter((s) => s.socket === primer.socket)).toHaveLength(1);
  });

  it("calls a reused-connection case not applicable when the target closed the connection after the primer", async () => {
    closeAfterPrimer = true;
    try {
      const [c] = await run({ caseKeys: ["paths/kept-alive[reused connection]"] });
      expect(c!.status).toBe("not-applicable");
      expect(c!.reason).toMatch(/closed the connection after the first request/);
    } finally {
      closeAfterPrimer = false;
    }
  });

  it("follows link next on the target's origin, keeps each page as an exchange, and judges every page's entries", async () => {
    const got = await run({ caseKeys: ["paths/paged[same-origin]", "paths/paged[off-origin]", "paths/paged[endless]"] });
    const by = (k: string) => got.find((c) => c.key === `paths/paged[${k}]`)!;
    expect(by("same-origin").status).toBe("passed");
    expect(by("same-origin").steps.map((s) => s.name)).toEqual(["search", "search: page 2 (link next)", "search: page 3 (link next)"]);
    expect(by("same-origin").steps[2]!.exchange!.request.url).toMatch(/page=3$/);
    // A next link to another origin would carry the request's credentials there: not followed, and the step is broken.
    expect(by("off-origin").status).toBe("broken");
    expect(by("off-origin").reason).toMatch(/link next was not followed: .*not the target's own origin/);
    // A target whose pages never end cannot keep the case running.
    expect(by("endless").status).toBe("broken");
    expect(by("endless").reason).toMatch(/more than 50 pages/);
  });
});
