// Redaction of everything that leaves a case: evidence, check messages, console lines. It learns the secrets of a
// case first (credential headers, the suite's secret JSON fields, captured secrets), then replaces every occurrence
// of each, in plain, URL-encoded, base64 and hex form, wherever it appears — and, on meaning rather than spelling,
// wherever the text decodes to a secret once its JSON escapes, XML references and percent-encoding are read
// (a target may write any character of a JSON string as \uXXXX: RFC 8259 §7).
import { ALLURE_HTTP_REDACTED_VALUE } from "allure-js-commons/http";
import { anyDecodedLevel, ESCAPE_LONGEST, ESCAPE_UNITS, replaceSpans, spansDecodingTo } from "./escapes.ts";
import { SecretMatcher } from "./secret-matcher.ts";
import type { Exchange } from "../run/http-client.ts";

export const REDACTED = ALLURE_HTTP_REDACTED_VALUE;

/** Headers whose values are credentials, compared case-insensitively. */
export const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "http_x_session_key", "cookie", "set-cookie"]);

/** Shorter values are not hunted for inside other text (too likely to match innocent text): only where they stand alone. */
export const MIN_SECRET_LENGTH = 6;

export class Redactor {
  private readonly values = new Set<string>();
  /** Secrets too short to hunt for inside other text: redacted where they stand alone as a token. */
  private readonly short = new Set<string>();
  private found?: SecretMatcher;
  /** joinTable's table, until a form is added. */
  private joins?: Uint8Array;
  /** Keeps no secret as text, only the matcher (which keeps long forms as digests): `secrets()` cannot be asked. */
  private readonly compact: boolean;

  constructor(secrets: Iterable<string> = [], private readonly secretFields: readonly string[] = [], options: { compact?: boolean } = {}) {
    this.compact = options.compact ?? false;
    if (this.compact) this.found = new SecretMatcher();
    for (const s of secrets) this.add(s);
  }

  /** The redactor itself when it is one, else one hunting the given forms: what the leak gate hunts with. */
  static hunting(secrets: Iterable<string> | Redactor): Redactor {
    return secrets instanceof Redactor ? secrets : Redactor.ofForms(secrets);
  }

  /** The length of its longest form (0: it hunts nothing). */
  longestForm(): number {
    return this.matcher()?.longest ?? 0;
  }

  /**
   * Per UTF-16 unit, 1 where text joined across whitespace next to it could spell one of its forms there: the unit is
   * one a form is written with, or part of an escape (which may decode to one). Worked out once until a form is added.
   */
  joinTable(): Uint8Array {
    if (!this.joins) {
      const table = new Uint8Array(0x10000);
      const matcher = this.matcher();
      for (let u = 0; u < 0x10000; u++) if (ESCAPE_UNITS.has(u) || matcher?.holdsUnit(u)) table[u] = 1;
      this.joins = table;
    }
    return this.joins;
  }

  /** How long the longest form can be as written: a character spelt \\u0043 (escaped twice) is 7, so eight a character. */
  longestWritten(): number {
    return this.longestForm() * 8;
  }

  /** Whether it hunts anything. */
  get empty(): boolean {
    return this.matcher()?.empty ?? true;
  }

  /** A redactor for forms already derived (another redactor's secrets()): each is hunted as it is. */
  static ofForms(forms: Iterable<string>): Redactor {
    const r = new Redactor();
    for (const f of forms) if (f) (f.length < MIN_SECRET_LENGTH ? r.short : r.values).add(f);
    return r;
  }

  add(value: string | undefined): void {
    const v = value?.trim();
    if (!v) return;
    if (v.length < MIN_SECRET_LENGTH) {
      for (const f of [v, encodeURIComponent(v), JSON.stringify(v).slice(1, -1)]) this.addForm(f, true);
      return;
    }
    // The forms a target (or a template) may echo a secret in: plain, URL-encoded, JSON-escaped, base64, base64url, hex.
    const forms = [v, encodeURIComponent(v), JSON.stringify(v).slice(1, -1), Buffer.from(v).toString("base64"), Buffer.from(v).toString("base64url"), Buffer.from(v).toString("hex")];
    for (const f of forms) if (f.length >= MIN_SECRET_LENGTH) this.addForm(f, false);
    // A bearer token: the token itself is the secret.
    const bearer = /^Bearer\s+(.+)$/i.exec(v);
    if (bearer) this.add(bearer[1]);
  }

  /** A form hunted from now on: the matcher, once built, takes it in constant time (never rebuilt as secrets grow). */
  private addForm(form: string, short: boolean): void {
    this.joins = undefined;
    if (this.compact) {
      if (short) this.found!.addShort(form);
      else this.found!.addLong(form);
      return;
    }
    const set = short ? this.short : this.values;
    if (set.has(form)) return;
    set.add(form);
    if (short) this.found?.addShort(form);
    else this.found?.addLong(form);
  }

  /** Learns the secrets an exchange carries: credential headers and secret JSON fields in either body. */
  learn(exchange: Exchange): void {
    for (const [name, value] of [...exchange.request.headers, ...(exchange.response?.headers ?? [])]) {
      if (SECRET_HEADERS.has(name.toLowerCase())) this.add(value);
    }
    for (const body of [exchange.request.body, exchange.response?.body]) {
      if (body && this.secretFields.length) this.learnFields(body);
    }
  }

  private learnFields(body: string): void {
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch {
      return;
    }
    // A stack, not recursion: a target's body may nest thousands of levels deep.
    const pending: unknown[] = [doc];
    while (pending.length) {
      const node = pending.pop();
      if (Array.isArray(node)) for (const item of node) pending.push(item);
      else if (node && typeof node === "object") {
        for (const [k, v] of Object.entries(node)) {
          if (this.secretFields.includes(k) && typeof v === "string") this.add(v);
          else pending.push(v);
        }
      }
    }
  }

  text(s: string): string;
  text(s: string | undefined): string | undefined;
  text(s: string | undefined): string | undefined {
    if (!s) return s;
    const matcher = this.matcher();
    if (!matcher) return s;
    const plain = replaceSpans(s, matcher.spans(s), REDACTED);
    // A secret spelt with escapes, wholly or in part: replaced where it is written, the rest left byte for byte.
    return replaceSpans(plain, spansDecodingTo(plain, matcher), REDACTED);
  }

  /** One matcher for every secret, in any letter case: a value that contains another replaced whole; a short one only as a token. */
  private matcher(): SecretMatcher | undefined {
    if (!this.found && (this.values.size || this.short.size)) this.found = new SecretMatcher(this.values, this.short, true);
    return this.found;
  }

  /** The exchange with credential headers masked and every known secret replaced. */
  exchange(e: Exchange): Exchange {
    const headers = (list: [string, string][]): [string, string][] =>
      list.map(([n, v]) => [n, SECRET_HEADERS.has(n.toLowerCase()) ? maskHeader(v) : this.text(v)]);
    return {
      ...e,
      request: { ...e.request, url: this.text(e.request.url), headers: headers(e.request.headers), body: this.text(e.request.body) },
      response: e.response && { ...e.response, headers: headers(e.response.headers), body: this.text(e.response.body) },
      error: e.error && { ...e.error, message: this.text(e.error.message) },
      // Only configured and learnt secrets are masked in the decoded claims; the token itself is a header, masked above.
      ...(e.jwt ? { jwt: JSON.parse(this.text(JSON.stringify(e.jwt))!) as Exchange["jwt"] } : {}),
    };
  }

  /** True when `s` still holds a known secret, as written or once its escapes are decoded (used to prove redaction). */
  leaks(s: string): boolean {
    const matcher = this.matcher();
    if (!matcher) return false;
    const test = (text: string) => matcher.test(text);
    // Around each escape, as far as the longest form can be written, and an escape's own length at each level.
    return test(s) || anyDecodedLevel(s, test, this.longestWritten() + 8 * ESCAPE_LONGEST, 3, this.joinTable());
  }

  /** Every secret value it redacts (with its encodings): what the leak gate hunts for. In memory only, never written. */
  secrets(): string[] {
    if (this.compact) throw new Error("internal error: a compact redactor keeps no secret as text; hunt with the redactor itself");
    return [...this.values, ...this.short];
  }
}

function maskHeader(value: string): string {
  const scheme = /^(Bearer|Basic)\s+/i.exec(value);
  return scheme ? `${scheme[1]} ${REDACTED}` : REDACTED;
}

/** The redactor of one case's result: the run's secrets, those the case captured, and those its exchanges carry. */
export function caseRedactor(result: { steps: { exchange?: Exchange }[]; secrets: string[] }, runSecrets: readonly string[], secretFields?: readonly string[]): Redactor {
  const redactor = new Redactor([...runSecrets, ...result.secrets], secretFields);
  for (const s of result.steps) if (s.exchange) redactor.learn(s.exchange);
  return redactor;
}

/** A case result safe to show anyone: exchanges, check texts and notes redacted; captured secrets dropped. */
export function redactCaseResult<T extends { steps: { exchange?: Exchange; checks: { expected: string; actual?: string }[]; note?: string }[]; reason?: string; secrets: string[] }>(
  result: T,
  redactor: Redactor,
): T {
  return {
    ...result,
    reason: redactor.text(result.reason),
    secrets: [],
    steps: result.steps.map((s) => ({
      ...s,
      exchange: s.exchange && redactor.exchange(s.exchange),
      note: redactor.text(s.note),
      checks: s.checks.map((c) => ({ ...c, expected: redactor.text(c.expected), actual: redactor.text(c.actual) })),
    })),
  };
}
