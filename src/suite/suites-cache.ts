// The suites as loaded, kept between commands: parsing the YAML and checking it against the suite schema is most of a
// run's preparation (about 0.6 s of every run on two cores), and suites rarely change between runs. Kept only by the
// compiled CLI (bin/compiled-cli.js), whose folder name fingerprints the loader's own code; keyed by the size and time
// of every suite and fixture file, so an edit to any of them (or a file added or removed) loads afresh. Only suites
// that loaded without a problem are kept: a problem is always found and reported by a fresh load.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { basename, dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { filesUnder } from "../files-under.ts";
import { writeFileAtomic } from "../write-atomic.ts";
import type { LoadedSuite } from "./types.ts";

const here = dirname(fileURLToPath(import.meta.url));
/** The compiled CLI's folder (node_modules/.cache/spine-assure/<fingerprint>), or undefined when run from the sources. */
const build = here.includes(`${sep}node_modules${sep}.cache${sep}spine-assure${sep}`) ? here : undefined;

function keyOf(suiteFiles: readonly string[], fixturesDir: string): string | undefined {
  if (!build) return undefined;
  try {
    const hash = createHash("sha256").update(basename(build));
    for (const file of [...suiteFiles, ...filesUnder(fixturesDir)]) {
      const st = statSync(file);
      hash.update(`${file}\0${st.size}\0${st.mtimeMs}\n`);
    }
    return hash.digest("hex").slice(0, 24);
  } catch {
    // A file that cannot be stat'ed (a dangling link): the fresh load names it.
    return undefined;
  }
}

// Inside the build's own folder: it goes when that build is pruned.
const pathOf = (key: string) => join(build!, "suites", `${key}.json`);

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
