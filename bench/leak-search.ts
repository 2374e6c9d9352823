// The leak gate's search of written text (findLeaks: the text as written, decoded around its escapes, read across
// whitespace), on the shapes a run writes: JSON evidence with XML bodies and percent-encoded URLs, the same with every
// character of its strings escaped (a target's \uXXXX answers, escaped again as the attachment's JSON), prose, and
// base64 — and a single-file report page (findLeaksInFiles: its markup, and its embedded base64 data decoded). Prints
// MB/s per shape: a search that grows faster than the text shows here first (a quadratic walk once made the escaped
// shape 25 times slower than the plain one).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findLeaks, findLeaksInFiles } from "../src/judge/leak-gate.ts";
import { Redactor } from "../src/secrets/redact.ts";
import { recordFigure } from "./figures.ts";
import { scratchDir } from "./scratch.ts";

const TOKEN = "AQIC5wM2LY4Sfcyw62EbAOsRpdfbGYUOyvkfZ4M6U7W52lM=@AAJTSQACMDE=#";
// As in a run: the configured token and a few hundred learnt secrets (session keys, JWTs), each in its forms.
const secrets = [TOKEN, ...Array.from({ length: 300 }, (_, i) => `pro-xapi-session_${String(i).padStart(8, "0")}-820f-4f9b-92fb-3add4b1db9f7`)];
const hunter = Redactor.hunting(new Redactor(secrets).secrets());

const xml = `<DocumentReference xmlns="http://hl7.org/fhir">\n  <status value="current"/>\n  <type>\n    <coding>\n      <system value="http://snomed.info/sct"/>\n      <code value="736253002"/>\n      <display value="Mental health crisis plan (record artifact)"/>\n    </coding>\n  </type>\n</DocumentReference>`;
const exchange = (i: number) => JSON.stringify({
  request: { method: "POST", url: `https://127.0.0.1:4443/nrls/DocumentReference?subject=https%3A%2F%2Fdemographics.spineservices.nhs.uk%2FSTU3%2FPatient%2F${9876543210 + i}`, headers: [{ name: "Authorization", value: "__ALLURE_REDACTED__" }, { name: "fromASID", value: "200000000118" }], body: xml },
  response: { status: 201, headers: [{ name: "Location", value: `https://127.0.0.1:4443/nrls/DocumentReference?_id=${i}-2e8f` }], body: "" },
}, null, 2);
const escapedEvery = (text: string) => JSON.stringify(JSON.parse(text), (_k, v: unknown) => v).replace(/"((?:[^"\\]|\\.)*)"/g, (_m, s: string) => `"${[...JSON.parse(`"${s}"`) as string].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")}"`);
const prose = "Each requirement holds one test per case that checks it; a case that checks several requirements runs once and appears under each. ";
const base64 = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251)).toString("base64").replace(/.{76}/g, "$&\n");

const shapes: [string, string[]][] = [
  ["JSON evidence", Array.from({ length: 200 }, (_, i) => exchange(i))],
  ["JSON evidence, every character of its strings escaped", Array.from({ length: 200 }, (_, i) => JSON.stringify({ value: escapedEvery(exchange(i)) }, null, 2))],
  ["prose", [prose.repeat(4000)]],
  ["base64 in lines", [base64]],
];
/** The median of five searches, as MB/s of `bytes`, printed and recorded. */
function measure(name: string, bytes: number, search: () => number): void {
  search();
  let leaks = 0;
  const times = Array.from({ length: 5 }, () => {
    const started = performance.now();
    leaks = search();
    return (performance.now() - started) / 1000;
  }).sort((a, b) => a - b);
  const seconds = times[2]!;
  const rate = bytes / 1e6 / seconds;
  console.log(`${name.padEnd(56)} ${(bytes / 1e6).toFixed(2).padStart(6)} MB  ${(seconds * 1000).toFixed(0).padStart(6)} ms  ${rate.toFixed(1).padStart(6)} MB/s${leaks ? `  (${leaks} leaks: the bench's texts should hold none)` : ""}`);
  recordFigure({ figure: `leak search, ${name}`, value: `${rate.toFixed(1)} MB/s`, target: "—" });
}

for (const [name, texts] of shapes) {
  const sources = texts.map((text, i) => ({ where: `${i}`, text }));
  measure(name, texts.reduce((n, t) => n + t.length, 0), () => findLeaks(sources, hunter).length);
}

// Shaped as Allure's single-file report: a title with a dash (the one character beyond ASCII), then each file of its
// data as a base64 string, here the JSON evidence above and some prose.
const data = [...shapes[0]![1], ...Array.from({ length: 200 }, (_, i) => `${prose.repeat(20)}${i}`)];
const page = join(scratchDir("leak-search-"), "index.html");
writeFileSync(page, `<!DOCTYPE html>\n<html><head><title>Spine assurance report — gate: exit 0 PASS</title></head>\n<body><script>\n${data.map((text, i) => `d("data/${i}.json","${Buffer.from(text).toString("base64")}")`).join(",")}\n</script></body></html>\n`);
measure("a report page (its data embedded as base64)", Buffer.byteLength(readFileSync(page)), () => findLeaksInFiles([{ path: page, where: "page" }], hunter).length);
