// The compiled CLI's kept validators (src/suite/schema-code-cache.ts): the code Ajv generates for a schema, with the
// files it refers to and its formats, validates as the compiled validator does, errors included; a folder whose files
// changed keeps nothing for the new ones.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { _, Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { keepValidator, keptValidator } from "../src/suite/schema-code-cache.ts";

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

describe("kept schema validators", () => {
  it("validate as Ajv's own, refs and formats included, and are kept per version of the folder", () => {
    const build = mkdtempSync(join(tmpdir(), "build-"));
    const folder = () => {
      const dir = mkdtempSync(join(tmpdir(), "schemas-"));
      mkdirSync(join(dir, "sub"));
      writeFileSync(join(dir, "a.json"), JSON.stringify({ type: "object", properties: { when: { $ref: "sub/when.json" }, n: { type: "integer", minimum: 1 } }, required: ["when"] }));
      writeFileSync(join(dir, "sub", "when.json"), JSON.stringify({ type: "string", format: "date-time" }));
      return dir;
    };
    const dir = folder();
    const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } });
    addFormats(ajv);
    // The folder's files are what the kept code is keyed by; Ajv is given the same schemas.
    ajv.addSchema({ type: "string", format: "date-time", $id: "https://t/sub/when.json" });
    ajv.addSchema({ type: "object", properties: { when: { $ref: "sub/when.json" }, n: { type: "integer", minimum: 1 } }, required: ["when"], $id: "https://t/a.json" });
    const compiled = ajv.getSchema("https://t/a.json")!;
    expect(keptValidator(dir, "a.json", build)).toBeUndefined();
    keepValidator(dir, "a.json", ajv, compiled, build);
    const kept = keptValidator(dir, "a.json", build)!;
    expect(kept).toBeTypeOf("function");
    for (const body of [{ when: "2026-12-03T04:00:00Z", n: 2 }, { when: "yesterday" }, { n: 0 }, { when: "2026-12-03T04:00:00Z", n: 1.5 }, []]) {
      expect(kept(body), JSON.stringify(body)).toBe(compiled(body));
      expect(kept.errors ?? null).toEqual(compiled.errors ?? null);
    }
    // Another folder (another version of the schemas) has nothing kept.
    expect(keptValidator(folder(), "a.json", build)).toBeUndefined();
  });
});
