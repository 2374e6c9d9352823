// The layering lint (scripts/lint/layers.js) run on code as a maintainer might write it: an import that runs up the
// layers, or from one API module into another, is an error naming both ends; one that runs down, or names only
// types, is not.
import { Linter } from "eslint";
import { join } from "node:path";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";
import layers, { layerOf, LAYERS } from "../scripts/lint/layers.js";
import { PROJECT_ROOT } from "../src/project-root.ts";

const lint = (file: string, code: string) =>
  new Linter({ configType: "flat" }).verify(code, [{ files: ["**/*.ts"], languageOptions: { parser: tseslint.parser }, plugins: { project: layers }, rules: { "project/layers": "error" } }], join(PROJECT_ROOT, file));

describe("the layering lint", () => {
  it("fails an import that runs up the layers, naming both files and layers", () => {
    const [m] = lint("src/config/mask.ts", 'import { judge } from "../stages/judge.ts";\nexport const x = judge;\n');
    expect(m?.message).toMatch(/src\/config\/mask\.ts \(configuration and sandbox\) imports src\/stages\/judge\.ts \(stages\), a higher layer/);
  });

  it("fails an API module importing another, and the engine importing a module but through the list", () => {
    expect(lint("apis/pds/index.ts", 'import ers from "../ers/index.ts";\nexport default ers;\n')[0]?.message).toMatch(/API module pds imports module ers/);
    expect(lint("src/run/x.ts", 'import nrls from "../../apis/nrls/index.ts";\nexport default nrls;\n')[0]?.message).toMatch(/only through its entry in src\/apis\.ts/);
    expect(lint("src/config/x.ts", 'import { TARGETS } from "../targets.ts";\nexport default TARGETS;\n')).toEqual([]);
  });

  it("passes imports that run down, and type-only imports of any layer", () => {
    expect(lint("src/stages/x.ts", 'import { judgeRun } from "../judge/judge-run.ts";\nexport default judgeRun;\n')).toEqual([]);
    expect(lint("src/run/x.ts", 'import type { RunResult } from "../model/run-result.ts";\nimport type { Prepared } from "../stages/prepare.ts";\nexport type X = [RunResult, Prepared];\n')).toEqual([]);
    expect(lint("src/run/x.ts", 'const m = await import("../cli/main.ts");\nexport default m;\n')[0]?.message).toMatch(/a higher layer/);
  });

  it("puts every source folder in a layer", () => {
    for (const f of ["src/model/status.ts", "src/secrets/redact.ts", "apis/pds/index.ts", "src/apis.ts", "sandbox/server.ts", "sandbox/http.ts", "src/cli/main.ts", "src/client/assessment.ts"]) expect(layerOf(f), f).toBeDefined();
    expect(LAYERS[layerOf("sandbox/http.ts")!]![0]).toBe("sandbox kit");
  });
});
