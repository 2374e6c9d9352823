// The suites as loaded, kept between commands: parsing the YAML and checking it against the suite schema is most of a
// run's preparation (about 0.6 s of every run on two cores), and suites rarely change between runs. Kept only by the
// compiled CLI (bin/compiled-cli.js), inside its build's folder, whose name fingerprints the loader's own code; keyed
// by the size and time of every suite and fixture file, so an edit to any of them (or a file added or removed) loads
// afresh. Only suites that loaded without a problem are kept: a problem is always found and reported by a fresh load.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { filesFingerprint } from "../files-fingerprint.ts";
import { filesUnder } from "../files-under.ts";
import { COMPILED_BUILD } from "../project-root.ts";
import { writeFileAtomic } from "../write-atomic.ts";
import type { LoadedSuite } from "./types.ts";

// A file that cannot be stat'ed (a dangling link) gives no key: the fresh load names it.
const keyOf = (suiteFiles: readonly string[], fixturesDir: string): string | undefined =>
  COMPILED_BUILD ? filesFingerprint([...suiteFiles, ...filesUnder(fixturesDir)]) : undefined;

// Inside the build's own folder: it goes when that build is pruned.
const pathOf = (key: string) => join(COMPILED_BUILD!, "suites", `${key}.json`);

/** The suites loaded from exactly these files before, or undefined. */
export function cachedSuites(suiteFiles: readonly string[], fixturesDir: string): { key?: string; suites?: LoadedSuite[] } {
  const key = keyOf(suiteFiles, fixturesDir);
  if (!key) return {};
  try {
    return { key, suites: JSON.parse(readFileSync(pathOf(key), "utf8")) as LoadedSuite[] };
  } catch {
    return { key };
  }
}

/** Keeps suites that loaded without a problem under `key`; a failure to write only costs the next run a fresh load. */
export function keepSuites(key: string | undefined, suites: readonly LoadedSuite[]): void {
  if (!key) return;
  try {
    writeFileAtomic(pathOf(key), JSON.stringify(suites));
  } catch {
    // Read-only or full: nothing lost.
  }
}
