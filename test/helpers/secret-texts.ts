// Random texts for the differential tests of the secret search: pieces of noise, one of them (two times in three) a
// secret spelt unit by unit — whole, or a near miss with one character left out. Seeded, so a failure repeats.

/** A seeded generator of whole numbers below n (a linear congruential one: the same texts every run). */
export function seeded(seed: number): (n: number) => number {
  return (n) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) % n;
}

/** A character's code as two hex digits. */
export const hex2 = (c: string) => c.charCodeAt(0).toString(16).padStart(2, "0");

export interface SecretTextOptions {
  secrets: readonly string[];
  noise: readonly string[];
  /** How many pieces of noise: at least the first, up to the first plus the second less one. */
  pieces: [number, number];
  /** How each unit of the secret is written (an escape, a break after it…). */
  spell: (unit: string) => string;
  /** What the pieces are joined with, one picked per text. */
  joiners: readonly string[];
}

/** `count` texts. */
export function secretTexts(rand: (n: number) => number, count: number, o: SecretTextOptions): string[] {
  return Array.from({ length: count }, () => {
    const parts: string[] = [];
    for (let i = 0, n = o.pieces[0] + rand(o.pieces[1]); i < n; i++) parts.push(o.noise[rand(o.noise.length)]!);
    const secret = o.secrets[rand(o.secrets.length)]!;
    // A secret whole, one with a character missing (a near miss), or none.
    const kind = rand(3);
    const units = kind === 1 ? [...secret].filter((_, i) => i !== 5) : [...secret];
    if (kind < 2) parts.splice(rand(parts.length + 1), 0, units.map(o.spell).join(""));
    return parts.join(o.joiners[rand(o.joiners.length)]!);
  });
}
