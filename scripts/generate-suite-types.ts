// Derives the suite format's TypeScript types from schemas/suite.schema.json, the one definition of the format:
// `npm run generate:suite-types` writes src/suite/suite-format.generated.ts, and a test fails when the committed file
// no longer matches what the schema generates.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { compileFromFile } from "json-schema-to-typescript";
import { PROJECT_ROOT } from "../src/project-root.ts";

export const GENERATED_SUITE_TYPES = join(PROJECT_ROOT, "src", "suite", "suite-format.generated.ts");

const BANNER = `// Generated from schemas/suite.schema.json by \`npm run generate:suite-types\`: do not edit. The schema is the one
// definition of the suite format; src/suite/types.ts names these types for the engine.
/* eslint-disable */`;

export async function suiteTypesSource(): Promise<string> {
  return compileFromFile(join(PROJECT_ROOT, "schemas", "suite.schema.json"), {
    bannerComment: BANNER,
    cwd: join(PROJECT_ROOT, "schemas"),
    format: true,
    additionalProperties: false,
    unreachableDefinitions: false,
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  writeFileSync(GENERATED_SUITE_TYPES, await suiteTypesSource());
  console.log(`wrote ${GENERATED_SUITE_TYPES}`);
}
