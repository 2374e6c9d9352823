// The strict STU3 JSON reader (client payloads: assess-client, validate, the sandbox's parse) against FHIR.js's
// validator, given the NHS's STU3 DocumentReference profile: wherever FHIR.js finds an error, ours finds one at the same
// element; where FHIR.js has no opinion (it ignores unknown members, does not check an instant's form, takes a negative
// unsignedInt or a number for a code), ours still refuses, and each such case is listed here with the STU3 rule.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stu3JsonProblems } from "../src/fhir/stu3-strict.ts";
import { PROJECT_ROOT } from "../src/project-root.ts";

const NHS = join(PROJECT_ROOT, "..", "shared", "spec", "nhs");
const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test documents are indexed freely
type Json = Record<string, any>;

function fhirJsValidator(): (doc: unknown) => { valid: boolean; errors: string[] } {
  interface Validation { valid: boolean; messages: { severity: string; location: string }[] }
  const { Fhir, ParseConformance, Versions } = require("fhir") as {
    Fhir: new (parser?: unknown) => { xmlToObj(xml: string): { url: string; type: string }; validate(doc: unknown, options: object): Validation };
    ParseConformance: new (cached: boolean, version: string) => { parseStructureDefinition(sd: unknown): void; parsedStructureDefinitions: Record<string, { _url?: string }> };
    Versions: { STU3: string };
  };
  const parser = new ParseConformance(true, Versions.STU3);
  const sd = new Fhir().xmlToObj(readFileSync(join(NHS, "fixtures", "stu3assets_NRLS-DocumentReference-1.xml"), "utf8"));
  parser.parseStructureDefinition(sd);
  parser.parsedStructureDefinitions[sd.type] = Object.values(parser.parsedStructureDefinitions).find((p) => p._url === sd.url)!;
  const fhir = new Fhir(parser);
  return (doc) => {
    const r = fhir.validate(doc, {});
    return { valid: r.valid, errors: r.messages.filter((m) => m.severity === "error").map((m) => m.location) };
  };
}

const base = JSON.parse(readFileSync(join(NHS, "derived", "nrls-v1-pointer.json"), "utf8")) as Json;
const attachment = base.content[0].attachment as Json;
const theirs = fhirJsValidator();

describe("the strict STU3 reader against FHIR.js", () => {
  // [name, the pointer, the path ours names, FHIR.js's opinion: "same" (an error at that path) or why it has none]
  const cases: [string, Json, string, string][] = [
    ["an unsignedInt as a string", { ...base, content: [{ attachment: { ...attachment, size: "1024" } }] }, "DocumentReference.content[0].attachment.size", "same"],
    ["a repeating element as an object", { ...base, author: base.author[0] }, "DocumentReference.author", "same"],
    ["content as an object", { ...base, content: base.content[0] }, "DocumentReference.content", "same"],
    ["an empty code", { ...base, status: "" }, "DocumentReference.status", "same"],
    ["a boolean as a word", { ...base, type: { coding: [{ ...base.type.coding[0], userSelected: "yes" }] } }, "DocumentReference.type.coding[0].userSelected", "same"],
    ["an element STU3 does not define", { ...base, masterIdentifer: { system: "urn:ietf:rfc:3986", value: "urn:oid:1.2.3" } }, "DocumentReference.masterIdentifer", "FHIR.js ignores members it does not know"],
    ["an instant without a time", { ...base, indexed: "2018-07-16" }, "DocumentReference.indexed", "FHIR.js does not check an instant's form"],
    ["a negative unsignedInt", { ...base, content: [{ attachment: { ...attachment, size: -1 } }] }, "DocumentReference.content[0].attachment.size", "FHIR.js takes any number"],
    ["a code as a number", { ...base, status: 5 }, "DocumentReference.status", "FHIR.js takes a number for a code"],
    ["a single element as an array", { ...base, status: ["current"] }, "DocumentReference.status", "FHIR.js takes an array for a single element"],
    ["an instant as a number", { ...base, indexed: 20180716 }, "DocumentReference.indexed", "FHIR.js does not check an instant's type"],
  ];

  it("finds nothing in the NHS's v1 pointer, as FHIR.js does", () => {
    expect(theirs(base).valid).toBe(true);
    expect(stu3JsonProblems(base)).toEqual([]);
  });

  for (const [name, doc, path, opinion] of cases) {
    it(`refuses ${name} at ${path}${opinion === "same" ? ", as FHIR.js does" : ` (${opinion})`}`, () => {
      const ours = stu3JsonProblems(doc);
      expect(ours.map((p) => p.path)).toEqual([path]);
      const other = theirs(doc);
      if (opinion === "same") expect(other.errors).toContain(path);
      else expect(other.valid, `FHIR.js now has an opinion on ${name}: update this case`).toBe(true);
    });
  }

  it("refuses nesting deeper than any resource has, without walking it to a stack overflow", () => {
    const deep = JSON.parse(`${'{"extension":['.repeat(20_000)}{"url":"x"}${"]}".repeat(20_000)}`) as Json;
    const problems = stu3JsonProblems({ ...base, extension: [deep] });
    expect(problems).toMatchObject([{ kind: "shape", problem: "nested deeper than 64 levels" }]);
  });

  it("names what the definition wants, and the nearest element for a misspelling", () => {
    const [p] = stu3JsonProblems({ ...base, masterIdentifer: {} });
    expect(p).toMatchObject({ kind: "unknown", problem: 'STU3 defines no element "masterIdentifer" here (did you mean masterIdentifier?)' });
    expect(stu3JsonProblems({ ...base, content: [{ attachment: { ...attachment, size: "1" } }] })[0]!.problem).toBe('an unsignedInt is written as a JSON number (a whole number, 0 or more), not a string "1"');
    expect(stu3JsonProblems({ ...base, indexed: "2018-07-16" })[0]).toMatchObject({ kind: "form", problem: '"2018-07-16" is not an instant (YYYY-MM-DDThh:mm:ss with a time zone)' });
  });

  it("takes what STU3 allows: a primitive's extension beside it, contained resources, nulls lining up repeating primitives", () => {
    const doc = {
      ...base, _status: { extension: [{ url: "https://example.org/x", valueBoolean: true }] },
      contained: [{ resourceType: "Organization", id: "org", name: "Leeds" }],
      meta: { profile: ["https://a.example/x", "https://b.example/y"], _profile: [null, { id: "p2" }] },
    };
    expect(stu3JsonProblems(doc)).toEqual([]);
    expect(stu3JsonProblems({ ...doc, contained: [{ resourceType: "Nonsense" }] })).toMatchObject([{ path: "DocumentReference.contained[0].resourceType", kind: "unknown" }]);
  });
});
