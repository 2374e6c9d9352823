// The leak gate: before a run finishes, every secret it knows of (configured secrets, and the session keys, JWTs and
// tokens its cases met) is hunted for in every file of the run folder and in the console output. A hit fails the run;
// the message names where, never what.
import { readFileSync } from "node:fs";
import { relative, sep } from "node:path";
import { filesUnder } from "../files-under.ts";
import { Redactor } from "../run/redact.ts";

export interface Leak {
  /** A file of the run folder, or "console output". */
  where: string;
}

export function findLeaks(runDir: string, consoleLines: readonly string[], secrets: Iterable<string>): Leak[] {
  const hunter = new Redactor(secrets);
  if (hunter.known().length === 0) return [];
  const leaks: Leak[] = [];
  const files = filesUnder(runDir).map((file) => ({ file, text: readFileSync(file, "utf8") }));
  // One search of everything at once (a NUL cannot be inside a secret), then file by file only to name where.
  if (hunter.leaks(files.map((f) => f.text).join("\u0000"))) {
    for (const { file, text } of files) if (hunter.leaks(text)) leaks.push({ where: relative(runDir, file).split(sep).join("/") });
  }
  if (hunter.leaks(consoleLines.join("\n"))) leaks.push({ where: "console output" });
  return leaks;
}
