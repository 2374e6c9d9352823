// Every file under a folder, recursively, as full paths in a stable (sorted) order. Directory entries come typed,
// so there is no stat per file: run folders hold hundreds of files.
import { readdirSync } from "node:fs";
import { join } from "node:path";

export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}
