// Under concurrency, evidence stays with its test: with 32 cases in flight and responses delayed so they interleave,
// every Allure result's HTTP exchanges belong to that result's own case (its format, its target, its caseUuid).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runAssureInProcess } from "./helpers/run-in-process.ts";

interface AllureStep {
  attachments?: { source: string; type: string }[];
  steps?: AllureStep[];
}
interface AllureResult extends AllureStep {
  fullName: string;
  labels: { name: string; value: string }[];
}
const attachmentsOf = (s: AllureStep): { source: string; type: string }[] => [...(s.attachments ?? []), ...(s.steps ?? []).flatMap(attachmentsOf)];
interface Exchange {
  request: { url: string; headers: { name: string; value: string }[]; body?: { value?: string } };
}

describe("evidence attribution under concurrency", () => {
  it("keeps every exchange in the test of the case that sent it", async () => {
    const run = await runAssureInProcess(["--no-report", "--concurrency", "32", "--suite", "nrls-create,ers-professional-session"], { SANDBOX_LATENCY_MS: "20" });
    expect(run.code, run.stdout).toBe(0);
    const dir = join(run.outDir, "runs", readFileSync(join(run.outDir, "latest-run"), "utf8").trim(), "allure-results");
    const results = readdirSync(dir).filter((f) => f.endsWith("-result.json")).map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as AllureResult);
    expect(results.length).toBeGreaterThan(250);
    // One test per case × requirement: written once, whether as the case arrived or when the run was published.
    expect(new Set(results.map((r) => r.fullName)).size).toBe(results.length);
    const uuidOwner = new Map<string, string>();
    let checked = 0;
    for (const r of results) {
      const key = r.labels.find((l) => l.name === "case")!.value;
      const exchanges = attachmentsOf(r).filter((a) => a.type === "application/vnd.allure.http+json")
        .map((a) => JSON.parse(readFileSync(join(dir, a.source), "utf8")) as Exchange);
      expect(exchanges.length, key).toBeGreaterThan(0);
      for (const e of exchanges) {
        checked++;
        // The target: e-RS cases only talk to e-RS, NRLS cases only to NRLS.
        expect(new URL(e.request.url).pathname.startsWith(key.startsWith("ers-") ? "/ers-api/" : "/nrls/"), `${key}: ${e.request.url}`).toBe(true);
        // The format: a [json]/[xml] case's create asks for that format.
        const format = /\[(json|xml)\]/.exec(key)?.[1];
        const accept = e.request.headers.find((h) => h.name === "Accept")?.value;
        if (format && e.request.url.endsWith("/DocumentReference") && key.includes("/create-pointer")) expect(accept, key).toBe(`application/fhir+${format}`);
        // The case's own masterIdentifier: one caseUuid per case, never shared with another case.
        for (const m of (e.request.body?.value ?? "").matchAll(/urn:uuid:([0-9a-f-]{36})/g)) {
          const owner = uuidOwner.get(m[1]!) ?? key;
          uuidOwner.set(m[1]!, owner);
          expect(owner, `${m[1]} seen in ${key} and ${owner}`).toBe(key);
        }
      }
    }
    // Every test carries at least one exchange: its own evidence, never another case's.
    expect(checked).toBeGreaterThanOrEqual(results.length);
    expect(uuidOwner.size).toBeGreaterThan(50);
  }, 120_000);
});

describe("polite concurrency", () => {
  it("never has more requests in flight at the target than --concurrency, and does use the allowance", async () => {
    const { createServer } = await import("node:http");
    let inFlight = 0;
    let peak = 0;
    const server = createServer((req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      req.resume();
      req.on("end", () => setTimeout(() => {
        inFlight--;
        res.writeHead(400, { "Content-Type": "application/fhir+json" });
        res.end('{"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "invalid"}]}');
      }, 30));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const port = (server.address() as { port: number }).port;
      const run = await runAssureInProcess(["--no-report", "--concurrency", "3", "--suite", "nrls-create"], { ASSURE_ACCEPT_SANDBOX_VALUES: "all", NRLS_BASE_URL: `http://127.0.0.1:${port}/nrls` });
      expect(run.summary, run.stdout).toBeDefined();
      expect(peak).toBeLessThanOrEqual(3);
      expect(peak).toBeGreaterThan(1);
    } finally {
      server.close();
    }
  }, 120_000);
});
