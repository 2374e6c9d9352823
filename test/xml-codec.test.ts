import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fhirJsonTextToXml, fhirJsonToXml, fhirXmlToJson, fhirXmlToJsonText, FhirXmlError } from "../src/fhir/xml-codec.ts";
import { PROJECT_ROOT } from "../src/project-root.ts";
import stu3 from "fhirpath/fhir-context/stu3";
import { GENERATED_STU3_ORDER, stu3OrderSource } from "../scripts/generate-stu3-order.ts";
import generatedOrder from "../src/fhir/stu3-element-order.generated.json" with { type: "json" };

const SPEC = join(PROJECT_ROOT, "..", "shared", "spec", "nhs");
const read = (p: string) => readFileSync(join(SPEC, p), "utf8");

describe("STU3 XML codec", () => {
  const pairs = [
    ["the v1 pointer", "derived/nrls-v1-pointer.xml", "derived/nrls-v1-pointer.json"],
    ["the RESOURCE_CREATED OperationOutcome", "fixtures/nrl-master_example_create_response.xml", "fixtures/nrl-master_example_create_response.json"],
    ["the NRL pointer with extensions", "fixtures/nrl-master_example_create_documentreference_resource.xml", "fixtures/nrl-master_example_create_documentreference_resource.json"],
  ] as const;

  // The NRL (master) example writes content.extension after content.format, against the STU3 order: read in any order
  // here, and refused by the strict (request) reading below.
  const anyOrder = new Set<string>(["fixtures/nrl-master_example_create_documentreference_resource.xml"]);
  for (const [name, xml, json] of pairs) {
    it(`reads ${name} from XML exactly as its JSON example`, () => {
      expect(fhirXmlToJson(read(xml), { ignoreElementOrder: anyOrder.has(xml) })).toEqual(JSON.parse(read(json)));
    });
    it(`round-trips ${name} JSON → XML → JSON`, () => {
      const doc = JSON.parse(read(json)) as unknown;
      expect(fhirXmlToJson(fhirJsonToXml(doc))).toEqual(doc);
    });
  }

  it("refuses elements out of the STU3 order in a request, naming the element (the NRL example's content.extension after format)", () => {
    expect(() => fhirXmlToJson(read("fixtures/nrl-master_example_create_documentreference_resource.xml"))).toThrow(/<extension> at DocumentReference\.content\.extension is out of order: STU3 puts extension before format/);
    const swapped = `<DocumentReference xmlns="http://hl7.org/fhir"><type><coding><code value="x"/></coding></type><status value="current"/></DocumentReference>`;
    expect(() => fhirXmlToJson(swapped)).toThrow(/<status> at DocumentReference\.status is out of order: STU3 puts status before type/);
    expect(fhirXmlToJson(swapped, { ignoreElementOrder: true })).toEqual({ resourceType: "DocumentReference", status: "current", type: { coding: [{ code: "x" }] } });
    // A repeating element's items may stand together in any number.
    expect(() => fhirXmlToJson(`<DocumentReference xmlns="http://hl7.org/fhir"><status value="current"/><author><display value="a"/></author><author><display value="b"/></author><custodian><display value="c"/></custodian></DocumentReference>`)).not.toThrow();
  });

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
    ["a non-numeric integer", `<Bundle xmlns="http://hl7.org/fhir"><total value="two"/></Bundle>`, /not an integer/],
    ["an integer with a fraction", `<Bundle xmlns="http://hl7.org/fhir"><total value="2.0"/></Bundle>`, /not an integer/],
    ["an undeclared prefix", `<f:DocumentReference xmlns="http://hl7.org/fhir"/>`, /undeclared namespace prefix "f"/],
    ["a child in another namespace", `<DocumentReference xmlns="http://hl7.org/fhir"><status xmlns="urn:other" value="current"/></DocumentReference>`, /not in the FHIR namespace/],
    ["an entity no DTD declares", `<DocumentReference xmlns="http://hl7.org/fhir"><description value="&eacute;"/></DocumentReference>`, /&eacute; is not an entity/],
    ["a character XML forbids", `<DocumentReference xmlns="http://hl7.org/fhir"><description value="&#1;"/></DocumentReference>`, /not a character XML allows/],
    ["an xsi attribute below the root", `<DocumentReference xmlns="http://hl7.org/fhir" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><status xsi:type="x" value="current"/></DocumentReference>`, /unexpected attribute xsi:type/],
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

  // ---- RULES.md revision 2: XML that is XML, not FHIR content, must parse ----
  const POINTER = `<status value="current"/><indexed value="2016-03-08T15:26:01+01:00"/>`;
  it("ignores other namespace declarations and xsi:schemaLocation on the root", () => {
    const xml = `<DocumentReference xmlns="http://hl7.org/fhir" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
      xsi:schemaLocation="http://hl7.org/fhir ../schema/documentreference.xsd" xmlns:other="urn:x">${POINTER}</DocumentReference>`;
    expect(fhirXmlToJson(xml)).toEqual({ resourceType: "DocumentReference", status: "current", indexed: "2016-03-08T15:26:01+01:00" });
  });

  it("reads the FHIR namespace under a prefix, and a prefix declared lower down", () => {
    const prefixed = `<f:DocumentReference xmlns:f="http://hl7.org/fhir"><f:status value="current"/><f:indexed value="2016-03-08T15:26:01+01:00"/></f:DocumentReference>`;
    expect(fhirXmlToJson(prefixed)).toEqual(fhirXmlToJson(`<DocumentReference xmlns="http://hl7.org/fhir">${POINTER}</DocumentReference>`));
    const mixed = `<f:DocumentReference xmlns:f="http://hl7.org/fhir"><status xmlns="http://hl7.org/fhir" value="current"/><g:indexed xmlns:g="http://hl7.org/fhir" value="2016-03-08T15:26:01+01:00"/></f:DocumentReference>`;
    expect(fhirXmlToJson(mixed)).toMatchObject({ status: "current", indexed: "2016-03-08T15:26:01+01:00" });
  });

  it("decodes character and entity references, and normalises literal line breaks in attributes as XML does", () => {
    const xml = `<DocumentReference xmlns="http://hl7.org/fhir"><description value="caf&#233; &#xE9;&#xA;line&#9;tab &amp; &lt;b&gt; &quot;q&quot; &apos;a&apos;
next"/></DocumentReference>`;
    expect(fhirXmlToJson(xml).description).toBe("café é\nline\ttab & <b> \"q\" 'a' next");
  });

  it("keeps a decimal's exact text when asked, both ways", () => {
    const xml = `<Observation xmlns="http://hl7.org/fhir"><status value="final"/><code><text value="x"/></code><valueQuantity><value value="1.50"/></valueQuantity></Observation>`;
    const text = fhirXmlToJsonText(xml);
    expect(text).toContain('"value":1.50');
    expect(fhirJsonTextToXml(text)).toContain('<value value="1.50"/>');
    expect(fhirJsonTextToXml('{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":0.000100}}')).toContain('value="0.000100"');
    // As plain numbers, the value is the same number.
    expect((fhirXmlToJson(xml).valueQuantity as { value: number }).value).toBe(1.5);
  });

  it("writes elements in the STU3 definition order, whatever the JSON member order", () => {
    const doc = {
      content: [{ attachment: { url: "https://x.example/a", contentType: "application/pdf" } }], subject: { reference: "p" },
      masterIdentifier: { value: "urn:uuid:1", system: "urn:ietf:rfc:3986" }, indexed: "2016-03-08T15:26:01+01:00",
      status: "current", resourceType: "DocumentReference", meta: { profile: ["x"] }, id: "a",
    };
    const xml = fhirJsonToXml(doc);
    const order = [...xml.matchAll(/<([a-zA-Z]+)[ />]/g)].map((m) => m[1]);
    expect(order).toEqual(["DocumentReference", "id", "meta", "profile", "masterIdentifier", "system", "value", "status", "subject", "reference", "indexed", "content", "attachment", "contentType", "url"]);
    expect(fhirXmlToJson(xml)).toEqual(doc);
  });

  it("writes line breaks and tabs in attribute values as references, so they survive", () => {
    const doc = { resourceType: "OperationOutcome", issue: [{ severity: "error", code: "invalid", diagnostics: "line one\nline two\ttabbed\r\n" }] };
    const xml = fhirJsonToXml(doc);
    expect(xml).toContain("line one&#xA;line two&#x9;tabbed&#xD;&#xA;");
    expect(fhirXmlToJson(xml)).toEqual(doc);
  });

  it("never writes an element it could not read back: empty strings and bare nulls are refused, naming the element", () => {
    expect(() => fhirJsonToXml({ resourceType: "DocumentReference", status: "" })).toThrow("DocumentReference.status is an empty string");
    expect(() => fhirJsonToXml({ resourceType: "DocumentReference", status: null })).toThrow("DocumentReference.status has no value and no extension");
    expect(() => fhirJsonToXml({ resourceType: "DocumentReference", meta: { profile: ["a", null] } })).toThrow("DocumentReference.meta.profile[1] has no value");
    expect(() => fhirJsonToXml({ resourceType: "Bundle", total: "2" })).toThrow("Bundle.total must be an integer");
    // A null beside an extension is FHIR JSON's way of writing a primitive with only an extension.
    const withExtension = { resourceType: "DocumentReference", meta: { profile: ["a", null], _profile: [null, { id: "p2" }] } };
    expect(fhirXmlToJson(fhirJsonToXml(withExtension))).toEqual(withExtension);
  });

  it("has a declared element order for every STU3 datatype, resource and backbone element of fhirpath's model", () => {
    const model = stu3 as unknown as { path2Type: Record<string, string>; pathsDefinedElsewhere: Record<string, string> };
    const declared = (generatedOrder as { order: Record<string, string[]> }).order;
    const named = (path: string) => path.split(".").map((s) => s[0]!.toUpperCase() + s.slice(1)).join("");
    const contexts = Object.entries(model.path2Type).flatMap(([path, type]) =>
      type === "BackboneElement" ? (model.pathsDefinedElsewhere[path] ? [] : [path]) : /^[A-Z]/.test(type) && type !== "Resource" ? [type] : []);
    expect(contexts.length).toBeGreaterThan(500);
    expect([...new Set(contexts)].filter((c) => !declared[named(c)])).toEqual([]);
  });

  it("has the STU3 element order exactly as generated from the STU3 definitions", () => {
    expect(readFileSync(GENERATED_STU3_ORDER, "utf8"), "run npm run generate:stu3-order").toBe(stu3OrderSource());
  });

  it("escapes XML special characters in values", () => {
    const doc = { resourceType: "OperationOutcome", issue: [{ severity: "error", code: "invalid", diagnostics: `a < b & "c" > 'd'` }] };
    const xml = fhirJsonToXml(doc);
    expect(xml).toContain("a &lt; b &amp; &quot;c&quot; &gt; &apos;d&apos;");
    expect(fhirXmlToJson(xml)).toEqual(doc);
  });
});
