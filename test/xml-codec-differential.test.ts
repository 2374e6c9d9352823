// The STU3 XML codec against an independent implementation: the `fhir` npm package (FHIR.js), given the NHS's STU3
// StructureDefinitions for DocumentReference and OperationOutcome through ParseConformance (its own data is R4, which
// drops STU3 elements such as DocumentReference.indexed). Every FHIR example under ../shared/spec/nhs is read and
// written by both; every difference is listed below with why, and anything else fails.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { elementOrder, lookupElement } from "../src/fhir/stu3-model.ts";
import { fhirJsonToXml, fhirXmlToJson, fhirXmlToJsonText } from "../src/fhir/xml-codec.ts";
import { PROJECT_ROOT } from "../src/project-root.ts";

const NHS = join(PROJECT_ROOT, "..", "shared", "spec", "nhs");
const require = createRequire(import.meta.url);

interface FhirJs {
  xmlToObj(xml: string): Record<string, unknown>;
  objToXml(obj: unknown): string;
}

/** FHIR.js with STU3 DocumentReference and OperationOutcome taken from the NHS profiles' snapshots. */
function fhirJs(): FhirJs {
  const { Fhir, ParseConformance, Versions } = require("fhir") as {
    Fhir: new (parser?: unknown) => FhirJs;
    ParseConformance: new (cached: boolean, version: string) => { parseStructureDefinition(sd: unknown): void; parsedStructureDefinitions: Record<string, { _url?: string }> };
    Versions: { STU3: string };
  };
  const parser = new ParseConformance(true, Versions.STU3);
  const r4 = new Fhir();
  for (const file of ["stu3assets_NRLS-DocumentReference-1.xml", "stu3assets_Spine-OperationOutcome-1.xml"]) {
    const sd = r4.xmlToObj(readFileSync(join(NHS, "fixtures", file), "utf8")) as { url: string; type: string };
    parser.parseStructureDefinition(sd);
    parser.parsedStructureDefinitions[sd.type] = Object.values(parser.parsedStructureDefinitions).find((p) => p._url === sd.url)!;
  }
  return new Fhir(parser);
}

/** Where the two readings of a StructureDefinition differ because FHIR.js has only R4's ElementDefinition. */
function withoutR4ElementDefinitionDifferences(doc: unknown): unknown {
  return JSON.parse(JSON.stringify(doc), (key, value: unknown) => {
    // STU3 binding.valueSet[x] (valueSetReference, valueSetUri) is R4's canonical valueSet: FHIR.js drops it.
    if (key === "valueSetReference" || key === "valueSetUri") return undefined;
    // STU3 type.profile and type.targetProfile are 0..1; R4 made them lists.
    if ((key === "profile" || key === "targetProfile") && typeof value === "string") return [value];
    return value;
  });
}

/** The elements of an XML document in document order, with their value attributes: what the writer decided. */
function elementSequence(xml: string): string[] {
  const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: "", ignoreDeclaration: true, processEntities: true });
  const out: string[] = [];
  const walk = (nodes: Record<string, unknown>[]) => {
    for (const n of nodes) {
      const name = Object.keys(n).find((k) => k !== ":@" && k !== "#text");
      if (!name) continue;
      const value = (n[":@"] as Record<string, string> | undefined)?.value;
      out.push(value === undefined ? name : `${name}=${value}`);
      walk(n[name] as Record<string, unknown>[]);
    }
  };
  walk(parser.parse(xml) as Record<string, unknown>[]);
  return out;
}

const shuffled = (doc: unknown): unknown =>
  Array.isArray(doc) ? doc.map(shuffled) : doc && typeof doc === "object" ? Object.fromEntries(Object.entries(doc).reverse().map(([k, v]) => [k, shuffled(v)])) : doc;

describe.skipIf(!existsSync(NHS))("the XML codec against FHIR.js", () => {
  const other = fhirJs();
  const files = ["fixtures", "derived"].flatMap((d) => readdirSync(join(NHS, d)).map((f) => `${d}/${f}`));
  const xmlExamples = files.filter((f) => f.endsWith(".xml"));
  const jsonExamples = files.filter((f) => f.endsWith(".json")).filter((f) => {
    try {
      return typeof (JSON.parse(readFileSync(join(NHS, f), "utf8")) as { resourceType?: unknown }).resourceType === "string";
    } catch {
      return false; // the e-RS examples are not FHIR, and one is not even JSON
    }
  });

  it("covers every FHIR example under ../shared/spec/nhs", () => {
    expect(xmlExamples.length).toBeGreaterThanOrEqual(13);
    expect(jsonExamples.length).toBeGreaterThanOrEqual(6);
  });

  // The one NHS example out of the STU3 element order (content.extension after format): FHIR.js reads it in any order,
  // as our reader does for a response; a request in that order is refused (test/xml-codec.test.ts).
  const outOfOrder = new Set(["fixtures/nrl-master_example_create_documentreference_resource.xml"]);
  for (const f of xmlExamples) {
    it(`reads ${f} as FHIR.js does`, () => {
      const xml = readFileSync(join(NHS, f), "utf8");
      const ours = fhirXmlToJson(xml, { ignoreElementOrder: outOfOrder.has(f) });
      const theirs = other.xmlToObj(xml);
      if (ours.resourceType === "StructureDefinition") expect(withoutR4ElementDefinitionDifferences(ours)).toEqual(withoutR4ElementDefinitionDifferences(theirs));
      else expect(ours).toEqual(theirs);
    });
  }

  for (const f of jsonExamples) {
    it(`writes ${f} as FHIR.js does — elements, values and their order — even from shuffled JSON, and each reads the other's`, () => {
      const doc = JSON.parse(readFileSync(join(NHS, f), "utf8")) as Record<string, unknown>;
      const ours = fhirJsonToXml(shuffled(doc));
      expect(elementSequence(ours)).toEqual(elementSequence(other.objToXml(doc)));
      expect(other.xmlToObj(ours)).toEqual(doc);
      expect(fhirXmlToJson(other.objToXml(doc))).toEqual(doc);
    });
  }

  // The element order the writer uses came from @types/fhir; the NHS's own STU3 snapshots list elements in definition
  // order too, so every parent's children there must come in the same order.
  for (const file of ["stu3assets_NRLS-DocumentReference-1.xml", "stu3assets_Spine-OperationOutcome-1.xml", "stu3assets_eRS-OperationOutcome-1.xml"]) {
    it(`orders elements as the STU3 snapshot of ${file} does`, () => {
      const sd = fhirXmlToJson(readFileSync(join(NHS, "fixtures", file), "utf8")) as { snapshot: { element: { path: string; id?: string }[] } };
      const paths = sd.snapshot.element.filter((e) => !e.id?.includes(":")).map((e) => e.path);
      const contextOf = new Map<string, string>([[paths[0]!, paths[0]!]]);
      const children = new Map<string, string[]>();
      for (const path of paths.slice(1)) {
        const parent = path.slice(0, path.lastIndexOf("."));
        const name = path.slice(parent.length + 1).replace("[x]", "");
        const info = contextOf.has(parent) ? lookupElement(contextOf.get(parent)!, name) : undefined;
        if (info) contextOf.set(path, info.context);
        if (!children.has(parent)) children.set(parent, []);
        children.get(parent)!.push(name);
      }
      let compared = 0;
      for (const [parent, names] of children) {
        const order = elementOrder(contextOf.get(parent)!);
        const places = names.map((n) => order.get(n) ?? order.get(`${n}String`) ?? -1);
        expect(places.every((p) => p >= 0), `${parent}: ${names.join(", ")}`).toBe(true);
        expect(places, `${parent}: ${names.join(", ")}`).toEqual([...places].sort((a, b) => a - b));
        compared += names.length;
      }
      expect(compared).toBeGreaterThan(25);
    });
  }

  // Hand-made edge cases: the same reading, or a difference explained.
  const issue = (extra = "") => `<issue><severity value="error"/><code value="invalid"/>${extra}</issue>`;
  const same: [string, string][] = [
    ["other namespace declarations and xsi:schemaLocation on the root", `<OperationOutcome xmlns="http://hl7.org/fhir" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://hl7.org/fhir x.xsd">${issue()}</OperationOutcome>`],
    ["character and entity references", `<OperationOutcome xmlns="http://hl7.org/fhir">${issue(`<diagnostics value="caf&#233; &#xA;x&#9;y &amp; &lt;z&gt; &quot;q&quot;"/>`)}</OperationOutcome>`],
    ["a contained resource in a Bundle", `<Bundle xmlns="http://hl7.org/fhir"><type value="searchset"/><total value="1"/><entry><fullUrl value="x"/><resource><DocumentReference><status value="current"/></DocumentReference></resource></entry></Bundle>`],
    ["a narrative", `<OperationOutcome xmlns="http://hl7.org/fhir"><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p>a &amp; b</p></div></text>${issue()}</OperationOutcome>`],
    ["a primitive with an id and an extension", `<DocumentReference xmlns="http://hl7.org/fhir"><status id="s1" value="current"><extension url="http://x"><valueString value="y"/></extension></status></DocumentReference>`],
  ];
  for (const [name, xml] of same) {
    it(`reads ${name} as FHIR.js does`, () => {
      expect(fhirXmlToJson(xml)).toEqual(other.xmlToObj(xml));
    });
  }

  it("differs, explained: FHIR.js does not resolve a namespace prefix; the codec reads it as the unprefixed form", () => {
    const prefixed = `<f:OperationOutcome xmlns:f="http://hl7.org/fhir"><f:issue><f:severity value="error"/><f:code value="invalid"/></f:issue></f:OperationOutcome>`;
    expect(() => other.xmlToObj(prefixed)).toThrow(/Unknown resource type: f:OperationOutcome/);
    expect(fhirXmlToJson(prefixed)).toEqual(other.xmlToObj(`<OperationOutcome xmlns="http://hl7.org/fhir">${issue()}</OperationOutcome>`));
  });

  it("differs, explained: a literal line break in an attribute is a space in XML (1.0 §3.3.3), which FHIR.js does not apply", () => {
    const xml = `<OperationOutcome xmlns="http://hl7.org/fhir">${issue(`<diagnostics value="a\nb"/>`)}</OperationOutcome>`;
    expect(((fhirXmlToJson(xml).issue as { diagnostics: string }[])[0]!).diagnostics).toBe("a b");
    expect(((other.xmlToObj(xml).issue as { diagnostics: string }[])[0]!).diagnostics).toBe("a\nb");
  });

  it("differs, explained: FHIR.js writes a tab in an attribute literally (a reader must make it a space); the codec writes &#x9;", () => {
    const doc = { resourceType: "OperationOutcome", issue: [{ severity: "error", code: "invalid", diagnostics: "a\tb" }] };
    expect(other.objToXml(doc)).toContain('value="a\tb"');
    expect(fhirJsonToXml(doc)).toContain('value="a&#x9;b"');
    expect(fhirXmlToJson(fhirJsonToXml(doc))).toEqual(doc);
  });

  it("differs, explained: FHIR.js makes a decimal a JSON string to keep its precision; the codec gives a number, or exact JSON text", () => {
    const xml = `<Observation xmlns="http://hl7.org/fhir"><status value="final"/><code><text value="x"/></code><valueQuantity><value value="1.50"/></valueQuantity></Observation>`;
    expect(other.xmlToObj(xml).valueQuantity).toEqual({ value: "1.50" });
    expect(fhirXmlToJson(xml).valueQuantity).toEqual({ value: 1.5 });
    expect(fhirXmlToJsonText(xml)).toContain('"valueQuantity":{"value":1.50}');
  });
});
