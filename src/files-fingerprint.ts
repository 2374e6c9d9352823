// A fingerprint of some files as they stand: each one's path, size and modification time, hashed. What the compiled
// CLI's caches are keyed by (the loaded suites, the schemas' validators): an edit, an addition or a removal changes it,
// at the cost of a stat per file, not a read.
import { createHash } from "node:crypto";
import { statSync } from "node:fs";

/** Undefined when a file cannot be stat'ed (a dangling link, say): nothing is then kept or served for them. */
export function filesFingerprint(files: Iterable<string>): string | undefined {
  try {
    const hash = createHash("sha256");
    for (const file of files) {
      const st = statSync(file);
      hash.update(`${file}\0${st.size}\0${st.mtimeMs}\n`);
    }
    return hash.digest("hex").slice(0, 24);
  } catch {
    return undefined;
  }
}
