// Whether a path lies inside a folder, after following symlinks where they exist: what keeps a suite's fixtures in
// fixtures/, both when the suites load and when a run reads them.
import { existsSync, realpathSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";

export function insideFolder(folder: string, path: string): boolean {
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : resolve(p));
  const rel = relative(real(folder), real(path));
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}
