// The checkout's root folder, so suites, fixtures and schemas resolve the same from any working directory. Found by
// walking up to the project's package.json rather than by a fixed "..": the CLI also runs from a compiled copy of its
// sources under node_modules/.cache (bin/spine-assure.js), where this module sits elsewhere in the tree.
import { readFileSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";

function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string }).name === "spine-assure") return dir;
    } catch {
      // No package.json here (or not ours): keep walking up.
    }
    if (dirname(dir) === dir) throw new Error(`spine-assure: no package.json named spine-assure above ${from}`);
  }
}

export const PROJECT_ROOT = projectRoot(dirname(fileURLToPath(import.meta.url)));

/**
 * The compiled CLI's folder (node_modules/.cache/spine-assure/<fingerprint>, bin/compiled-cli.js) when this process runs
 * from it, or undefined when it runs from the sources. Its modules all sit in that one folder.
 */
export const COMPILED_BUILD: string | undefined = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.includes(`${sep}node_modules${sep}.cache${sep}spine-assure${sep}`) ? here : undefined;
})();
