import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load-config.ts";
import { pathsOf } from "../src/cli/requirements.ts";
import { makePlan } from "../src/plan/make-plan.ts";
import { loadSuites } from "../src/suite/load-suites.ts";
import { verdictsOf } from "./helpers/run-cli.ts";
import { runAssureInProcess } from "./helpers/run-in-process.ts";

// A suite using each:, formats:, requires: and notApplicableIf:, against requirements of RULES.md.
const SUITE = `
suite: ers-extra
api: e-RS
interaction: Reference data (A004)
target: ers
spec: { name: e-RS XAPI, version: v1 }
sources:
  seeds/000_4165fa966d1890b0.txt: https://example.org/a001
defaults:
  headers: { XAPI_ASID: "{{ERS_ASID}}" }
requirements:
  - { id: ERS-A001-16, level: SHOULD, basis: DOC+INF, text: usable only after select role, source: { file: seeds/000_4165fa966d1890b0.txt, section: Notes } }
  - { id: ERS-A001-13, level: SHOULD, basis: INF, text: non-JSON gets 400 or 422, source: { file: seeds/000_4165fa966d1890b0.txt, section: Input } }
cases:
  - id: optional-endpoint
    title: an endpoint this target does not have
    steps:
      - name: call it
        request: { method: GET, path: /v1/NoSuchEndpoint }
        notApplicableIf: { status: [404], reason: the target has no such endpoint }
        expect: [ { req: ERS-A001-16, status: 200 } ]
  - id: bodies
    title: "body {{body.label}} as {{format}}"
    formats: [json, xml]
    each: { name: body, values: [ { label: truncated, text: "{\\"token\\": " }, { label: words, text: "not json" } ] }
    requires: { config: [ERS_ASID], reason: needs an ASID }
    steps:
      - name: post it
        request:
          method: POST
          path: /v1/ProfessionalSession
          headers: { Content-Type: application/json }
          body: { raw: "{{body.text}}" }
        expect: [ { req: ERS-A001-13, status: [400, 422] } ]
`;

function suiteDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "plan-"));
  mkdirSync(join(dir, "ers"));
  writeFileSync(join(dir, "ers", "extra.yaml"), SUITE);
  return dir;
}

describe("planning", () => {
  it("fans out formats × each values, with keys, titles and variables", () => {
    const plan = makePlan(loadSuites({ dir: suiteDir() }), loadConfig({ env: {}, cwd: tmpdir(), dotenvFile: false }));
    const bodies = plan.cases.filter((c) => c.caseId === "bodies");
    expect(bodies.map((c) => c.key)).toEqual([
      "ers-extra/bodies[json][truncated]", "ers-extra/bodies[json][words]", "ers-extra/bodies[xml][truncated]", "ers-extra/bodies[xml][words]",
    ]);
    expect(bodies[3]!.title).toBe("body words as xml");
    expect(bodies[3]!.vars).toMatchObject({ format: "xml", mime: "application/fhir+xml", body: { label: "words" } });
  });

  it("marks a case not applicable when configuration it requires is empty", () => {
    const plan = makePlan(loadSuites({ dir: suiteDir() }), { values: { ERS_ASID: "" } });
    expect(plan.cases.find((c) => c.caseId === "bodies")!.notApplicable).toMatch(/needs an ASID \(not configured: ERS_ASID\)/);
  });

  it("filters by requirement, tag and format", () => {
    const suites = loadSuites();
    const config = loadConfig({ env: {}, cwd: tmpdir(), dotenvFile: false });
    const all = makePlan(suites, config).cases;
    expect(makePlan(suites, config, { requirements: ["ERS-A001-02"] }).cases.map((c) => c.key)).toEqual(["ers-professional-session/session-lifecycle"]);
    const xml = makePlan(suites, config, { formats: ["xml"] }).cases;
    expect(xml.every((c) => c.format === undefined || c.format === "xml")).toBe(true);
    expect(xml.length).toBe(all.filter((c) => c.format !== "json").length);
    expect(makePlan(suites, config, { tags: ["negative"] }).cases.every((c) => c.tags.includes("negative"))).toBe(true);
    expect(makePlan(suites, config, { tags: ["negative"] }).cases.length).toBeGreaterThan(3);
  });

  it("runs it: an absent optional endpoint is not-applicable with its reason, raw bodies are sent as written", async () => {
    const run = await runAssureInProcess(["--suites", suiteDir(), "--no-report"]);
    expect(run.code, run.stdout).toBe(0);
    const verdicts = verdictsOf(run.summary);
    expect(verdicts["ERS-A001-16"]).toBe("not-applicable");
    expect(run.summary!.requirements.find((r) => r.id === "ERS-A001-16")!.reason).toMatch(/the target has no such endpoint \(HTTP 404\)/);
    expect(verdicts["ERS-A001-13"]).toBe("pass");
    expect(run.summary!.requirements.find((r) => r.id === "ERS-A001-13")!.cases).toHaveLength(4);
  });
});

// RULES.md revision 3: the request body's format is a dimension of its own, as the response's is.
describe("the body dimension", () => {
  const plan = makePlan(loadSuites(), loadConfig({ env: {} }));
  const keysOf = (caseId: string) => plan.cases.filter((c) => c.caseId === caseId).map((c) => c.key).sort();

  it("runs a case with both bodies, a JSON body keeping the key it always had", () => {
    expect(keysOf("create-pointer")).toEqual(["nrls-create/create-pointer[json]", "nrls-create/create-pointer[json][xml body]", "nrls-create/create-pointer[xml]", "nrls-create/create-pointer[xml][xml body]"]);
    const xml = plan.cases.find((c) => c.key === "nrls-create/create-pointer[json][xml body]")!;
    expect(xml.vars).toMatchObject({ format: "json", bodyFormat: "xml", bodyMime: "application/fhir+xml" });
    expect(xml.vars.bodyFormat).toBe("xml");
  });

  it("gives a case with none of its own the suite's default body, and a suite with no default none", () => {
    const empty = plan.cases.find((c) => c.caseId === "mandatory-element-empty")!;
    expect(empty.vars).toMatchObject({ bodyFormat: "json", bodyMime: "application/fhir+json" });
    expect(plan.cases.filter((c) => c.target === "ers").every((c) => !("bodyFormat" in c.vars) && !("bodyMime" in c.vars))).toBe(true);
  });

  it("says on which paths a requirement is proven", () => {
    expect(pathsOf([{ bodies: ["json", "xml"], formats: ["json", "xml"] }])).toBe("JSON and XML bodies; JSON and XML responses");
    expect(pathsOf([{ bodies: ["json"], formats: ["xml"] }, { bodies: ["json"] }])).toBe("JSON body; XML response");
    expect(pathsOf([{}])).toBeUndefined();
  });
});
