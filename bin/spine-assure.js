#!/usr/bin/env node
// The spine-assure executable. It runs a compiled copy of the TypeScript CLI (bin/compiled-cli.js: rebuilt whenever a
// source changes), or, where that cannot be had, the sources themselves through tsx's loader. SPINE_ASSURE_TSX=1
// always runs the sources (stack traces then name the .ts lines).
import { dirname, join } from "node:path";
import { argv } from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compiledCli } from "./compiled-cli.js";
import { SHORT_RUN_COMMANDS, tuneForShortRun } from "./v8-flags.js";

// Before the CLI loads: a run is tuned for a process of seconds (v8-flags.js).
if (SHORT_RUN_COMMANDS.has(argv[2])) tuneForShortRun();

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const compiled = await compiledCli(root);
if (compiled) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
