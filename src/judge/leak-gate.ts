// The leak gate: before anything is written, every secret the run knows of (configured secrets, and the session
// keys, JWTs and tokens its cases met) is hunted for in everything the outputs are rendered from — each case's
// record, the requirement verdicts — and in the console output. A hit fails the run; the message names where, never
// what.
import { isAscii } from "node:buffer";
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { Redactor } from "../secrets/redact.ts";
import { runsOf, SPACE_UNITS, WINDOW_SLACK } from "../secrets/escapes.ts";

export interface Leak {
  /** A case, the verdicts, the console output, or a file. */
  where: string;
}

export function findLeaks(sources: Iterable<{ where: string; text: string }>, secrets: Iterable<string> | Redactor): Leak[] {
  const hunter = Redactor.hunting(secrets);
  if (hunter.empty) return [];
  return [...sources].filter((s) => found(hunter, s.text)).map((s) => ({ where: s.where }));
}

/** The leak gate over what a judged run's outputs are rendered from: each case, the verdicts, the console output. */
export function findLeaksInRun(run: { cases: readonly { key: string }[]; requirements: unknown; printed: readonly string[]; requestLog?: unknown }, secrets: Iterable<string> | Redactor): Leak[] {
  return findLeaks([
    ...run.cases.map((c) => ({ where: `case ${c.key}`, text: stringsOf(c) })),
    { where: "requirement verdicts", text: stringsOf(run.requirements) },
    ...(run.requestLog ? [{ where: "request log", text: stringsOf(run.requestLog) }] : []),
    { where: "console output", text: run.printed.join("\n") },
  ], secrets);
}

/**
 * Every string of a record (member names too) and every number, each once, joined by NULs (which no secret's form
 * holds, so no two join into one): what any output rendered from the record shows. Searched as they are, not as
 * JSON text, which would first have to be unescaped (a level of decoding over every quote of every body), and a body's
 * line breaks are then real ones, which the search also reads across (a wrapped base64 block).
 */
function stringsOf(record: unknown): string {
  const parts: string[] = [];
  // A stack, not recursion: a target's body kept as a parsed value may nest thousands of levels deep.
  const pending: unknown[] = [record];
  while (pending.length) {
    const value = pending.pop();
    if (typeof value === "string") parts.push(value);
    else if (typeof value === "number" || typeof value === "bigint") parts.push(String(value));
    else if (Array.isArray(value)) for (let i = value.length - 1; i >= 0; i--) pending.push(value[i]);
    else if (value && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) {
        parts.push(key);
        pending.push(inner);
      }
    }
  }
  return parts.join("\0");
}

/**
 * A secret as written, or spelt so that a reader turns it back into the secret: with JSON escapes, XML references or
 * percent-encoding (the hunter decodes those, src/secrets/escapes.ts), or split across lines (a wrapped base64 block).
 */
function found(hunter: Redactor, text: string): boolean {
  if (hunter.leaks(text)) return true;
  // Read across whitespace: only where some was taken out can the joined text hold a secret the text does not, so
  // only there is it searched — each stretch of whitespace with as much text either side as the longest form can be
  // written in, stretches that overlap taken together. And only a stretch between two units that a form (or an escape
  // spelling one) could be written with: a form read across it holds both. JSON's indentation (after a comma, a brace
  // or a colon) joins nothing; in a report's megabytes of base64, a few lines around its markup are searched. Nor
  // does a form read across whitespace reach past a unit no form or escape is written with (a quote, a bracket, a
  // comma…): the stretch searched ends there, that unit kept as the neighbour a whole-word match looks at.
  const margin = hunter.longestWritten();
  const space = /\s+/g;
  let from = -1;
  let to = -1;
  const joins = hunter.joinTable();
  const runAt = runsOf(text, joins, SPACE_UNITS);
  for (let m = space.exec(text); m; m = space.exec(text)) {
    const after = m.index + m[0].length;
    if (m.index === 0 || after === text.length || !joins[text.charCodeAt(m.index - 1)] || !joins[text.charCodeAt(after)]) continue;
    const [runFrom, runTo] = runAt(m.index);
    const start = Math.max(m.index - margin, runFrom);
    const end = Math.min(after + margin, runTo);
    if (from >= 0 && start > to + WINDOW_SLACK) {
      if (joinedLeaks(hunter, text, from, to)) return true;
      from = -1;
    }
    if (from < 0) from = start;
    to = Math.max(to, end);
  }
  return from >= 0 && joinedLeaks(hunter, text, from, to);
}

function joinedLeaks(hunter: Redactor, text: string, from: number, to: number): boolean {
  return hunter.leaks(text.slice(from, to).replace(/\s+/g, ""));
}

/** Files are read this much at a time, with an overlap, so no file is ever held whole however large it is. */
const CHUNK = 8 * 1024 * 1024;

/**
 * The written outputs, file by file: every file of the run folder (and the history files beside it), as written —
 * and the single-file report's embedded data, which is base64, decoded. `where` names each file relative to `root`.
 */
export function findLeaksInFiles(files: readonly { path: string; where: string }[], secrets: Iterable<string> | Redactor, known: readonly string[] = []): Leak[] {
  const hunter = Redactor.hunting(secrets);
  // The overlap holds the longest form however it is spelt.
  const longest = hunter.longestWritten();
  if (!longest) return [];
  const search = (text: string) => found(hunter, text);
  // The single-file report is read whole: its embedded data must be decoded block by block, not cut. `known`: texts
  // that hold no run data (the report app's own code, allureStaticParts), left out of a page before it is searched.
  const searchPage = (path: string) => {
    const parts = pageParts(path, hunter.joinTable(), known);
    return parts.some((part) => found(hunter, part)) || parts.some((part) => embeddedLeak(part, hunter));
  };
  return files.filter((f) => (/\.html?$/.test(f.path) ? searchPage(f.path) : anyPart(f.path, longest, search))).map((f) => ({ where: f.where }));
}

/** More parts than this (a page of prose in another script) and the page is read whole: parts would gain nothing. */
const MAX_PARTS = 1000;

/**
 * A page's text, in the parts a secret can be found in: split at each known part (left out) and at each character that
 * is inert — not whitespace, and no unit a form or an escape is written with (`joins`) —, which no secret read in any
 * way (plain, decoded, joined across whitespace) can hold, reach across, or be cut by. A page holding no other
 * character beyond ASCII is read as one-byte text: the dash in the report's title made all 20 MB of it two bytes a
 * unit, slower to decode, copy and search. A page holding any other (a Unicode space, a character of a secret) is read
 * whole, as UTF-8.
 */
function pageParts(path: string, joins: Uint8Array, known: readonly string[]): string[] {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch {
    return [];
  }
  const stretches: string[] = [];
  const whole = () => withoutKnown([buf.toString("utf8")], known);
  let from = 0;
  for (const [start, end] of nonAsciiRuns(buf)) {
    // Text full of such characters (prose in another script) gains nothing in parts: read whole.
    if (stretches.length === MAX_PARTS) return whole();
    const chars = buf.toString("utf8", start, end);
    for (let i = 0; i < chars.length; i++) {
      const unit = chars.charCodeAt(i);
      if (joins[unit] || SPACE_UNITS[unit]) return whole();
    }
    stretches.push(buf.toString("latin1", from, start));
    from = end;
  }
  stretches.push(buf.toString("latin1", from));
  return withoutKnown(stretches, known);
}

/** [start, end) of each run of bytes beyond ASCII (whole UTF-8 characters), a block all ASCII passed over natively. */
function* nonAsciiRuns(buf: Buffer): Generator<[number, number]> {
  const BLOCK = 64 * 1024;
  for (let i = 0; i < buf.length; ) {
    const blockEnd = Math.min(buf.length, i + BLOCK);
    if (isAscii(buf.subarray(i, blockEnd))) {
      i = blockEnd;
      continue;
    }
    while (buf[i]! < 0x80) i++;
    let end = i;
    while (end < buf.length && buf[end]! >= 0x80) end++;
    yield [i, end];
    i = end;
  }
}

/** The parts with each occurrence of the known texts taken out: each cut is a split, which joins nothing on either side. */
function withoutKnown(parts: string[], known: readonly string[]): string[] {
  let rest = parts;
  for (const text of known) {
    if (!text) continue;
    rest = rest.flatMap((part) => {
      const pieces: string[] = [];
      let from = 0;
      for (let at = part.indexOf(text); at >= 0; at = part.indexOf(text, from)) {
        pieces.push(part.slice(from, at));
        from = at + text.length;
      }
      pieces.push(from ? part.slice(from) : part);
      return pieces;
    });
  }
  return rest.filter((part) => part.length);
}

/**
 * Whether `test` holds for some part of a file, read CHUNK at a time with `overlap` bytes of the next. A file that
 * cannot be read holds nothing.
 */
function anyPart(path: string, overlap: number, test: (text: string) => boolean): boolean {
  let fd: number;
  let size: number;
  try {
    size = statSync(path).size;
    fd = openSync(path, "r");
  } catch {
    return false;
  }
  try {
    const buf = Buffer.alloc(Math.min(size, CHUNK + overlap));
    for (let at = 0; at < size; at += CHUNK) {
      if (test(buf.subarray(0, readSync(fd, buf, 0, buf.length, at)).toString("utf8"))) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

/**
 * The base64 blocks an HTML report embeds its data in, decoded and searched. The blocks are found between runs of
 * other characters (a native scan; an expression matching a block itself overflows the stack on one of megabytes).
 */
function embeddedLeak(html: string, hunter: Redactor): boolean {
  const SLICE = 4 * 1024 * 1024; // a multiple of 4: each slice decodes on its own
  const other = /[^A-Za-z0-9+/=]+/g;
  for (let start = 0; start < html.length; ) {
    const m = other.exec(html);
    const end = m ? m.index : html.length;
    if (end - start >= 64) {
      for (let at = start; at < end; at += SLICE) {
        if (hunter.leaks(Buffer.from(html.slice(at, Math.min(end, at + SLICE + 4 * 64)), "base64").toString("utf8"))) return true;
      }
    }
    if (!m) break;
    start = end + m[0].length;
  }
  return false;
}

// A JWT as Spine and e-RS carry them: two base64url JSON sections ("eyJ" is the encoding of '{"'), then the signature
// (empty for Spine's unsecured tokens). The harness never writes one unredacted, so one in a carried file is a leak.
const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/;

/**
 * Files carried forward from earlier runs (Allure's history) hunted for secrets by their shape: an earlier run's JWT
 * is no secret this run knows, yet the new report would embed it. (Configured secrets are hunted by findLeaksInFiles.)
 */
export function findShapedLeaksInFiles(files: readonly { path: string; where: string }[]): Leak[] {
  return files.filter((f) => anyPart(f.path, 4096, (text) => JWT_SHAPE.test(text))).map((f) => ({ where: `${f.where} (an earlier run's JWT: remove that file to start the history afresh)` }));
}
