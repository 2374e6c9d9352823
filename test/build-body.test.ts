// A request body from a fixture: each body gets its own copy of the fixture's document (an edit never reaches the next
// body), numbers keep their exact text, and a fixture changed on disk is read again.
import { mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildBody } from "../src/run/build-body.ts";

describe("a body built from a fixture", () => {
  const dir = mkdtempSync(join(tmpdir(), "build-body-"));
  const write = (text: string) => writeFileSync(join(dir, "p.json"), text);

  it("edits a copy of the fixture each time, keeping numbers as written", () => {
    write('{"resourceType":"DocumentReference","status":"current","content":[{"attachment":{"size":1.50}}]}');
    const edited = JSON.parse(buildBody({ fixture: "p.json", set: { status: "superseded", "content[0].attachment.size": 2 }, remove: ["resourceType"] }, dir));
    expect(edited).toEqual({ status: "superseded", content: [{ attachment: { size: 2 } }] });
    const plain = buildBody({ fixture: "p.json" }, dir);
    expect(JSON.parse(plain)).toEqual({ resourceType: "DocumentReference", status: "current", content: [{ attachment: { size: 1.5 } }] });
    expect(plain).toContain('"size": 1.50');
  });

  it("reads a fixture again once it has changed, even to text of the same length", () => {
    write('{"resourceType":"DocumentReference","status":"current"}');
    expect(JSON.parse(buildBody({ fixture: "p.json" }, dir)).status).toBe("current");
    write('{"resourceType":"DocumentReference","status":"entered"}');
    // Another time than the first write's, whatever the file system's resolution.
    utimesSync(join(dir, "p.json"), new Date(), new Date(Date.now() + 5_000));
    expect(JSON.parse(buildBody({ fixture: "p.json" }, dir)).status).toBe("entered");
  });
});
