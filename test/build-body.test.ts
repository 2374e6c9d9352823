// A request body from a fixture: each body gets its own copy of the fixture's document (an edit never reaches the next
// body), numbers keep their exact text, and each run reads its fixtures afresh, once.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildBody, Fixtures } from "../src/run/build-body.ts";

describe("a body built from a fixture", () => {
  const dir = mkdtempSync(join(tmpdir(), "build-body-"));
  const write = (text: string) => writeFileSync(join(dir, "p.json"), text);

  it("edits a copy of the fixture each time, keeping numbers as written", () => {
    const run = new Fixtures(dir);
    write('{"resourceType":"DocumentReference","status":"current","content":[{"attachment":{"size":1.50}}]}');
    const edited = JSON.parse(buildBody({ fixture: "p.json", set: { status: "superseded", "content[0].attachment.size": 2 }, remove: ["resourceType"] }, run));
    expect(edited).toEqual({ status: "superseded", content: [{ attachment: { size: 2 } }] });
    const plain = buildBody({ fixture: "p.json" }, run);
    expect(JSON.parse(plain)).toEqual({ resourceType: "DocumentReference", status: "current", content: [{ attachment: { size: 1.5 } }] });
    expect(plain).toContain('"size": 1.50');
  });

  it("reads each fixture once for a run, and afresh for the next run", () => {
    write('{"resourceType":"DocumentReference","status":"current"}');
    const first = new Fixtures(dir);
    expect(JSON.parse(buildBody({ fixture: "p.json" }, first)).status).toBe("current");
    write('{"resourceType":"DocumentReference","status":"entered"}');
    expect(JSON.parse(buildBody({ fixture: "p.json" }, first)).status).toBe("current");
    expect(JSON.parse(buildBody({ fixture: "p.json" }, new Fixtures(dir))).status).toBe("entered");
  });

  it("refuses a fixture outside its folder", () => {
    expect(() => buildBody({ fixture: "../p.json" }, new Fixtures(join(dir, "sub")))).toThrow(/outside the fixtures folder/);
  });
});
