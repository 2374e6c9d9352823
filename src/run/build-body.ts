// A request body from a suite: a fixture with edits, serialised as JSON or FHIR XML, or raw text for malformed bodies.
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { fhirJsonToXml, parseFhirJson, stringifyFhirJson } from "../fhir/xml-codec.ts";
import type { BodySpec } from "../suite/types.ts";
import { removeAtPath, setAtPath } from "./json-path.ts";

/** `spec` must already be interpolated. */
export function buildBody(spec: BodySpec, fixturesDir: string): string {
  if (spec.raw !== undefined) return spec.raw;
  // Numbers are kept as their text, so a fixture's decimal goes out with its precision (1.50 stays 1.50).
  // The loader refuses a fixture outside fixtures/; this holds for a body built any other way too.
  const path = resolve(fixturesDir, spec.fixture!);
  if (relative(resolve(fixturesDir), path).startsWith("..") || isAbsolute(relative(resolve(fixturesDir), path))) throw new Error(`fixture "${spec.fixture}" is outside the fixtures folder`);
  const doc = fixture(path);
  for (const [path, value] of Object.entries(spec.set ?? {})) setAtPath(doc, path, value);
  for (const path of spec.remove ?? []) removeAtPath(doc, path);
  const as = spec.as ?? "json";
  if (as === "json") return stringifyFhirJson(doc, 2);
  if (as === "xml") return fhirJsonToXml(doc);
  throw new Error(`body "as" must be json or xml, got "${as}"`);
}

/**
 * A fixture's document, read and parsed once while the file stays as it was (its size and time): every case of every
 * run builds its bodies from a few fixtures. Each use gets its own copy to edit; the numbers' exact texts
 * (lossless-json's LosslessNumber) are shared, as they are never changed in place.
 */
const parsed = new Map<string, { size: number; mtimeMs: number; doc: unknown }>();
function fixture(path: string): unknown {
  const { size, mtimeMs } = statSync(path);
  let kept = parsed.get(path);
  if (!kept || kept.size !== size || kept.mtimeMs !== mtimeMs) {
    kept = { size, mtimeMs, doc: parseFhirJson(readFileSync(path, "utf8")) };
    parsed.set(path, kept);
  }
  return copy(kept.doc);
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
