// Finding every known secret in a text at once, in any letter case. A run knows thousands of secret forms (every JWT
// of every case, each plain, URL-encoded, base64, base64url and hex), and an assessment learns more with every request.
// One expression of the forms' distinct first four characters (few: the JWTs of a run share theirs) finds the
// positions where any form could start, natively; only there are the forms looked up — in a set per length, longest
// first (a form that contains another is matched whole) — behind a cheap check of their first sixteen characters. A
// form is added in constant time (a set entry), so learning a secret per request never rebuilds anything that grows
// with the number already known. Forms too short to hunt inside other text match only as a whole token. A form of
// DIGEST_FROM characters or more is kept as a SHA-256 digest, not as text: an assessment learns a JWT with every
// request, a dozen forms of several hundred characters each, and held as text they were most of its memory.

import { createHash } from "node:crypto";

const PREFIX = 4;
const GUARD = 16;
const DIGEST_FROM = 64;
/** A long form's key: itself (lower-cased) when short, else its digest (128 bits of SHA-256: a collision is not a risk). */
const keyOf = (lower: string) => (lower.length < DIGEST_FROM ? lower : `#${createHash("sha256").update(lower).digest("base64").slice(0, 22)}`);
/** A literal text as a regular expression that matches it. */
export const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export class SecretMatcher {
  /** Where a long form could start: any of their first four characters (rebuilt only when a new prefix appears). */
  private starts?: RegExp;
  private readonly prefixes = new Set<string>();
  /** Each long form, lower-cased, by length; the lengths longest first, those of GUARD or more apart. */
  private readonly byLength = new Map<number, Set<string>>();
  private longLengths: number[] = [];
  /** The longest form's length. */
  longest = 0;
  private shortLengths: number[] = [];
  /** The first GUARD characters of every form that long: a candidate whose own differ starts none of them. */
  private readonly guards = new Set<string>();
  private readonly shorts = new Set<string>();
  /** The short forms, only as whole tokens (rebuilt when one is added: they are few). */
  private shortPattern?: RegExp;
  /**
   * Every UTF-16 unit any form is written with, in either letter case: ASCII (every encoding's) in a byte per unit, the
   * rest in a set. An assessment adds a dozen forms of several hundred characters with every request, and a set alone
   * made that a fifth of its CPU.
   */
  private readonly ascii = new Uint8Array(128);
  private readonly otherUnits = new Set<number>();
  /** Forms whose units are recorded only when a unit is first asked about (`unitsWhenAsked`). */
  private unitsOwed: string[] = [];

  /**
   * `unitsWhenAsked`: record the forms' units only once `holdsUnit` is asked (the forms are kept until then). A case's
   * redactor, which holds its forms as text anyway and never asks, is spared reading every character of them: a
   * matcher's largest cost. A matcher that must not keep its forms as text (an assessment's) records them as added.
   */
  constructor(long: Iterable<string> = [], short: Iterable<string> = [], private readonly unitsWhenAsked = false) {
    for (const f of long) this.addLong(f);
    for (const f of short) this.addShort(f);
  }

  addLong(form: string): void {
    if (form.length < PREFIX) return this.addShort(form);
    this.addUnits(form);
    // Keyed by the form's own length, compared lower-cased: a text's slice of that length is lower-cased the same way.
    let set = this.byLength.get(form.length);
    if (!set) {
      this.byLength.set(form.length, (set = new Set()));
      const lengths = [...this.byLength.keys()].sort((a, b) => b - a);
      this.longLengths = lengths.filter((l) => l >= GUARD);
      this.shortLengths = lengths.filter((l) => l < GUARD);
    }
    set.add(keyOf(form.toLowerCase()));
    if (form.length > this.longest) this.longest = form.length;
    if (form.length >= GUARD) this.guards.add(form.slice(0, GUARD).toLowerCase());
    const prefix = form.slice(0, PREFIX).toLowerCase();
    if (!this.prefixes.has(prefix)) {
      this.prefixes.add(prefix);
      this.starts = undefined;
    }
  }

  addShort(form: string): void {
    if (!form || this.shorts.has(form)) return;
    this.addUnits(form);
    this.shorts.add(form);
    if (form.length > this.longest) this.longest = form.length;
    this.shortPattern = undefined;
  }

  private addUnits(form: string): void {
    if (this.unitsWhenAsked) this.unitsOwed.push(form);
    else this.recordUnits(form);
  }

  private recordUnits(form: string): void {
    // An ASCII form (every encoding of a secret is one) in one pass, its letters then recorded in both cases.
    let i = 0;
    for (let unit; i < form.length && (unit = form.charCodeAt(i)) < 128; i++) this.ascii[unit] = 1;
    if (i === form.length) {
      for (let upper = 65; upper <= 90; upper++) if (this.ascii[upper] || this.ascii[upper + 32]) this.ascii[upper] = this.ascii[upper + 32] = 1;
      return;
    }
    for (const f of [form.toLowerCase(), form.toUpperCase()]) {
      for (let i = 0; i < f.length; i++) {
        const unit = f.charCodeAt(i);
        if (unit < 128) this.ascii[unit] = 1;
        else this.otherUnits.add(unit);
      }
    }
  }

  /** Whether some form is written with this unit (in either letter case). */
  holdsUnit(unit: number): boolean {
    if (this.unitsOwed.length) {
      for (const form of this.unitsOwed) this.recordUnits(form);
      this.unitsOwed = [];
    }
    return unit < 128 ? this.ascii[unit] === 1 : this.otherUnits.has(unit);
  }

  get empty(): boolean {
    return this.byLength.size === 0 && this.shorts.size === 0;
  }

  /** Every span [start, end) holding a secret, in order, none overlapping. `first`: stop at the first. */
  spans(text: string, first = false): [number, number][] {
    const found: [number, number][] = [];
    if (this.prefixes.size) {
      const starts = (this.starts ??= new RegExp(trieSource(this.prefixes), "gi"));
      starts.lastIndex = 0;
      for (let s = starts.exec(text); s; s = starts.exec(text)) {
        const i = s.index;
        const length = this.longestAt(text, i);
        // Candidates may overlap: after a miss, look again from the next character.
        starts.lastIndex = length ? i + length : i + 1;
        if (!length) continue;
        found.push([i, i + length]);
        if (first) return found;
      }
    }
    if (this.shorts.size) {
      const pattern = (this.shortPattern ??= new RegExp([...this.shorts].sort((a, b) => b.length - a.length).map((v) => `(?<![A-Za-z0-9])${escapeRegExp(v)}(?![A-Za-z0-9])`).join("|"), "gi"));
      pattern.lastIndex = 0;
      for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
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

  /** The length of the longest long form starting at `i`, or 0. */
  private longestAt(text: string, i: number): number {
    const rest = text.length - i;
    // One look at the next GUARD characters rules out every form that long (most candidates: hex or base64 that only
    // shares four characters with a secret's encoding).
    if (rest >= GUARD && this.guards.has(text.slice(i, i + GUARD).toLowerCase())) {
      for (const length of this.longLengths) {
        if (length <= rest && this.byLength.get(length)!.has(keyOf(text.slice(i, i + length).toLowerCase()))) return length;
      }
    }
    for (const length of this.shortLengths) {
      if (length <= rest && this.byLength.get(length)!.has(text.slice(i, i + length).toLowerCase())) return length;
    }
    return 0;
  }

  /** True when the text holds a secret. */
  test(text: string): boolean {
    return this.spans(text, true).length > 0;
  }
}

/**
 * The words as one expression shaped as a trie (`a(?:bc|de)|f…`, not `abc|ade|f…`): irregexp tries a flat alternation
 * word by word at every position, which made the scan of a 20 MB report the largest part of its secret search; the
 * trie rules most positions out at the first character (about three times faster there).
 */
export function trieSource(words: Iterable<string>): string {
  type Node = Map<string, Node>;
  const root: Node = new Map();
  for (const word of words) {
    let node = root;
    for (const ch of word) {
      let next = node.get(ch);
      if (!next) node.set(ch, (next = new Map()));
      node = next;
    }
    node.set("", new Map());
  }
  const emit = (node: Node): string => {
    const ends = node.has("");
    const alternatives = [...node].filter(([ch]) => ch !== "").map(([ch, child]) => escapeRegExp(ch) + emit(child));
    if (!alternatives.length) return "";
    const group = alternatives.length === 1 ? alternatives[0]! : `(?:${alternatives.join("|")})`;
    return ends ? `(?:${group})?` : group;
  };
  return emit(root);
}
