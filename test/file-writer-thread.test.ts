// The run folder's writer thread: files whole when announced, in the order put, a failure said with its file, a stop
// that drops what was queued, and a queue that cannot outgrow its bound.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileWriterThread } from "../src/file-writer-thread.ts";
import { directoryWriter } from "../src/write-atomic.ts";

const scratch = () => mkdtempSync(join(tmpdir(), "writer-thread-"));

describe("the file writer thread", () => {
  it("announces each file only once it is whole on disk, and writes a path put twice last as last put", async () => {
    const dir = scratch();
    const writer = new FileWriterThread();
    const seen: string[] = [];
    for (let i = 0; i < 300; i++) {
      const content = `file ${i} `.repeat(200);
      writer.write(join(dir, `f${i}`), content, (error) => {
        expect(error).toBeUndefined();
        // Read back when announced: the generator reads each file at that moment.
        expect(readFileSync(join(dir, `f${i}`), "utf8")).toBe(content);
        seen.push(`f${i}`);
      });
    }
    writer.write(join(dir, "twice"), "first");
    writer.write(join(dir, "twice"), "second");
    await writer.close();
    expect(seen).toHaveLength(300);
    expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => `f${i}`));
    expect(readFileSync(join(dir, "twice"), "utf8")).toBe("second");
  });

  it("says which file could not be written, and writes the others", async () => {
    const dir = scratch();
    const writer = new FileWriterThread();
    const errors: (Error | undefined)[] = [];
    writer.write(join(dir, "missing-folder", "a.json"), "{}", (e) => errors.push(e));
    writer.write(join(dir, "b.json"), "{}", (e) => errors.push(e));
    await expect(writer.flushed()).rejects.toThrow(join(dir, "missing-folder", "a.json"));
    expect(errors[0]?.message).toMatch(/ENOENT/);
    expect(errors[1]).toBeUndefined();
    expect(existsSync(join(dir, "b.json"))).toBe(true);
    await expect(writer.close()).rejects.toThrow(/missing-folder/);
  });

  it("drops what was queued when stopped", async () => {
    const dir = scratch();
    const writer = new FileWriterThread();
    for (let i = 0; i < 2000; i++) writer.write(join(dir, `f${i}`), "x".repeat(1000));
    writer.stop();
    await writer.flushed();
    // Stopped before its thread had started: nothing of it is written, now or later.
    await new Promise((r) => setTimeout(r, 200));
    expect(readdirSync(dir).length).toBeLessThan(2000);
    writer.write(join(dir, "after"), "x");
    await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(join(dir, "after"))).toBe(false);
  });

  it("writes here, in order, what its thread had not written when the thread ended", async () => {
    const dir = scratch();
    const writer = new FileWriterThread();
    for (let i = 0; i < 500; i++) writer.write(join(dir, `f${i % 50}`), `generation ${Math.floor(i / 50)}`);
    // The thread ends under it (killed, out of memory): nothing put may be lost, and the last put of a path wins.
    await (writer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    writer.write(join(dir, "after"), "later");
    await writer.close();
    expect(readdirSync(dir)).toHaveLength(51);
    for (let i = 0; i < 50; i++) expect(readFileSync(join(dir, `f${i}`), "utf8")).toBe("generation 9");
    expect(readFileSync(join(dir, "after"), "utf8")).toBe("later");
  });

  it("waits for its thread rather than queue more than its bound", async () => {
    const dir = scratch();
    const bound = 1024 * 1024;
    const writer = new FileWriterThread(bound);
    const chunk = "y".repeat(256 * 1024);
    let most = 0;
    for (let i = 0; i < 64; i++) {
      writer.write(join(dir, `f${i}`), chunk);
      most = Math.max(most, writer.queued());
    }
    await writer.close();
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(bound + chunk.length);
    expect(readdirSync(dir)).toHaveLength(64);
  });
});

describe("a directory writer", () => {
  it("leaves the folder as it was, and no scratch, when aborted with writes still queued", async () => {
    const root = scratch();
    const dir = join(root, "run");
    mkdirSync(dir);
    writeFileSync(join(dir, "kept"), "old");
    const w = directoryWriter(dir);
    for (let i = 0; i < 2000; i++) w.put(`allure-results/f${i}`, "x".repeat(2000));
    w.abort();
    await new Promise((r) => setTimeout(r, 200));
    expect(readdirSync(root)).toEqual(["run"]);
    expect(readdirSync(dir)).toEqual(["kept"]);
  });

  it("commits only once every file put is whole", async () => {
    const root = scratch();
    const dir = join(root, "run");
    const w = directoryWriter(dir);
    for (let i = 0; i < 500; i++) w.put(`allure-results/f${i}`, `${i}`.repeat(500));
    await w.commit();
    const names = readdirSync(join(dir, "allure-results"));
    expect(names).toHaveLength(500);
    for (const n of names) expect(readFileSync(join(dir, "allure-results", n), "utf8")).toBe(n.slice(1).repeat(500));
  });
});
