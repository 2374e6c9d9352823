// A folder replaced whole or not at all: a process killed at any moment of the replacement leaves the folder that was
// there, or the new one — each whole — never neither (a `report RUN` killed mid-way once deleted the original evidence).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { directoryWriter, restoreInterrupted } from "../src/write-atomic.ts";

const FILES = 100;

function fill(dir: string, content: string): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < FILES; i++) writeFileSync(join(dir, `f${i}`), content);
}

/** "old", "new", or what is wrong: the folder must hold every file, all of one generation. */
function generation(dir: string): string {
  if (!existsSync(dir)) return "missing";
  const names = readdirSync(dir);
  const contents = new Set(names.map((n) => readFileSync(join(dir, n), "utf8")));
  return names.length === FILES && contents.size === 1 ? [...contents][0]! : `mixed: ${names.length} files, ${[...contents].join("/")}`;
}

describe("a folder replaced whole", () => {
  it("replaces the folder and leaves no scratch behind", async () => {
    const root = mkdtempSync(join(tmpdir(), "atomic-"));
    const dir = join(root, "run");
    fill(dir, "old");
    const w = directoryWriter(dir);
    for (let i = 0; i < FILES; i++) w.put(`f${i}`, "new");
    await w.commit();
    expect(generation(dir)).toBe("new");
    expect(readdirSync(root)).toEqual(["run"]);
  });

  it("puts back a folder left beside itself when a replacement stopped between its two renames", () => {
    const root = mkdtempSync(join(tmpdir(), "atomic-"));
    const dir = join(root, "run");
    fill(`${dir}.4242.old`, "old");
    fill(`${dir}.4242.tmp`, "new");
    restoreInterrupted(dir);
    expect(generation(dir)).toBe("old");
  });

  it("leaves one whole generation however a replacing process is killed", async () => {
    // The replacing process runs write-atomic.ts bundled (esbuild, once): started through tsx's loader, each of the
    // eight cost most of a second of CPU before it wrote a file.
    const script = join(mkdtempSync(join(tmpdir(), "atomic-script-")), "replace.mjs");
    await build({
      stdin: {
        contents: `import { directoryWriter } from "./src/write-atomic.ts";
          const w = directoryWriter(process.argv[2]);
          for (let i = 0; i < ${FILES}; i++) w.put("f" + i, "new");
          process.stdout.write("commit\\n");
          await w.commit();
          process.stdout.write("done\\n");`,
        resolveDir: PROJECT_ROOT, loader: "ts",
      },
      bundle: true, platform: "node", format: "esm", packages: "external", outfile: script, logLevel: "silent",
    });
    const seen = new Set<string>();
    for (let attempt = 0; attempt < 8; attempt++) {
      const root = mkdtempSync(join(tmpdir(), "atomic-kill-"));
      const dir = join(root, "run");
      fill(dir, "old");
      const child = spawn(process.execPath, [script, dir], { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "inherit"] });
      // Killed at the moment it starts replacing, or a little after: the rest of the commit may or may not have run.
      await new Promise<void>((resolve) => {
        child.stdout.on("data", (d: Buffer) => {
          if (d.toString().includes("commit")) setTimeout(() => child.kill("SIGKILL"), attempt % 4);
        });
        child.on("exit", () => resolve());
      });
      restoreInterrupted(dir);
      const g = generation(dir);
      expect(["old", "new"], `attempt ${attempt}`).toContain(g);
      seen.add(g);
    }
    expect(seen.size).toBeGreaterThan(0);
  }, 60_000);
});
