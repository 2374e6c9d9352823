// A request body from a suite: a fixture with edits, serialised as JSON or FHIR XML, or raw text for malformed bodies.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fhirJsonToXml, parseFhirJson, stringifyFhirJson } from "../fhir/xml-codec.ts";
import { insideFolder } from "../inside-folder.ts";
import type { BodySpec } from "../suite/types.ts";
import { removeAtPath, setAtPath } from "./json-path.ts";

/** `spec` must already be interpolated. */
export function buildBody(spec: BodySpec, fixtures: Fixtures): string {
  if (spec.raw !== undefined) return spec.raw;
  // Numbers are kept as their text, so a fixture's decimal goes out with its precision (1.50 stays 1.50).
  const doc = fixtures.document(spec.fixture!);
  for (const [path, value] of Object.entries(spec.set ?? {})) setAtPath(doc, path, value);
  for (const path of spec.remove ?? []) removeAtPath(doc, path);
  const as = spec.as ?? "json";
  if (as === "json") return stringifyFhirJson(doc, 2);
  if (as === "xml") return fhirJsonToXml(doc);
  throw new Error(`body "as" must be json or xml, got "${as}"`);
}

/**
 * A run's fixtures: each read and parsed once for the run, as its suites are (every case builds its bodies from a few
 * fixtures); the next run reads them again. Each body gets its own copy to edit; the numbers' exact texts
 * (lossless-json's LosslessNumber) are shared, as they are never changed in place.
 */
export class Fixtures {
  private readonly parsed = new Map<string, unknown>();
  constructor(readonly dir: string) {}

  /** A copy of the fixture's document, read the first time the run asks for it. */
  document(name: string): unknown {
    if (!this.parsed.has(name)) {
      // The loader refuses a fixture outside fixtures/; this holds for a body built any other way too.
      const path = resolve(this.dir, name);
      if (!insideFolder(this.dir, path)) throw new Error(`fixture "${name}" is outside the fixtures folder`);
      this.parsed.set(name, parseFhirJson(readFileSync(path, "utf8")));
    }
    return copy(this.parsed.get(name));
  }
}

function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = copy(v);
    return out;
  }
  return value;
}
