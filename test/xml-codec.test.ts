import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fhirJsonToXml, fhirXmlToJson, FhirXmlError } from "../src/fhir/xml-codec.ts";
import { PROJECT_ROOT } from "../src/project-root.ts";

const SPEC = join(PROJECT_ROOT, "..", "shared", "spec", "nhs");
const read = (p: string) => readFileSync(join(SPEC, p), "utf8");

describe("STU3 XML codec", () => {
  const pairs = [
    ["the v1 pointer", "derived/nrls-v1-pointer.xml", "derived/nrls-v1-pointer.json"],
    ["the RESOURCE_CREATED OperationOutcome", "fixtures/nrl-master_example_create_response.xml", "fixtures/nrl-master_example_create_response.json"],
    ["the NRL pointer with extensions", "fixtures/nrl-master_example_create_documentreference_resource.xml", "fixtures/nrl-master_example_create_documentreference_resource.json"],
  ] as const;

  for (const [name, xml, json] of pairs) {
    it(`reads ${name} from XML exactly as its JSON example`, () => {
      expect(fhirXmlToJson(read(xml))).toEqual(JSON.parse(read(json)));
    });
    it(`round-trips ${name} JSON → XML → JSON`, () => {
      const doc = JSON.parse(read(json)) as unknown;
      expect(fhirXmlToJson(fhirJsonToXml(doc))).toEqual(doc);
    });
  }

  it("keeps STU3-only elements such as DocumentReference.indexed", () => {
    const doc = fhirXmlToJson(read("derived/nrls-v1-pointer.xml"));
    expect(doc.indexed).toBe("2016-03-08T15:26:01+01:00");
  });

  it("makes repeating elements arrays and single ones scalars, with typed primitives", () => {
    const doc = fhirXmlToJson(`<Bundle xmlns="http://hl7.org/fhir"><type value="searchset"/><total value="2"/>
      <entry><search><score value="0.5"/></search></entry></Bundle>`);
    expect(doc).toEqual({ resourceType: "Bundle", type: "searchset", total: 2, entry: [{ search: { score: 0.5 } }] });
  });

  it("reads contained resources and primitive extensions", () => {
    const doc = fhirXmlToJson(`<Bundle xmlns="http://hl7.org/fhir"><entry><resource><OperationOutcome>
      <issue><severity value="error"/><code id="c1" value="invalid"/></issue></OperationOutcome></resource></entry></Bundle>`);
    expect(doc.entry).toEqual([{ resource: { resourceType: "OperationOutcome", issue: [{ severity: "error", code: "invalid", _code: { id: "c1" } }] } }]);
  });

  const bad: [string, string, RegExp][] = [
    ["an unclosed element", `<DocumentReference xmlns="http://hl7.org/fhir"><status value="current">`, /not well-formed/],
    ["an unknown element", `<DocumentReference xmlns="http://hl7.org/fhir"><colour value="red"/></DocumentReference>`, /unknown element <colour> at DocumentReference.colour/],
    ["the wrong namespace", `<DocumentReference><status value="current"/></DocumentReference>`, /not in the FHIR namespace/],
    ["a DOCTYPE", `<!DOCTYPE x [<!ENTITY e "x">]><DocumentReference xmlns="http://hl7.org/fhir"/>`, /DOCTYPE/],
    ["a repeated single element", `<DocumentReference xmlns="http://hl7.org/fhir"><status value="current"/><status value="current"/></DocumentReference>`, /repeats/],
    ["a non-numeric integer", `<Bundle xmlns="http://hl7.org/fhir"><total value="two"/></Bundle>`, /not a number/],
    ["an unknown resource type", `<Pointer xmlns="http://hl7.org/fhir"/>`, /not a FHIR STU3 resource type/],
    ["text content", `<DocumentReference xmlns="http://hl7.org/fhir">current</DocumentReference>`, /unexpected text/],
  ];
  for (const [name, xml, message] of bad) {
    it(`rejects ${name}`, () => {
      expect(() => fhirXmlToJson(xml)).toThrow(FhirXmlError);
      expect(() => fhirXmlToJson(xml)).toThrow(message);
    });
  }

  it("refuses JSON that breaks the model when writing XML", () => {
    expect(() => fhirJsonToXml({ resourceType: "DocumentReference", author: { reference: "x" } })).toThrow(/must be an array/);
    expect(() => fhirJsonToXml({ resourceType: "DocumentReference", colour: "red" })).toThrow(/unknown element/);
  });

  it("escapes XML special characters in values", () => {
    const doc = { resourceType: "OperationOutcome", issue: [{ severity: "error", code: "invalid", diagnostics: `a < b & "c" > 'd'` }] };
    const xml = fhirJsonToXml(doc);
    expect(xml).toContain("a &lt; b &amp; &quot;c&quot; &gt; &apos;d&apos;");
    expect(fhirXmlToJson(xml)).toEqual(doc);
  });
});
