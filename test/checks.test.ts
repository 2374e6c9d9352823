import { describe, expect, it } from "vitest";
import { compilePlan } from "../src/plan/compile-plan.ts";
import { evaluateCheck } from "../src/run/evaluate-check.ts";
import { fhirPathTemplate, fhirPathVariables } from "../src/template/template.ts";
import { parseResponse, type ParsedResponse } from "../src/run/parse-response.ts";
import { fhirJsonToXml } from "../src/fhir/xml-codec.ts";
import type { Expectation } from "../src/suite/types.ts";

const created = {
  resourceType: "OperationOutcome",
  id: "ca613912-e0fe-4ad3-a5b2-378a2f2824c3-00000000000000000000",
  meta: { profile: ["https://fhir.nhs.uk/STU3/StructureDefinition/Spine-OperationOutcome-1"] },
  issue: [{
    severity: "information", code: "informational",
    details: { coding: [{ system: "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1", code: "RESOURCE_CREATED", display: "New resource created" }], text: "3de126fa-b5f5-4783-b67f-30c02b865016" },
    diagnostics: "Successfully created resource DocumentReference",
  }],
};

const res = (body: unknown, status = 201, contentType = "application/fhir+json", headers: [string, string][] = []) =>
  parseResponse({ status, headers: [["Content-Type", contentType], ...headers], body: typeof body === "string" ? body : JSON.stringify(body), bytes: 0 });

// A check evaluated as a run evaluates it: its FHIRPath or schema compiled as part of a plan.
const runExpectation = (e: Expectation, r: ParsedResponse, vars?: Record<string, unknown>) => {
  const compiled = compilePlan({ checks: { fhirpath: "fhirpath" in e ? [{ expression: e.fhirpath, at: "test:1" }] : [], schemas: "schema" in e ? [{ schema: e.schema, at: "test:1" }] : [] } });
  return evaluateCheck(e, "test:1", r, compiled, vars);
};

const outcomes = (e: Expectation, r = res(created)) => runExpectation(e, r).map((c) => c.outcome);

describe("expectations", () => {
  it("checks status against a value or a set", () => {
    expect(outcomes({ req: "X", status: 201 })).toEqual(["pass"]);
    expect(outcomes({ req: "X", status: [400, 422] })).toEqual(["fail"]);
    expect(runExpectation({ req: "X", status: [400, 422] }, res(created))[0]).toMatchObject({ expected: "HTTP status 400 or 422", actual: "201" });
  });

  it("checks headers present, absent, equal and matching", () => {
    const r = res(created, 201, "application/fhir+json", [["Location", "https://h/p/DocumentReference?_id=1"]]);
    expect(outcomes({ req: "X", header: "location", present: true }, r)).toEqual(["pass"]);
    expect(outcomes({ req: "X", header: "Location", matches: "\\?_id=[^&]+$" }, r)).toEqual(["pass", "pass"]);
    expect(outcomes({ req: "X", header: "Location", absent: true }, r)).toEqual(["fail"]);
    expect(outcomes({ req: "X", header: "ETag", present: true }, r)).toEqual(["fail"]);
  });

  it("checks the OperationOutcome shorthand, one result per aspect", () => {
    const e: Expectation = {
      req: "NRLS-CRT-03",
      outcome: { severity: "information", code: "informational", system: "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1", coding: "RESOURCE_CREATED", display: ["new RESOURCE created"], singleCoding: true, diagnostics: "Successfully created resource DocumentReference", textMatches: "^[0-9a-f-]{36}$", profile: "https://fhir.nhs.uk/STU3/StructureDefinition/Spine-OperationOutcome-1" },
    };
    expect(outcomes(e)).toEqual(Array(9).fill("pass"));
    const wrong = structuredClone(created);
    wrong.issue[0]!.severity = "warning";
    wrong.issue[0]!.details.coding[0]!.display = "Resource created";
    const results = runExpectation(e, res(wrong));
    expect(results.filter((r) => r.outcome === "fail").map((r) => r.expected)).toEqual([
      "issue[0].severity = information",
      'issue[0].details.coding.display is one of "new RESOURCE created" (any case)',
    ]);
    expect(results.find((r) => r.outcome === "fail")!.actual).toBe("warning");
  });

  it("downgrades a display mismatch to a warning when the suite says so", () => {
    const wrong = structuredClone(created);
    wrong.issue[0]!.details.coding[0]!.display = "Created";
    expect(outcomes({ req: "X", outcome: { display: ["New resource created"], displayMismatch: "warn" } }, res(wrong))).toEqual(["warn"]);
    expect(outcomes({ req: "X", warnOnly: true, status: 200 }, res(wrong))).toEqual(["warn"]);
  });

  it("works the same on an XML response", () => {
    const r = res(fhirJsonToXml(created), 201, "application/fhir+xml;charset=UTF-8");
    expect(r.format).toBe("xml");
    expect(outcomes({ req: "X", outcome: { coding: "RESOURCE_CREATED", diagnostics: "Successfully created resource DocumentReference" } }, r)).toEqual(["pass", "pass"]);
    expect(outcomes({ req: "X", format: "xml" }, r)).toEqual(["pass"]);
    expect(outcomes({ req: "X", format: "json" }, r)).toEqual(["fail"]);
  });

  it("fails body checks on a body that does not parse, saying why", () => {
    const r = res("{ not json", 201);
    const [c] = runExpectation({ req: "X", schema: "fhir/operation-outcome.schema.json" }, r);
    expect(c).toMatchObject({ outcome: "fail" });
    expect(c!.actual).toMatch(/not valid JSON/);
  });

  it("validates against a JSON Schema and evaluates FHIRPath", () => {
    expect(outcomes({ req: "X", schema: "fhir/operation-outcome.schema.json" })).toEqual(["pass"]);
    expect(outcomes({ req: "X", schema: "fhir/operation-outcome.schema.json" }, res({ resourceType: "OperationOutcome", issue: [] }))).toEqual(["fail"]);
    expect(outcomes({ req: "X", fhirpath: "OperationOutcome.issue.count() = 1" })).toEqual(["pass"]);
    expect(outcomes({ req: "X", fhirpath: "issue.details.coding.code", equals: "RESOURCE_CREATED" })).toEqual(["pass"]);
    expect(outcomes({ req: "X", fhirpath: "(id is System.String) and id.length() > 0" }, res({ id: "" }, 201, "application/json"))).toEqual(["fail"]);
    expect(outcomes({ req: "X", fhirpath: "(id is System.String) and id.length() > 0" }, res({ id: "s" }, 201, "application/json"))).toEqual(["pass"]);
  });

  it("reads a FHIRPath expression's {{templates}} as variables, so a value cannot rewrite the expression", () => {
    const e: Expectation = { req: "X", fhirpath: "issue.details.text = '{{pointerId}}' and id.startsWith('{{caseUuid}}-')" };
    const run = (values: Record<string, unknown>) => runExpectation(e, res(created), fhirPathVariables(e.fhirpath, (n) => values[n]))[0]!.outcome;
    expect(run({ pointerId: "3de126fa-b5f5-4783-b67f-30c02b865016", caseUuid: "ca613912-e0fe-4ad3-a5b2-378a2f2824c3" })).toBe("pass");
    expect(run({ pointerId: "3de126fa-b5f5-4783-b67f-30c02b865016", caseUuid: "0f0f0f0f" })).toBe("fail");
    // Pasted as text, this id would close the literal and make the comparison always true.
    expect(run({ pointerId: "nope' or true or 'x", caseUuid: "ca613912-e0fe-4ad3-a5b2-378a2f2824c3" })).toBe("fail");
    expect(fhirPathTemplate("a = '{{n.value}}' and b = {{m}}")).toEqual({ expression: "a = '' & %`n.value` & '' and b = %`m`", names: ["n.value", "m"] });
    expect(fhirPathTemplate("a = 'it\\'s {{x}}'").expression).toBe("a = 'it\\'s ' & %`x` & ''");
    expect(() => fhirPathTemplate("`a{{x}}`")).toThrow(/delimited identifier/);
    expect(() => fhirPathVariables("a = '{{gone}}'", () => undefined)).toThrow(/unknown variable \{\{gone\}\}/);
  });
});

// Each API module names its FHIR release (apis/<name>/index.ts): a case's FHIR bodies are read with that release's
// model. MedicationRequest.reported[x] is an R4 choice element STU3 does not have: only the R4 model resolves it.
describe("the FHIR release of a case's API", () => {
  const body = { resourceType: "MedicationRequest", status: "active", reportedBoolean: true };
  const expression = "MedicationRequest.reported";
  const compiled = compilePlan({ checks: { fhirpath: [{ expression, at: "test:1", release: "R4" }], schemas: [] } });

  it("reads a body with the model of the release it is given", () => {
    expect(compiled.forRelease("R4").fhirpath(expression, body)).toEqual([true]);
    expect(compiled.forRelease("STU3").fhirpath(expression, body)).toEqual([]);
    // A plan's default view is STU3, the release of the suites written before releases were a module's choice.
    expect(compiled.fhirpath(expression, body)).toEqual([]);
  });

  it("gives the PDS cases R4 and the NRLS cases STU3, as their modules say", async () => {
    const { loadSuites } = await import("../src/suite/load-suites.ts");
    const { makePlan } = await import("../src/plan/make-plan.ts");
    const { loadConfig } = await import("../src/config/load-config.ts");
    const plan = makePlan(loadSuites(), loadConfig({ env: {} }));
    expect(new Set(plan.cases.filter((c) => c.target === "pds").map((c) => c.fhirRelease))).toEqual(new Set(["R4"]));
    expect(new Set(plan.cases.filter((c) => c.target === "nrls").map((c) => c.fhirRelease))).toEqual(new Set(["STU3"]));
    expect(plan.cases.filter((c) => c.target === "ers").every((c) => c.fhirRelease === undefined)).toBe(true);
  });
});

// Revision 3: one Location, naming the one pointer the create made — a check that two Location headers fail.
describe("a header's once", () => {
  it("passes one such header and fails two, saying how many came", () => {
    const one = res(created, 201, "application/fhir+json", [["Location", "https://x/DocumentReference?_id=a"]]);
    const two = res(created, 201, "application/fhir+json", [["Location", "https://x/DocumentReference?_id=a"], ["Location", "https://x/DocumentReference?_id=b"]]);
    const e = { req: "NRLS-CRT-06", header: "Location", present: true, once: true } as Expectation;
    expect(outcomes(e, one)).toEqual(["pass", "pass"]);
    expect(outcomes(e, two)).toEqual(["pass", "fail"]);
    expect(runExpectation(e, two)[1]!.actual).toBe("2 Location headers");
  });
});
