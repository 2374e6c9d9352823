// `spine-assure validate`: the NHS's own example pointers judged as published (and which are invalid, and why), one
// file per payload rule broken — each blamed on exactly that rule, with the offending element's path — in JSON and in
// XML, and the command's exit codes and machine-readable output.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clientCatalogue } from "../src/client/catalogue.ts";
import { documentJudge, validateFile, type FileResult } from "../src/cli/validate.ts";
import { fhirJsonToXml } from "../src/fhir/xml-codec.ts";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { loadDirectory } from "../sandbox/directory.ts";

const SPEC = join(PROJECT_ROOT, "..", "shared", "spec", "nhs");
const payloadRules = clientCatalogue().rules.filter((r) => r.payload);
const directory = loadDirectory();
const FROM_ASID = "200000000118";
const judge = await documentJudge();
const failing = (r: FileResult) => r.rules.filter((x) => x.outcome === "fail").map((x) => x.rule);
const base = JSON.parse(readFileSync(join(SPEC, "derived", "nrls-v1-pointer-with-masterIdentifier.json"), "utf8")) as Record<string, unknown>;

describe("validate: the NHS's own example pointers", () => {
  // Which published examples are valid v1 pointers, and why the others are not.
  const expected: [string, string[], string][] = [
    ["derived/nrls-v1-pointer.json", [], "the corrected v1 example (SOURCE-NOTES §1.5)"],
    ["derived/nrls-v1-pointer.xml", [], "the same in XML"],
    ["derived/nrls-v1-pointer-with-masterIdentifier.json", [], "with a masterIdentifier"],
    ["fixtures/stu3assets_NRLS-DocumentReference-Example-1.xml", ["NRLS-CLI-20", "NRLS-CLI-29"], "type 718347000 is outside NRLS-RecordType-1, and it carries an id"],
    ["fixtures/nrl-master_example_create_documentreference_resource.json", ["NRLS-CLI-29"], "NRL 2.x's example carries a server-assigned id"],
    // FHIR XML follows the STU3 element order; this example puts content.extension after format.
    ["fixtures/nrl-master_example_create_documentreference_resource.xml", ["NRLS-CLI-19"], "the same in XML, with content.extension after format (out of the STU3 order)"],
  ];
  for (const [file, rules, why] of expected) {
    it(`${file}: ${rules.length ? `invalid — ${why}` : `valid — ${why}`}`, () => {
      const r = validateFile(join(SPEC, file), payloadRules, { fromAsid: FROM_ASID, directory }, judge);
      expect(failing(r)).toEqual(rules);
      expect(r.valid).toBe(rules.length === 0);
      if (rules.includes("NRLS-CLI-20")) expect(r.rules.find((x) => x.rule === "NRLS-CLI-20")).toMatchObject({ actual: '"718347000" (not in NRLS-RecordType-1)', path: "DocumentReference.type.coding[0].code" });
    });
  }
});

describe("validate: one file per payload rule broken, blamed on that rule alone with the element's path", () => {
  const dir = mkdtempSync(join(tmpdir(), "validate-"));
  const breaks: [string, string, (p: Record<string, unknown>) => unknown, string][] = [
    ["NRLS-CLI-19", "not-a-document-reference", (p) => ({ ...p, resourceType: "Patient" }), "(file)"],
    ["NRLS-CLI-20", "type-two-codings", (p) => ({ ...p, type: { coding: [...(p.type as { coding: unknown[] }).coding, { system: "http://snomed.info/sct", code: "736253002", display: "again" }] } }), "DocumentReference.type.coding"],
    ["NRLS-CLI-21", "status-entered-in-error", (p) => ({ ...p, status: "entered-in-error" }), "DocumentReference.status"],
    ["NRLS-CLI-22", "nine-digit-nhs-number", (p) => ({ ...p, subject: { reference: "https://demographics.spineservices.nhs.uk/STU3/Patient/987654321" } }), "DocumentReference.subject.reference"],
    ["NRLS-CLI-23", "two-authors", (p) => ({ ...p, author: [...(p.author as unknown[]), ...(p.author as unknown[])] }), "DocumentReference.author"],
    ["NRLS-CLI-24", "custodian-display", (p) => ({ ...p, custodian: { ...(p.custodian as object), display: "Leeds" } }), "DocumentReference.custodian.display"],
    ["NRLS-CLI-25", "indexed-without-zone", (p) => ({ ...p, indexed: "2018-07-16T09:30:00" }), "DocumentReference.indexed"],
    ["NRLS-CLI-26", "no-content-type", (p) => ({ ...p, content: [{ attachment: { url: "https://example.org/a.pdf" } }] }), "DocumentReference.content[0].attachment.contentType"],
    ["NRLS-CLI-27", "master-identifier-without-value", (p) => ({ ...p, masterIdentifier: { system: "urn:ietf:rfc:3986" } }), "DocumentReference.masterIdentifier.value"],
    ["NRLS-CLI-28", "custodian-of-another-system", (p) => ({ ...p, custodian: { reference: "https://directory.spineservices.nhs.uk/STU3/Organization/AMS01" } }), "DocumentReference.custodian.reference"],
    ["NRLS-CLI-29", "with-id", (p) => ({ ...p, id: "abc" }), "DocumentReference.id"],
    ["NRLS-CLI-38", "author-unknown", (p) => ({ ...p, author: [{ reference: "https://directory.spineservices.nhs.uk/STU3/Organization/ZZZ99" }] }), "DocumentReference.author[0].reference"],
    ["NRLS-CLI-39", "relates-to-without-target", (p) => ({ ...p, relatesTo: [{ code: "replaces" }] }), "DocumentReference.relatesTo[0].target"],
  ];
  it("covers every payload rule", () => {
    expect(breaks.map(([rule]) => rule)).toEqual(payloadRules.map((r) => r.id));
  });
  for (const [rule, name, mutate, path] of breaks) {
    for (const format of ["json", "xml"] as const) {
      it(`${rule} (${name}, ${format.toUpperCase()})`, () => {
        const pointer = mutate(structuredClone(base)) as Record<string, unknown>;
        const file = join(dir, `${name}.${format}`);
        // Not a DocumentReference, in XML: a root element of another name.
        const xml = rule === "NRLS-CLI-19" ? fhirJsonToXml(base).replace(/DocumentReference/g, "Patient") : fhirJsonToXml(pointer);
        writeFileSync(file, format === "json" ? JSON.stringify(pointer, null, 2) : xml);
        const r = validateFile(file, payloadRules, { fromAsid: FROM_ASID, directory }, judge);
        expect(failing(r)).toEqual([rule]);
        expect(r.rules.find((x) => x.rule === rule)!.path).toBe(path);
        expect(r.valid).toBe(false);
      });
    }
  }
  // Read as strictly as FHIR writes it: each file below has every value right, and is still not STU3.
  const notStu3: [string, string, string, RegExp][] = [
    ["misspelt.json", JSON.stringify({ ...Object.fromEntries(Object.entries(base).map(([k, v]) => [k === "masterIdentifier" ? "masterIdentifer" : k, v])), masterIdentifer: { system: "urn:ietf:rfc:3986", value: "urn:oid:1.2.3" } }), "DocumentReference.masterIdentifer", /STU3 defines no element "masterIdentifer" here \(did you mean masterIdentifier\?\)/],
    ["size-string.json", JSON.stringify({ ...base, content: [{ attachment: { ...(base.content as { attachment: object }[])[0]!.attachment, size: "1024" } }] }), "DocumentReference.content[0].attachment.size", /an unsignedInt is written as a JSON number .* not a string "1024"/],
    ["author-not-a-list.json", JSON.stringify({ ...base, author: (base.author as unknown[])[0] }), "DocumentReference.author", /author repeats: STU3 JSON writes it as an array, not an object/],
    ["bad-language.json", JSON.stringify({ ...base, language: "en GB " }), "DocumentReference.language", /"en GB " is not a code/],
    ["out-of-order.xml", fhirJsonToXml(base).replace(/(<status value="current"\/>)([\s\S]*?<\/type>)/, "$2$1"), "(file)", /<status> at DocumentReference\.status is out of order: STU3 puts status before type/],
  ];
  for (const [name, text, path, message] of notStu3) {
    it(`NRLS-CLI-19 for a pointer that is not STU3 (${name}), naming the element`, () => {
      const file = join(dir, name);
      writeFileSync(file, text);
      const r = validateFile(file, payloadRules, { fromAsid: FROM_ASID, directory }, judge);
      expect(failing(r)).toEqual(["NRLS-CLI-19"]);
      expect(r.rules.find((x) => x.rule === "NRLS-CLI-19")).toMatchObject({ path, actual: expect.stringMatching(message) });
    });
  }
  it("passes what STU3 allows: a pretty-printed body, a primitive's extension, meta, relatesTo, context, an OID masterIdentifier", () => {
    const file = join(dir, "rich.json");
    const rich = {
      ...base, meta: { profile: ["https://fhir.nhs.uk/STU3/StructureDefinition/NRLS-DocumentReference-1"] },
      masterIdentifier: { system: "urn:ietf:rfc:3986", value: "urn:oid:1.3.6.1.4.1.21367.2005.3.7" },
      _status: { extension: [{ url: "https://example.org/ext", valueString: "x" }] },
      relatesTo: [{ code: "replaces", target: { reference: "https://psis-sync.national.ncrs.nhs.uk/DocumentReference?_id=abc" } }],
      context: { period: { start: "2026-01-01T00:00:00+00:00" }, practiceSetting: { coding: [{ system: "http://snomed.info/sct", code: "708168004" }] } },
    };
    writeFileSync(file, JSON.stringify(rich, null, 4));
    const r = validateFile(file, payloadRules, { fromAsid: FROM_ASID, directory }, judge);
    expect(failing(r), JSON.stringify(r.rules.filter((x) => x.outcome === "fail"))).toEqual([]);
    writeFileSync(join(dir, "rich.xml"), fhirJsonToXml(rich));
    expect(failing(validateFile(join(dir, "rich.xml"), payloadRules, { fromAsid: FROM_ASID, directory }, judge))).toEqual([]);
  });
  it("without --from-asid, affiliation is not judged (and says why)", () => {
    const file = join(dir, "unjudged.json");
    writeFileSync(file, JSON.stringify(base));
    const r = validateFile(file, payloadRules, {}, judge);
    expect(r.rules.find((x) => x.rule === "NRLS-CLI-28")).toMatchObject({ outcome: "not-judged", why: "give --from-asid to judge affiliation" });
    expect(r.valid).toBe(true);
  });
});

describe("validate: the command", () => {
  const cli = (args: string[]) =>
    new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, [join(PROJECT_ROOT, "bin", "spine-assure.js"), "validate", ...args], { cwd: PROJECT_ROOT, timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: stdout + stderr }));
    });
  const dir = mkdtempSync(join(tmpdir(), "validate-cli-"));
  mkdirSync(join(dir, "good"));
  writeFileSync(join(dir, "good", "a.json"), JSON.stringify(base));
  writeFileSync(join(dir, "good", "b.xml"), fhirJsonToXml(base));
  writeFileSync(join(dir, "bad.json"), JSON.stringify({ ...base, status: "superseded" }));
  writeFileSync(join(dir, "broken.json"), "{ not json");

  it("exits 0 when every file (a folder's *.json and *.xml) is valid", async () => {
    const r = await cli([join(dir, "good"), "--from-asid", FROM_ASID]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/2 file\(s\): 2 valid, 0 invalid\./);
    // Each pass line says what held.
    expect(r.stdout).toMatch(/pass NRLS-CLI-21 MUST: status "current"/);
  });
  it("exits 1 for an invalid file, naming the rule, the value and the element; --json is machine-readable", async () => {
    const r = await cli([join(dir, "bad.json"), join(dir, "broken.json"), "--json"]);
    expect(r.code, r.stdout).toBe(1);
    const out = JSON.parse(r.stdout) as { files: FileResult[] };
    expect(out.files.map((f) => [f.valid, failing(f)])).toEqual([[false, ["NRLS-CLI-21"]], [false, ["NRLS-CLI-19"]]]);
    expect(out.files[0]!.rules.find((x) => x.rule === "NRLS-CLI-21")).toMatchObject({ actual: '"superseded"', path: "DocumentReference.status" });
    const text = await cli([join(dir, "bad.json")]);
    expect(text.stdout).toMatch(/FAIL NRLS-CLI-21 MUST: expected status "current"; got "superseded" at DocumentReference\.status/);
  });
  it("exits 2 for a file that cannot be read, or an ASID the directory does not know", async () => {
    const r = await cli([join(dir, "bad.json"), join(dir, "missing.json")]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/missing\.json: UNREADABLE \(ENOENT\)/);
    expect((await cli([join(dir, "good"), "--from-asid", "123"])).code).toBe(2);
  });
});

describe("validate: a mixed folder", () => {
  it("skips files that are plainly other FHIR resources, one line each, judges the rest; a named file is always judged", async () => {
    const { validateCommand } = await import("../src/cli/validate.ts");
    const dir = mkdtempSync(join(tmpdir(), "validate-mixed-"));
    writeFileSync(join(dir, "a-pointer.json"), JSON.stringify(base));
    writeFileSync(join(dir, "b-patient.json"), JSON.stringify({ resourceType: "Patient", id: "9876543210" }));
    writeFileSync(join(dir, "c-outcome.xml"), `<?xml version="1.0"?>\n<!-- an answer -->\n<OperationOutcome xmlns="http://hl7.org/fhir"><issue><severity value="error"/><code value="invalid"/></issue></OperationOutcome>`);
    writeFileSync(join(dir, "d-broken.json"), "{ not json");
    const lines: string[] = [];
    expect(await validateCommand([dir], { log: (l) => lines.push(l) })).toBe(1);
    const out = lines.join("\n");
    expect(out).toMatch(/b-patient\.json: skipped — not a DocumentReference \(a Patient\)/);
    expect(out).toMatch(/c-outcome\.xml: skipped — not a DocumentReference \(an OperationOutcome\)/);
    expect(out).toMatch(/4 file\(s\): 1 valid, 1 invalid, 2 skipped \(not pointers\)\./);
    const named: string[] = [];
    expect(await validateCommand([join(dir, "b-patient.json")], { log: (l) => named.push(l) })).toBe(1);
    expect(named.join("\n")).toMatch(/FAIL NRLS-CLI-19 MUST: .*resourceType is "Patient"/);
  });
});
