// Text read for its meaning: every way a target or a serialiser may spell one character — JSON string escapes
// (\uXXXX, \", \/ …, RFC 8259 §7), XML character and entity references (&#67; &#x43; &amp;), percent-encoding (%43) —
// decoded, with where each decoded character came from in the text as written. Redaction replaces a secret found in
// the decoded text at its written place (so a secret spelt half escaped, half plain is still one secret); the leak
// gate searches the decoded text of every output. One decoder for both, so they agree on what counts as a spelling.

/** The decoded text and, per decoded character, the span of the written text it came from. */
export interface DecodedText {
  text: string;
  /** Start (inclusive) and end (exclusive) in the written text, per UTF-16 unit of `text`; absent when not asked for. */
  from?: Int32Array;
  to?: Int32Array;
}

const JSON_SIMPLE: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
const XML_NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const HEX = /^[0-9A-Fa-f]+$/;

/**
 * True when the text holds an escape that can spell a secret's characters other than as the secret's own forms do
 * (\uXXXX, \/, a character or entity reference, percent-encoding): the only texts worth decoding. The escapes every
 * JSON text is full of (\" \\ \n) hide nothing a token or key is made of.
 */
export function mayHoldEscapes(text: string): boolean {
  return SPELLING.test(text);
}

const SPELLING_SOURCE = "\\\\u[0-9A-Fa-f]{4}|\\\\\\/|&#|&[a-z]{2,4};|%[0-9A-Fa-f]{2}";
const SPELLING = new RegExp(SPELLING_SOURCE);
/** The longest escape decodeEscapes reads as one: a four-byte character percent-encoded (%F0%9F%98%80). */
export const ESCAPE_LONGEST = 12;
const isEscapeStart = (c: number) => c === 92 /* \ */ || c === 38 /* & */ || c === 37; /* % */
/** A letter or digit: the units a short secret is matched between (as a whole word) by the secret matcher. */
const isWordUnit = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * Units that can be part of an escape (\uXXXX, \/, &#x43;, &amp;, %43 and the JSON escapes), so that text joined
 * across whitespace there may decode to a secret's characters. A quote is left out: \" decodes to a quote, which
 * matters only when a secret holds one (then it is one of the secret's own units).
 */
export const ESCAPE_UNITS: ReadonlySet<number> = new Set([..."\\&%#;/uxX0123456789abcdefABCDEFmplgqost"].map((c) => c.charCodeAt(0)));

/**
 * Whether `test` holds for the text decoded, at any level up to `levels`. Decoding changes a text only at its escapes
 * (those mayHoldEscapes looks for: the others hide nothing a secret is made of), so only the text around them is
 * decoded and tested: elsewhere the decoded text is the text as written, which the caller has already tested. Each
 * window reaches `margin` units past its escapes (at least the longest thing `test` finds) and is cut where decoding
 * the whole text would cut too (no escape straddles its edge) and between words (a short secret, matched as a whole
 * word, stays one); windows that meet are taken together. In a megabyte of base64 or of JSON with a few escapes, that
 * is a few hundred units around each escape instead of the whole text, level after level.
 */
export function anyDecodedLevel(raw: string, test: (text: string) => boolean, margin: number, levels = 3, joins?: Uint8Array): boolean {
  if (levels <= 0) return false;
  for (const [from, to] of spellingWindows(raw, margin, joins)) {
    const written = from === 0 && to === raw.length ? raw : raw.slice(from, to);
    const decoded = decodeEscapes(written).text;
    if (decoded === written) continue;
    if (test(decoded) || anyDecodedLevel(decoded, test, margin, levels - 1, joins)) return true;
  }
  return false;
}

/**
 * `joins`: per UTF-16 unit, 1 where what `test` finds is written with it, escapes included. A thing found in the
 * decoded text that an escape spells part of is written, at every level, with such units alone: its window reaches no
 * further than they go on around the escape (then to where decoding and words allow a cut, as at the margin).
 */
function spellingWindows(raw: string, margin: number, joins?: Uint8Array): [number, number][] {
  const windows: [number, number][] = [];
  const spelling = new RegExp(SPELLING_SOURCE, "g");
  const runAt = joins && runsOf(raw, joins);
  for (let m = spelling.exec(raw); m; m = spelling.exec(raw)) {
    const [runFrom, runTo] = runAt ? runAt(m.index) : [0, raw.length];
    const start = Math.max(0, m.index - margin, runFrom);
    const end = Math.min(raw.length, m.index + ESCAPE_LONGEST + margin, Math.max(runTo, m.index + ESCAPE_LONGEST));
    const last = windows[windows.length - 1];
    // A window starting inside the last one (or just after it) joins it: neither the cut before its start (never later
    // than the start) nor a cut after an end inside it (never past that window's own) is looked for. In text escaped
    // throughout, each cut walks to where the escapes stop: looked for at every escape, that was the square of their
    // number.
    if (last && start <= last[1] + WINDOW_SLACK) {
      if (end > last[1]) last[1] = cutAfter(raw, end);
    } else {
      const from = cutBefore(raw, start);
      const to = cutAfter(raw, end);
      if (last && from <= last[1]) last[1] = Math.max(last[1], to);
      else windows.push([from, to]);
    }
    // The next escape that could widen the window lies past its end.
    const to = windows[windows.length - 1]![1];
    if (spelling.lastIndex < to - margin) spelling.lastIndex = Math.max(spelling.lastIndex, to - margin - ESCAPE_LONGEST);
  }
  return windows;
}

/**
 * Windows closer than this are searched as one: the text between them (read as it is, or decoded between cuts that
 * decoding the whole text makes too) costs less than a search of its own.
 */
export const WINDOW_SLACK = 256;

/** Per UTF-16 unit, 1 for whitespace as \s reads it (ECMAScript's WhiteSpace and LineTerminator). */
export const SPACE_UNITS: Uint8Array = (() => {
  const table = new Uint8Array(0x10000);
  for (const u of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]) table[u] = 1;
  for (let u = 0x2000; u <= 0x200a; u++) table[u] = 1;
  return table;
})();

/**
 * The run of units a table holds (`inRun`, or `also`) around a position, as [from, to): from the unit before it that
 * ends it (or the text's start) to just past the unit after it that ends it (or the text's end) — those units kept, as
 * the neighbours a whole-word match looks at. Asked in order of position, each unit is looked at at most once going
 * back and once going on.
 */
export function runsOf(text: string, inRun: Uint8Array, also?: Uint8Array): (at: number) => [number, number] {
  const other = also ?? new Uint8Array(0);
  let run: [number, number] = [0, 0];
  let stop = -1;
  return (at) => {
    if (at <= stop) return run;
    let k = at;
    for (let u; k - 1 > stop && (inRun[(u = text.charCodeAt(k - 1))] || other[u]); ) k--;
    const from = Math.max(0, k - 1);
    stop = at;
    for (let u; stop < text.length && (inRun[(u = text.charCodeAt(stop))] || other[u]); ) stop++;
    run = [from, Math.min(text.length, stop + 1)];
    return run;
  };
}

/** `p`, or an earlier position where decoding the whole text starts a new unit and no word goes on across. */
function cutBefore(raw: string, p: number): number {
  while (p > 0) {
    if (isWordUnit(raw.charCodeAt(p - 1))) {
      p--;
      continue;
    }
    // An escape starting within its longest before p could reach past p: start at that escape instead.
    let k = p - 1;
    const stop = Math.max(0, p - ESCAPE_LONGEST);
    while (k >= stop && !isEscapeStart(raw.charCodeAt(k))) k--;
    if (k < stop) return p;
    p = k;
  }
  return 0;
}

/** `q`, or a later position where decoding the whole text ends a unit and no word goes on across. */
function cutAfter(raw: string, q: number): number {
  const n = raw.length;
  for (; q < n; q++) {
    // What follows the window must be a character as written, not a letter or digit (nor an escape of one).
    const c = raw.charCodeAt(q);
    if (isWordUnit(c) || isEscapeStart(c)) continue;
    let escape = false;
    for (let k = Math.max(0, q - ESCAPE_LONGEST + 1); k < q && !escape; k++) escape = isEscapeStart(raw.charCodeAt(k));
    if (!escape) return q;
  }
  return n;
}

/**
 * One level of decoding. A sequence that is not a well-formed escape is kept as written. With `positions`, the
 * result maps every decoded unit back to the written span it came from (a surrogate pair from one reference maps both
 * units to that reference).
 */
export function decodeEscapes(raw: string, positions = false): DecodedText {
  // Written unit by unit into an array (a decoded text is never longer than the text as written) and read with char
  // codes, not slices and regular expressions: the leak gate decodes every case's record several levels deep, and
  // most escapes there are a JSON \" each.
  const length = raw.length;
  const out = new Uint16Array(length);
  const from = positions ? new Int32Array(length) : undefined;
  const to = positions ? new Int32Array(length) : undefined;
  let n = 0;
  const emit = (s: string, start: number, end: number) => {
    for (let k = 0; k < s.length; k++, n++) {
      out[n] = s.charCodeAt(k);
      if (from && to) {
        from[n] = start;
        to[n] = end;
      }
    }
  };
  let i = 0;
  while (i < length) {
    const c = raw.charCodeAt(i);
    if (c === 92 /* \ */ && i + 1 < length) {
      const e = raw.charCodeAt(i + 1);
      if (e === 117 /* u */ && i + 6 <= length && hexDigits(raw, i + 2, i + 6)) {
        emit(String.fromCharCode(parseInt(raw.slice(i + 2, i + 6), 16)), i, i + 6);
        i += 6;
        continue;
      }
      const simple = JSON_SIMPLE[raw[i + 1]!];
      if (simple !== undefined) {
        emit(simple, i, i + 2);
        i += 2;
        continue;
      }
    } else if (c === 38 /* & */) {
      // A reference ends within ten characters of its "&" (the longest, &#x10FFFF;): looked for no further.
      let semi = -1;
      for (let k = i + 2; k <= i + 10 && k < length; k++) {
        if (raw.charCodeAt(k) === 59 /* ; */) {
          semi = k;
          break;
        }
      }
      if (semi > 0) {
        const name = raw.slice(i + 1, semi);
        let decoded: string | undefined;
        if (name[0] === "#") {
          const hex = name[1] === "x" || name[1] === "X";
          const digits = name.slice(hex ? 2 : 1);
          const code = digits && (hex ? HEX.test(digits) : /^[0-9]+$/.test(digits)) ? parseInt(digits, hex ? 16 : 10) : NaN;
          if (code >= 0 && code <= 0x10ffff) decoded = String.fromCodePoint(code);
        } else decoded = XML_NAMED[name];
        if (decoded !== undefined) {
          emit(decoded, i, semi + 1);
          i = semi + 1;
          continue;
        }
      }
    } else if (c === 37 /* % */) {
      const seq = percentSequence(raw, i);
      if (seq) {
        emit(seq.text, i, seq.end);
        i = seq.end;
        continue;
      }
    }
    // A run of ordinary characters (this one, and each after it up to one that may start an escape), copied as they are.
    let d = c;
    do {
      out[n] = d;
      if (from && to) {
        from[n] = i;
        to[n] = i + 1;
      }
      n++;
      i++;
      d = i < length ? raw.charCodeAt(i) : 0;
    } while (i < length && d !== 92 && d !== 38 && d !== 37);
  }
  const text = fromUnits(out, n);
  return from && to ? { text, from: from.subarray(0, n), to: to.subarray(0, n) } : { text };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The first n units as a string, each kept as it is (a lone surrogate too). */
function fromUnits(units: Uint16Array, n: number): string {
  if (LITTLE_ENDIAN) return Buffer.from(units.buffer, units.byteOffset, n * 2).toString("utf16le");
  let s = "";
  for (let k = 0; k < n; k += 8192) s += String.fromCharCode(...units.subarray(k, Math.min(n, k + 8192)));
  return s;
}

/** Whether raw[start, end) is all hexadecimal digits. */
function hexDigits(raw: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const d = raw.charCodeAt(k);
    if (!((d >= 48 && d <= 57) || (d >= 65 && d <= 70) || (d >= 97 && d <= 102))) return false;
  }
  return true;
}

/** One percent-encoded character: %HH for ASCII, or a whole UTF-8 sequence (%E2%82%AC); undefined if malformed. */
function percentSequence(raw: string, at: number): { text: string; end: number } | undefined {
  const byte = (k: number) => (k + 3 <= raw.length && raw.charCodeAt(k) === 37 && hexDigits(raw, k + 1, k + 3) ? parseInt(raw.slice(k + 1, k + 3), 16) : -1);
  const lead = byte(at);
  if (lead < 0) return undefined;
  if (lead < 0x80) return { text: String.fromCharCode(lead), end: at + 3 };
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0;
  if (!length) return undefined;
  const bytes = [lead];
  for (let k = 1; k < length; k++) {
    const b = byte(at + 3 * k);
    if (b < 0x80 || b > 0xbf) return undefined;
    bytes.push(b);
  }
  const text = Buffer.from(bytes).toString("utf8");
  return text.includes("\uFFFD") ? undefined : { text, end: at + 3 * length };
}

/**
 * The written spans whose decoded text holds what `finder` finds, at any level up to `levels`: each span covers whole
 * escapes, so replacing it leaves the rest of the text as written.
 */
export function spansDecodingTo(raw: string, finder: { spans(text: string): [number, number][] }, levels = 3): [number, number][] {
  const spans: [number, number][] = [];
  let text = raw;
  // Where each unit of the current level's text starts and ends in `raw` (identity at level 0, so not stored).
  let rawFrom: Int32Array | undefined;
  let rawTo: Int32Array | undefined;
  for (let level = 0; level < levels && mayHoldEscapes(text); level++) {
    const d = decodeEscapes(text, true);
    if (d.text === text) break;
    const from = rawFrom ? d.from!.map((k) => rawFrom![k]!) : d.from!;
    const to = rawTo ? d.to!.map((k) => rawTo![k - 1]!) : d.to!;
    for (const [start, end] of finder.spans(d.text)) spans.push([from[start]!, to[end - 1]!]);
    text = d.text;
    rawFrom = from;
    rawTo = to;
  }
  return mergeSpans(spans);
}

function mergeSpans(spans: [number, number][]): [number, number][] {
  spans.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  return merged;
}

/** `raw` with each span replaced by `by`. */
export function replaceSpans(raw: string, spans: readonly [number, number][], by: string): string {
  if (!spans.length) return raw;
  const parts: string[] = [];
  let at = 0;
  for (const [start, end] of spans) {
    parts.push(raw.slice(at, start), by);
    at = end;
  }
  parts.push(raw.slice(at));
  return parts.join("");
}
