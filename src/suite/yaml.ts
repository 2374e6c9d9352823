// The YAML library, loaded when first needed: a run whose suites come from the cache (src/suite/suites-cache.ts) and
// that has no waivers file reads no YAML, and need not pay 40 ms of its start-up loading it.
import { createRequire } from "node:module";

let loaded: typeof import("yaml") | undefined;

export const yaml = (): typeof import("yaml") => (loaded ??= createRequire(import.meta.url)("yaml") as typeof import("yaml"));
