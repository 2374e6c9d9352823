// The leak gate: before anything is written, every secret the run knows of (configured secrets, and the session
// keys, JWTs and tokens its cases met) is hunted for in everything the outputs are rendered from — each case's
// record, the requirement verdicts — and in the console output. A hit fails the run; the message names where, never
// what.
import { Redactor } from "../run/redact.ts";

export interface Leak {
  /** A case, the verdicts, the console output, or a file. */
  where: string;
}

export function findLeaks(sources: Iterable<{ where: string; text: string }>, secrets: Iterable<string>): Leak[] {
  const hunter = Redactor.ofForms(secrets);
  if (hunter.secrets().length === 0) return [];
  return [...sources].filter((s) => hunter.leaks(s.text)).map((s) => ({ where: s.where }));
}
