// A case's exchange shown in each requirement's Allure test is a file per test (Allure shows an attachment in one test
// only). The first copy is whole; later ones cut a large body and say where the whole is, so the pack grows with a
// body once, not once per requirement (issue: a 1 MiB request had become ~7 MB of pack).
import { describe, expect, it } from "vitest";
import { allureFilesForCase, COPY_BODY_CHARS } from "../reporters/allure-results.ts";
import type { CaseRecord } from "../src/model/run-result.ts";

const body = `{"data":"${"x".repeat(200_000)}"}`;
const record = (requestBody: string): CaseRecord => ({
  key: "request-0001", title: "request 1", suite: "s", api: "NRLS", interaction: "Create pointer", target: "nrls", at: "c.yaml:1", tags: [], vars: {},
  verifies: ["R-01", "R-02", "R-03"], status: "passed", durationMs: 1,
  steps: [{
    name: "the request", phase: "main", status: "passed", checks: [],
    exchange: { request: { method: "POST", url: "https://127.0.0.1:1/nrls/DocumentReference", headers: [["Content-Type", "application/fhir+json"]], body: requestBody }, response: { status: 201, headers: [], body: "{}", bytes: 2 }, startedAt: 0, durationMs: 1 },
  }],
  requirements: ["R-01", "R-02", "R-03"].map(() => ({ key: "request-0001", title: "request 1", status: "passed", caseStatus: "passed", messages: [] })),
}) as unknown as CaseRecord;

const attachments = (c: CaseRecord) => allureFilesForCase(c, new Map(), "https://x", "run").filter((f) => f.name.includes("-attachment"));

describe("copies of an exchange in each requirement's test", () => {
  it("keeps the first whole and cuts a large body in the others, saying where the whole is", () => {
    const files = attachments(record(body));
    expect(files).toHaveLength(3);
    const bodies = files.map((f) => (JSON.parse(f.content) as { request: { body: { value: string; size: number } } }).request.body);
    expect(bodies[0]!.value).toBe(body);
    for (const b of bodies.slice(1)) {
      expect(b.value.length).toBeLessThan(COPY_BODY_CHARS + 300);
      expect(b.value).toMatch(/… \(200011 characters in all: this copy keeps the first 4096; the whole, as the evidence keeps it, is in R-01's test of this case and in run-result\.json, case request-0001\)$/);
      expect(b.size).toBe(Buffer.byteLength(body));
    }
    const total = files.reduce((n, f) => n + f.content.length, 0);
    expect(total).toBeLessThan(body.length + 3 * (COPY_BODY_CHARS + 2000));
  });

  it("writes each test before the attachments it declares, so the report's generator never guesses their type", () => {
    const files = allureFilesForCase(record('{"small":true}'), new Map(), "https://x", "run");
    const seen = new Set<string>();
    for (const f of files) {
      if (f.name.endsWith("-result.json")) {
        const test = JSON.parse(f.content) as { steps: { attachments: { source: string }[] }[] };
        for (const a of test.steps.flatMap((s) => s.attachments)) seen.add(a.source);
      } else expect(seen.has(f.name), `${f.name} comes after the test that declares it`).toBe(true);
    }
    expect(seen.size).toBe(3);
  });

  it("copies a small exchange whole in every test", () => {
    const files = attachments(record('{"small":true}'));
    expect(new Set(files.map((f) => f.content)).size).toBe(1);
  });

  it("describes each test in HTML it writes itself, every value escaped: a target's diagnostics never become markup", () => {
    const failed = { ...record('{"small":true}'), status: "failed", reason: `the target said <script>alert("x")</script> & "more"` } as CaseRecord;
    const rule = { id: "R-01", level: "MUST", basis: "DOC", text: "Answer `201` <b>Created</b>.", source: { file: "seeds/a.md", section: "Create" }, note: "chose `A` over <i>B</i>" };
    const results = allureFilesForCase(failed, new Map([["R-01", rule]]) as never, "https://x", "run").filter((f) => f.name.endsWith("-result.json"));
    const html = (JSON.parse(results[0]!.content) as { descriptionHtml: string; description?: string }).descriptionHtml;
    expect(html).toContain("<p><strong>Case</strong> <code>request-0001</code> written at <code>c.yaml:1</code>; the same run of it also checks R-02, R-03.</p>");
    expect(html).toContain("<td>Answer <code>201</code> &lt;b&gt;Created&lt;/b&gt;.</td><td>seeds/a.md § Create</td>");
    expect(html).toContain("<p><strong>failed</strong>: the target said &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;more&quot;</p>");
    expect(html).toContain("<li>R-01: chose <code>A</code> over &lt;i&gt;B&lt;/i&gt;</li>");
    expect(html).not.toMatch(/<(script|b|i)>/);
  });
});
