// The manifest's hashes made on a thread of their own (BackgroundHashes) are the files' SHA-256, and writeManifest
// takes one only for a file still as it was hashed: a file changed since (another size, another modification time)
// is hashed again, so the manifest always says what the folder holds.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BackgroundHashes, type FileHash } from "../src/evidence/background-hashes.ts";
import { checkHashes, MANIFEST, readManifest, writeManifest, type ManifestRun } from "../src/evidence/manifest.ts";

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const run: ManifestRun = { runId: "20261203-000000-abcdef", tool: { name: "spine-assure", version: "test" }, gate: { exitCode: 0, reason: "test", result: "pass" } as ManifestRun["gate"], configHash: "0" };

describe("hashes made in the background", () => {
  it("are each file's SHA-256 and size; a file that cannot be read has none", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bg-hash-"));
    const files = Array.from({ length: 50 }, (_, i) => join(dir, `f${i}`));
    files.forEach((f, i) => writeFileSync(f, `content ${i} `.repeat(i * 100)));
    const hashes = new BackgroundHashes();
    try {
      await Promise.all([hashes.hash(files.slice(0, 20)), hashes.hash([...files.slice(20), join(dir, "missing")])]);
      for (const f of files) expect(hashes.get(f)).toMatchObject({ sha256: sha256(readFileSync(f)), bytes: readFileSync(f).length });
      expect(hashes.get(join(dir, "missing"))).toBeUndefined();
    } finally {
      await hashes.close();
    }
  });

  it("are used by the manifest only for a file unchanged since, and the manifest checks out either way", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bg-manifest-"));
    for (const name of ["same", "rewritten", "touched"]) writeFileSync(join(dir, name), `${name} as hashed`);
    const stat = (name: string) => ({ bytes: statSync(join(dir, name)).size, mtimeMs: statSync(join(dir, name)).mtimeMs });
    // What a background hasher would have said: a marker hash, to see which the manifest took.
    const known = new Map<string, FileHash>(["same", "rewritten", "touched"].map((name) => [join(dir, name), { sha256: "0".repeat(64), ...stat(name) }]));
    writeFileSync(join(dir, "rewritten"), "rewritten since it was hashed, longer");
    utimesSync(join(dir, "touched"), new Date(2020, 0, 1), new Date(2020, 0, 1));
    const manifest = writeManifest(dir, run, [], known);
    const listed = new Map(manifest.files.map((f) => [f.path, f.sha256]));
    expect(listed.get("same")).toBe("0".repeat(64));
    expect(listed.get("rewritten")).toBe(sha256("rewritten since it was hashed, longer"));
    expect(listed.get("touched")).toBe(sha256("touched as hashed"));

    // Hashed in the background for real, the manifest verifies against the folder.
    const fresh = mkdtempSync(join(tmpdir(), "bg-manifest-"));
    for (let i = 0; i < 30; i++) writeFileSync(join(fresh, `f${i}`), `file ${i}`.repeat(i + 1));
    const hashes = new BackgroundHashes();
    try {
      await hashes.hash(Array.from({ length: 30 }, (_, i) => join(fresh, `f${i}`)));
      writeManifest(fresh, run, [], hashes);
    } finally {
      await hashes.close();
    }
    expect(checkHashes(fresh, readManifest(join(fresh, MANIFEST)).manifest)).toMatchObject({ ok: true, checked: 31 });
  });
});
