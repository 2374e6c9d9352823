// `spine-assure validate` on a thousand pointer files (half JSON, half XML; one in ten invalid), as the command runs:
// a separate process from start to exit, so start-up is counted. Prints files/s and the wall time.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fhirJsonToXml } from "../src/fhir/xml-codec.ts";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { recordFigure } from "./figures.ts";
import { scratchDir } from "./scratch.ts";

const COUNT = Number(process.env.BENCH_COUNT ?? 1000);
const dir = scratchDir("bench-validate-");
const pointer = JSON.parse(readFileSync(join(PROJECT_ROOT, "fixtures", "nrls", "pointer.json"), "utf8")) as Record<string, unknown>;
for (let i = 0; i < COUNT; i++) {
  const p = { ...pointer, masterIdentifier: { system: "urn:ietf:rfc:3986", value: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, "0")}` }, ...(i % 10 === 0 ? { status: "superseded" } : {}) };
  writeFileSync(join(dir, `pointer-${i}.${i % 2 ? "xml" : "json"}`), i % 2 ? fhirJsonToXml(p) : JSON.stringify(p, null, 2));
}
const started = performance.now();
let code = 0;
try {
  execFileSync(process.execPath, [join(PROJECT_ROOT, "bin", "spine-assure.js"), "validate", dir, "--from-asid", "200000000118", "--json"], { stdio: ["ignore", "ignore", "inherit"], maxBuffer: 1 << 30 });
} catch (err) {
  code = (err as { status?: number }).status ?? -1;
}
const seconds = (performance.now() - started) / 1000;
console.log(`validate: ${COUNT} files (half XML, ${Math.ceil(COUNT / 10)} invalid) in ${seconds.toFixed(2)} s — ${Math.round(COUNT / seconds)} files/s, exit ${code} (expected 1)`);
recordFigure({ figure: `validate, ${COUNT} files`, value: `${seconds.toFixed(2)} s${code === 1 ? "" : ` (exit ${code}, expected 1)`}`, target: "< 2 s per thousand", met: code === 1 && (seconds * 1000) / COUNT < 2 });
