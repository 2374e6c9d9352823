// The executable runs a compiled copy of the CLI's sources (bin/compiled-cli.js). What matters to a user is that the
// copy is never stale — an edited source is what runs next — and that anything stopping the build falls back to the
// sources through tsx instead of failing. Proven on a small project tree of its own, built by the real esbuild.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/project-root.ts";
import { runAssureCli } from "./helpers/run-cli.ts";
// @ts-expect-error: plain JavaScript (it runs before any TypeScript loader), no declarations
import { compiledCli } from "../bin/compiled-cli.js";

const build = compiledCli as (root: string) => Promise<string | undefined>;

function project(main: string): string {
  const root = mkdtempSync(join(tmpdir(), "compiled-cli-"));
  for (const dir of ["src/cli", "src/run/vitest", "sandbox", "reporters", "apis", "bin"]) mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, "src", "cli", "main.ts"), main);
  // The assurance run's vitest test file: the compiled CLI's second entry point.
  writeFileSync(join(root, "src", "run", "vitest", "assurance.run.ts"), "export {};\n");
  writeFileSync(join(root, "src", "answer.ts"), "export const answer: number = 1;\n");
  writeFileSync(join(root, "package.json"), '{"name":"spine-assure"}');
  writeFileSync(join(root, "package-lock.json"), "{}");
  cpSync(join(PROJECT_ROOT, "bin", "compiled-cli.js"), join(root, "bin", "compiled-cli.js"));
  return root;
}

const load = async (entry: string) => ((await import(`${pathToFileURL(entry).href}?${Date.now()}`)) as { value: number }).value;

describe("the compiled CLI", () => {
  it("is built once, reused while nothing changes, and rebuilt when any source file changes", async () => {
    const root = project('import { answer } from "../answer.ts";\nexport const value: number = answer + 1;\n');
    const first = await build(root);
    expect(first).toMatch(/node_modules\/\.cache\/spine-assure\/[0-9a-f]{16}\/main\.js$/);
    expect(await load(first!)).toBe(2);
    expect(await build(root)).toBe(first);
    // An imported module edited (same size, a later time): the next command runs the edit.
    const answer = join(root, "src", "answer.ts");
    writeFileSync(answer, readFileSync(answer, "utf8").replace("1", "5"));
    const later = new Date(Date.now() + 5_000);
    utimesSync(answer, later, later);
    const second = await build(root);
    expect(second).not.toBe(first);
    expect(await load(second!)).toBe(6);
  });

  it("falls back to the sources (undefined) on a syntax error or when asked to with SPINE_ASSURE_TSX", async () => {
    expect(await build(project("export const value: number = ;\n"))).toBeUndefined();
    const root = project("export const value = 3;\n");
    process.env.SPINE_ASSURE_TSX = "1";
    try {
      expect(await build(root)).toBeUndefined();
    } finally {
      delete process.env.SPINE_ASSURE_TSX;
    }
    expect(await load((await build(root))!)).toBe(3);
  });
});

describe("the two ways the executable runs", () => {
  it("say the same: the compiled copy and the sources through tsx (SPINE_ASSURE_TSX=1)", async () => {
    const [compiled, sources] = await Promise.all([runAssureCli(["requirements"]), runAssureCli(["requirements"], { SPINE_ASSURE_TSX: "1" })]);
    expect(compiled.code).toBe(0);
    expect(sources.code).toBe(0);
    expect(compiled.stdout).toMatch(/NRLS-CRT-07 +MUST/);
    expect(sources.stdout).toBe(compiled.stdout);
  });
});

describe("the suites as the compiled CLI keeps them between commands", () => {
  it("are read afresh after any edit, and a problem is always found, never a kept load served", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "suites-cache-")), "suites");
    cpSync(join(PROJECT_ROOT, "suites"), dir, { recursive: true });
    const file = join(dir, "ers", "professional-session.yaml");
    const original = readFileSync(file, "utf8");
    const basis = async () => (await runAssureCli(["requirements", "--suites", dir])).stdout.match(/ERS-A001-04 +SHOULD +([A-Z]+)/)?.[1];
    const edited = (to: string) => original.replace(/(id: ERS-A001-04\n\s+level: SHOULD\n\s+basis: )EX/, `$1${to}`);
    expect(edited("DOC")).not.toBe(original);
    expect(await basis()).toBe("EX");
    expect(await basis()).toBe("EX");
    writeFileSync(file, edited("DOC"));
    expect(await basis()).toBe("DOC");
    writeFileSync(file, edited("HEARSAY"));
    const broken = await runAssureCli(["requirements", "--suites", dir]);
    expect(broken.code).toBe(2);
    expect(broken.stdout + broken.stderr).toMatch(/professional-session\.yaml:\d+: requirements\[3\]\.basis/);
    writeFileSync(file, original);
    expect(await basis()).toBe("EX");
  });
});
