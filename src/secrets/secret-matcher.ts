// Finding every known secret in a text at once, in any letter case. A run knows thousands of secret forms (every JWT
// of every case, each plain, URL-encoded, base64, base64url and hex), and one regular expression alternating over all
// of them tries each at every position of every text: the leak gate spent seconds there. Instead, one expression of
// the forms' distinct first four characters (few: the JWTs of a run share theirs) finds the positions where any form
// could start, natively, and only there is the whole alternation tried, anchored. Forms too short to hunt inside
// other text match only as a whole token.

const PREFIX = 4;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export class SecretMatcher {
  /** Where a long form could start: any of their first four characters. */
  private readonly starts?: RegExp;
  /** Every long form, longest first (a form that contains another is matched whole), tried at one position. */
  private readonly anchored?: RegExp;
  /** The short forms, only as whole tokens. */
  private readonly shortPattern?: RegExp;

  constructor(long: Iterable<string>, short: Iterable<string>) {
    const forms = [...new Set(long)].filter((f) => f.length >= PREFIX).sort((a, b) => b.length - a.length);
    if (forms.length) {
      const prefixes = [...new Set(forms.map((f) => f.slice(0, PREFIX).toLowerCase()))];
      this.starts = new RegExp(prefixes.map(escapeRegExp).join("|"), "gi");
      this.anchored = new RegExp(forms.map(escapeRegExp).join("|"), "iy");
    }
    const shorts = [...new Set(short)].sort((a, b) => b.length - a.length);
    if (shorts.length) this.shortPattern = new RegExp(shorts.map((v) => `(?<![A-Za-z0-9])${escapeRegExp(v)}(?![A-Za-z0-9])`).join("|"), "gi");
  }

  get empty(): boolean {
    return !this.anchored && !this.shortPattern;
  }

  /** Every span [start, end) holding a secret, in order, none overlapping. `first`: stop at the first. */
  spans(text: string, first = false): [number, number][] {
    const found: [number, number][] = [];
    if (this.anchored && this.starts) {
      const starts = this.starts;
      starts.lastIndex = 0;
      for (let s = starts.exec(text); s; s = starts.exec(text)) {
        const i = s.index;
        this.anchored.lastIndex = i;
        const m = this.anchored.exec(text);
        // Candidates may overlap: after a miss, look again from the next character.
        starts.lastIndex = m ? i + m[0].length : i + 1;
        if (!m) continue;
        found.push([i, i + m[0].length]);
        if (first) return found;
      }
    }
    if (this.shortPattern) {
      this.shortPattern.lastIndex = 0;
      for (let m = this.shortPattern.exec(text); m; m = this.shortPattern.exec(text)) {
        found.push([m.index, m.index + m[0].length]);
        if (first) return found;
      }
      // Long and short spans may overlap: keep the earliest, then the longer.
      found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
      const kept: [number, number][] = [];
      let end = -1;
      for (const s of found) {
        if (s[0] < end) continue;
        kept.push(s);
        end = s[1];
      }
      return kept;
    }
    return found;
  }

  /** True when the text holds a secret. */
  test(text: string): boolean {
    return this.spans(text, true).length > 0;
  }
}
