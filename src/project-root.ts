// The checkout's root folder, so suites, fixtures and schemas resolve the same from any working directory.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
