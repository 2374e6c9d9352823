// A run folder's run-result.json: the one truth every output and `report RUN` render from, so it is read as data that
// may have come from elsewhere — its version first (a pack of another version is refused by name, never half-read),
// then the whole against schemas/run-result.schema.json, generated from the RunResult type.
import { readFileSync } from "node:fs";
import { RESULT_VERSION, type RunResult } from "../model/run-result.ts";
import { formatSchemaErrors, validatorFor } from "../suite/schemas.ts";

export const RUN_RESULT = "run-result.json";

export class RunResultError extends Error {}

export function readRunResult(path: string): RunResult {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8")) as unknown;
  } catch (err) {
    throw new RunResultError(`${path} cannot be read as JSON: ${(err as Error).message}`);
  }
  const version = data && typeof data === "object" ? (data as { resultVersion?: unknown }).resultVersion : undefined;
  if (version !== RESULT_VERSION) {
    throw new RunResultError(`${path} has resultVersion ${JSON.stringify(version)}: this spine-assure reads run results of version ${RESULT_VERSION} (render it with the spine-assure that wrote it)`);
  }
  const validate = validatorFor("run-result.schema.json");
  if (!validate(data)) {
    throw new RunResultError(`${path} is not a run result as spine-assure writes one: ${formatSchemaErrors(validate.errors).slice(0, 3).join("; ")}`);
  }
  return data as RunResult;
}
