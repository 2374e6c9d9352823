// Derives schemas/run-result.schema.json from the RunResult type (src/model/run-result.ts), the one definition of what
// a run folder's run-result.json holds: `npm run generate:run-result-schema` writes it, a test fails when the committed
// schema no longer matches the type, and every reader validates the file against it (src/evidence/run-result-file.ts).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createGenerator } from "ts-json-schema-generator";
import { PROJECT_ROOT } from "../src/project-root.ts";

export const RUN_RESULT_SCHEMA = join(PROJECT_ROOT, "schemas", "run-result.schema.json");

export function runResultSchemaSource(): string {
  const schema = createGenerator({
    path: join(PROJECT_ROOT, "src", "model", "run-result.ts"),
    tsconfig: join(PROJECT_ROOT, "tsconfig.json"),
    type: "RunResult",
    skipTypeCheck: true,
    additionalProperties: false,
  }).createSchema("RunResult");
  return `${JSON.stringify({ $comment: "Generated from src/model/run-result.ts by `npm run generate:run-result-schema`: do not edit.", ...schema }, null, 2)}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  writeFileSync(RUN_RESULT_SCHEMA, runResultSchemaSource());
  console.log(`wrote ${RUN_RESULT_SCHEMA}`);
}
