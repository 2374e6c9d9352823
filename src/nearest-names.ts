// The known names nearest to one typed wrongly, for messages that say "did you mean …?": a suite, tag or requirement
// id in a filter, a waiver's requirement, a misspelt configuration key.
import { distance } from "fastest-levenshtein";

/** Up to three known values nearest to `typed`: containing it (or contained in it), or within a few edits. */
export function closest(typed: string, known: readonly string[]): string[] {
  const t = typed.toLowerCase();
  const limit = Math.max(2, Math.floor(t.length / 3));
  const scored = known.map((k) => {
    const v = k.toLowerCase();
    return { k, score: distance(t, v), near: v.includes(t) || t.includes(v) };
  });
  return scored.filter((s) => s.near || s.score <= limit).sort((a, b) => a.score - b.score || a.k.localeCompare(b.k)).slice(0, 3).map((s) => s.k);
}
