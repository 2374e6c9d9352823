// The tests' one temporary root (test/helpers/temp-root.ts): every folder a test makes goes under it, a spawned CLI's
// too, and roots of killed test runs are swept while a live one is left alone.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanEnv } from "./helpers/run-cli.ts";
import { sweepAbandoned } from "./helpers/temp-root.ts";

describe("the tests' temporary root", () => {
  it("is where this worker and a spawned process make their folders", () => {
    const root = process.env.SPINE_ASSURE_TEST_TMP;
    expect(root).toMatch(/spine-assure-tests-\d+-/);
    expect(tmpdir()).toBe(root);
    const child = execFileSync(process.execPath, ["-e", "process.stdout.write(require('node:os').tmpdir())"], { env: cleanEnv({}) as NodeJS.ProcessEnv, encoding: "utf8" });
    expect(child).toBe(root);
  });

  it("sweeps the roots of runs whose process is gone, and leaves a live run's", () => {
    const parent = mkdtempSync(join(tmpdir(), "sweep-"));
    const dead = join(parent, "spine-assure-tests-999999999-aaaaaa");
    const live = join(parent, `spine-assure-tests-${process.pid}-bbbbbb`);
    const halfRemoved = join(parent, `spine-assure-tests-${process.pid}-cccccc.removing`);
    const other = join(parent, "someone-elses");
    for (const dir of [dead, live, halfRemoved, other]) {
      mkdirSync(join(dir, "inner"), { recursive: true });
      writeFileSync(join(dir, "inner", "file"), "x");
    }
    sweepAbandoned(parent);
    expect([dead, live, halfRemoved, other].map(existsSync)).toEqual([false, true, false, true]);
  });
});
