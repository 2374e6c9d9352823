import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TARGETS } from "../src/targets.ts";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { checkSuites } from "../src/stages/check-suites.ts";
import { loadSuites, SuiteError } from "../src/suite/load-suites.ts";
import { compileSchemaFile, validatorFor } from "../src/suite/schemas.ts";

const GOOD = readFileSync(join(PROJECT_ROOT, "test", "data", "minimal-suite.yaml"), "utf8");

function problemsFor(yaml: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), "suites-"));
  mkdirSync(join(dir, "x"));
  writeFileSync(join(dir, "x", "bad.yaml"), yaml);
  try {
    // What `spine-assure requirements` and a run do: load, then compile every check.
    checkSuites(dir);
  } catch (e) {
    expect(e).toBeInstanceOf(SuiteError);
    return (e as SuiteError).problems.map((p) => `${p.line ?? "?"}|${p.path}|${p.message}`);
  }
  throw new Error("the suite was accepted");
}

describe("suite loading", () => {
  it("loads the project's suites", () => {
    const suites = loadSuites();
    expect(suites.map((s) => s.suite)).toContain("nrls-create");
    // Every API module has a suite, and every suite's target is a module.
    expect(new Set(suites.map((s) => s.target))).toEqual(new Set(TARGETS.map((t) => t.name)));
  });

  it("accepts the minimal suite these tests start from", () => {
    const dir = mkdtempSync(join(tmpdir(), "suites-"));
    writeFileSync(join(dir, "ok.yaml"), GOOD);
    expect(loadSuites({ dir })[0]!.cases).toHaveLength(1);
  });

  it("names the line and path of a wrong type", () => {
    const yaml = GOOD.replace("- { req: ERS-A001-01, status: 201 }", "- { req: ERS-A001-01, status: created }");
    const line = yaml.split("\n").findIndex((l) => l.includes("status: created")) + 1;
    const problems = problemsFor(yaml);
    expect(problems.some((p) => p.startsWith(`${line}|cases[0].steps[0].expect[0].status|`))).toBe(true);
  });

  it("names an unknown property", () => {
    const problems = problemsFor(GOOD.replace("    tags: [a001, happy-path]", "    tags: [a001]\n    colour: blue"));
    expect(problems.join("\n")).toMatch(/cases\[0\]\|unknown property "colour"/);
  });

  it("reports YAML syntax errors with their line", () => {
    const problems = problemsFor("suite: x\n  bad: [unclosed\n");
    expect(problems[0]).toMatch(/^\d+\|\|YAML: /);
  });

  it("rejects a MUST rule whose basis is not DOC, unless a note says why", () => {
    const problems = problemsFor(GOOD.replace("    basis: DOC\n    text: A valid create", "    basis: INF\n    text: A valid create"));
    expect(problems.join("\n")).toMatch(/requirements\[0\]\.basis\|a MUST rule needs a DOC basis/);
    const dir = mkdtempSync(join(tmpdir(), "suites-"));
    writeFileSync(join(dir, "ok.yaml"), GOOD.replace("    basis: DOC\n    text: A valid create", "    basis: INF\n    note: RULES.md says MUST\n    text: A valid create"));
    expect(loadSuites({ dir })).toHaveLength(1);
  });

  it("rejects a check naming a requirement the suite does not declare", () => {
    const problems = problemsFor(GOOD.replace("req: ERS-A001-03", "req: ERS-A001-09"));
    expect(problems.join("\n")).toMatch(/checks ERS-A001-09, which is not declared in this suite's requirements/);
  });

  it("derives a case's requirements from its checks, and refuses a verifies: that repeats them", () => {
    const dir = mkdtempSync(join(tmpdir(), "suites-"));
    writeFileSync(join(dir, "ok.yaml"), GOOD);
    expect(loadSuites({ dir })[0]!.cases[0]!.verifies).toEqual(["ERS-A001-01", "ERS-A001-02", "ERS-A001-03"]);
    const problems = problemsFor(GOOD.replace("    tags: [a001, happy-path]", "    tags: [a001, happy-path]\n    verifies: [ERS-A001-02]"));
    expect(problems.join("\n")).toMatch(/verifies\[0\]\|ERS-A001-02 is derived from this case's checks/);
  });

  it("rejects unknown template variables, missing fixtures and FHIRPath that does not compile", () => {
    const yaml = GOOD.replace('token: "{{ERS_SMARTCARD_TOKEN}}"', 'token: "{{ERS_SMARTCARD}}"')
      .replace("fixture: ers/create-session.json", "fixture: ers/missing.json")
      .replace('fhirpath: "id.exists() and (id is System.String) and id.length() > 0"', 'fhirpath: "id.exists( and"');
    const text = problemsFor(yaml).join("\n");
    expect(text).toMatch(/unknown variable \{\{ERS_SMARTCARD\}\}/);
    expect(text).toMatch(/fixture file not found: fixtures\/ers\/missing.json/);
    expect(text).toMatch(/FHIRPath does not compile/);
  });

  it("rejects a teardown that waits for a capture no step makes", () => {
    expect(problemsFor(GOOD.replace("when: [sessionId]", "when: [session]")).join("\n")).toMatch(/"session" is not captured/);
  });

  it("rejects each: values that would give two cases one key, and a step variant naming a rule its step does not check", () => {
    const each = GOOD.replace("    title: Create a professional session with a valid smartcard token\n", "    title: Create a professional session with a valid smartcard token\n    each: { name: v, values: [{ label: a, n: 1 }, { label: b }, { label: a, n: 2 }] }\n");
    const lines = each.split("\n");
    expect(problemsFor(each)).toEqual([`${lines.findIndex((l) => l.includes("each: {")) + 1}|cases[0].each.values[2]|gives the case key [a] a second time: give each value its own label`]);
    const stepVariant = GOOD.replace(/(\n {4}teardown:\n {6}- name: [^\n]*\n)/, "$1        variants: [{ name: v, outcome: accepted, source: { file: f, section: s }, status: [201], rules: [ERS-A001-03], reason: r }]\n");
    expect(problemsFor(stepVariant).join("\n")).toMatch(/cases\[0\]\.teardown\[0\]\.variants\[0\]\.rules\[0\]\|ERS-A001-03 has no check in this step/);
  });

  it("refuses a reused-connection case without a primer, a primer that judges or captures, and copies on a reused connection", () => {
    const reused = GOOD.replace("    tags: [a001, happy-path]", "    tags: [a001, happy-path]\n    connections: [new, reused]");
    expect(problemsFor(reused).join("\n")).toMatch(/cases\[0\]\.connections\|walks a reused connection, but the suite has no defaults\.primer/);
    const primer = (extra: string) => reused.replace("    Accept: application/json\n", `    Accept: application/json\n  primer:\n    name: open it\n    request: { method: GET, path: "/v1/{{sessionId}}" }\n${extra}`);
    const judged = problemsFor(primer("    expect: [{ req: ERS-A001-01, status: 200 }]\n")).join("\n");
    expect(judged).toMatch(/defaults\.primer\|a primer may only use configuration and generators, not \{\{sessionId\}\}/);
    expect(judged).toMatch(/defaults\.primer\|a primer's answer is evidence only/);
    const both = primer("").replace("    connections: [new, reused]", "    connections: [new, reused]\n    copies: 2");
    expect(problemsFor(both).join("\n")).toMatch(/cases\[0\]\.copies\|copies share no connection/);
  });

  it("rejects a requirement declared twice", () => {
    const dup = GOOD.replace("  - id: ERS-A001-02", "  - id: ERS-A001-01");
    expect(problemsFor(dup).join("\n")).toMatch(/requirement ERS-A001-01 is declared twice/);
  });

  it("says so when there are no suites at all", () => {
    expect(() => loadSuites({ dir: mkdtempSync(join(tmpdir(), "empty-")) })).toThrow(/no suite files/);
  });

  it("compiles a body schema with the files it refers to, and names what is wrong with one that cannot be used", () => {
    // Schema ids come from paths, for the process: a folder of its own keeps these apart from every other test's.
    const dir = mkdtempSync(join(tmpdir(), "schemas-"));
    const at = `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    mkdirSync(join(dir, at, "sub"), { recursive: true });
    const put = (name: string, text: string) => writeFileSync(join(dir, at, name), text);
    put("a.json", JSON.stringify({ type: "object", properties: { b: { $ref: "sub/b.json" } }, required: ["b"] }));
    put("sub/b.json", JSON.stringify({ type: "string", minLength: 2 }));
    put("c.json", JSON.stringify({ $ref: "missing.json" }));
    put("d.json", JSON.stringify({ type: 12 }));
    put("e.json", "{ not json");
    expect(compileSchemaFile(join(dir, at, "a.json"), dir)).toBeUndefined();
    const validate = validatorFor(`${at}/a.json`, dir);
    expect([validate({ b: "ok" }), validate({ b: "x" }), validate({})]).toEqual([true, false, false]);
    expect(compileSchemaFile(join(dir, at, "c.json"), dir)).toMatch(/c\.json does not compile: .*missing\.json/);
    expect(compileSchemaFile(join(dir, at, "d.json"), dir)).toMatch(/d\.json does not compile: schema is invalid/);
    expect(compileSchemaFile(join(dir, at, "e.json"), dir)).toMatch(/e\.json does not compile: .*JSON/);
    expect(compileSchemaFile(join(dir, at, "f.json"), dir)).toMatch(/schema file not found/);
  });
});
