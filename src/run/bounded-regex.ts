// A suite's regular expressions run with a time budget: one written with catastrophic backtracking
// (^([^!]|[^!])*!$ against a long Location) would otherwise hang the run for ever, since a regex cannot be interrupted
// on the main thread. Inside a vm context with a timeout, V8 stops it. Invalid patterns (one made invalid by
// interpolation) are named too. Either way the error says it is the suite's pattern, not the target, at fault.
// The budget's watchdog costs a thread per match, though, and most of a suite's patterns cannot backtrack far: those
// whose backtracking their syntax bounds (growthOf) run directly, on texts short enough for the bound to be small.
import { readFileSync } from "node:fs";
import vm from "node:vm";
import { RegExpParser, type AST } from "@eslint-community/regexpp";

/** How long one match may take. The project's patterns take microseconds. */
export const REGEX_BUDGET_MS = 250;

export class SuitePatternError extends Error {
  override name = "SuitePatternError";
}

const context = vm.createContext({});
const SCRIPTS = { t: new vm.Script("pattern.test(text)"), e: new vm.Script("pattern.exec(text)") };
type Kind = keyof typeof SCRIPTS;

/**
 * How far a pattern can backtrack, read from its syntax: at most `branches` × (n + 1)^`unbounded` ways to try a match
 * from one position of a text of n characters. A quantifier without limit on one character tries up to n + 1 lengths;
 * a bounded one each of its counts; what follows is tried for each way what precedes it matched (the ways multiply),
 * while the alternatives of a choice, and an optional group's two ways, are tried one after the other (they add). A
 * lookaround is tried whole each time it is reached, and never backtracked into once it has matched (JavaScript's are
 * atomic): its ways add to those of what follows it. Undefined where its syntax sets no bound: a group or lookahead
 * repeated more than once, or a backreference (the shapes whose backtracking can grow exponentially), or a pattern
 * this parser does not read.
 */
export interface Growth {
  unbounded: number;
  branches: number;
}

export function growthOf(pattern: string): Growth | undefined {
  let ast: AST.Pattern;
  try {
    ast = new RegExpParser({ ecmaVersion: 2025 }).parsePattern(pattern, 0, pattern.length, { unicode: false });
  } catch {
    return undefined;
  }
  return choice(ast.alternatives);
}

const ONE: Growth = { unbounded: 0, branches: 1 };
// Sums and products of branches × (n + 1)^unbounded, each bounded by its term of highest degree.
const plus = (a: Growth, b: Growth): Growth => ({ unbounded: Math.max(a.unbounded, b.unbounded), branches: a.branches + b.branches });
const times = (a: Growth, b: Growth): Growth => ({ unbounded: a.unbounded + b.unbounded, branches: a.branches * b.branches });
const isLookaround = (e: AST.Element) => e.type === "Assertion" && "alternatives" in e;

function choice(alts: AST.Alternative[]): Growth | undefined {
  let sum: Growth | undefined;
  for (const a of alts) {
    // Right to left: each element's ways times (or, for a lookaround, plus) the ways of what follows it.
    let rest: Growth | undefined = ONE;
    for (let i = a.elements.length - 1; i >= 0 && rest; i--) {
      const e = a.elements[i]!;
      const own = element(e);
      rest = own && (isLookaround(e) ? plus(own, rest) : times(own, rest));
    }
    if (!rest) return undefined;
    sum = sum ? plus(sum, rest) : rest;
  }
  return sum ?? ONE;
}

function element(e: AST.Element): Growth | undefined {
  switch (e.type) {
    case "Backreference":
      return undefined;
    case "Group":
    case "CapturingGroup":
      return choice(e.alternatives);
    case "Assertion":
      return "alternatives" in e ? choice(e.alternatives) : ONE; // ^ $ \b \B hold no choice
    case "Quantifier": {
      const single = e.element.type === "Character" || e.element.type === "CharacterSet" || e.element.type === "CharacterClass";
      if (single) return e.max === Infinity ? { unbounded: 1, branches: 1 } : { unbounded: 0, branches: e.max - e.min + 1 };
      // Repeated, every repetition of a group can backtrack into the others: no bound read from the syntax.
      if (e.max > 1) return undefined;
      if (e.max === 0) return ONE;
      const inner = element(e.element);
      // Taken once or not at all: both ways are tried.
      return inner && (e.min === 1 ? inner : plus(ONE, inner));
    }
    default:
      return ONE; // a character, a class, a set (\d, .): one character, no choice
  }
}

/**
 * The backtracking steps a match may take at most, bounded: a match tried from each of the text's positions, each
 * trying every choice and, for a quantifier without limit, every length. Under this a match takes milliseconds at
 * worst, and runs directly; over it (two unbounded quantifiers on a long text, say) it runs in the vm, with the budget.
 */
const DIRECT_STEPS = 10_000_000;

export function runsDirectly(growth: Growth | undefined, textLength: number): boolean {
  return !!growth && growth.unbounded <= 1 && growth.branches * (textLength + 1) ** (growth.unbounded + 1) <= DIRECT_STEPS;
}

/** Each pattern compiled, and its growth read, once (so many at most: an interpolated pattern may be new each case). */
const PATTERNS = 4096;
const patterns = new Map<string, { re: RegExp; growth: Growth | undefined }>();

function compiled(pattern: string): { re: RegExp; growth: Growth | undefined } {
  let known = patterns.get(pattern);
  if (known) return known;
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (err) {
    throw new SuitePatternError(`the suite's pattern /${pattern}/ is not a valid regular expression: ${(err as Error).message}`);
  }
  known = { re, growth: growthOf(pattern) };
  if (patterns.size >= PATTERNS) patterns.delete(patterns.keys().next().value!);
  patterns.set(pattern, known);
  return known;
}

function run<T>(kind: Kind, pattern: string, text: string): T {
  const { re, growth } = compiled(pattern);
  // No `g` or `y` flag: the expression keeps no state between matches, and one object serves every call.
  if (runsDirectly(growth, text.length)) return (kind === "t" ? re.test(text) : re.exec(text)) as T;
  Object.assign(context, { pattern: re, text });
  for (let attempt = 1; ; attempt++) {
    // The budget is CPU, but V8 can only stop a match by the wall clock. A match that ran out of time without having
    // had most of the budget's CPU was starved (a busy machine), not backtracking: it is tried again with twice the time
    // (a verdict must not depend on the machine's load), until it has had the budget's CPU. Tried again at the same
    // time, a starved match would be starved again: on a machine three times oversubscribed it never got the CPU and
    // spent forty attempts (ten seconds of CPU) before being blamed all the same.
    const wallMs = Math.min(REGEX_BUDGET_MS * 2 ** (attempt - 1), MAX_WALL_MS);
    const before = threadCpuMs();
    try {
      return SCRIPTS[kind].runInContext(context, { timeout: wallMs }) as T;
    } catch (err) {
      if ((err as { code?: string }).code !== "ERR_SCRIPT_EXECUTION_TIMEOUT") throw err;
      const cpuMs = threadCpuMs() - before;
      if (cpuMs < REGEX_BUDGET_MS * 0.8 && attempt < MAX_STARVED_ATTEMPTS) continue;
      throw new SuitePatternError(`the suite's pattern /${pattern}/ did not finish within ${REGEX_BUDGET_MS} ms of CPU on ${text.length} characters (catastrophic backtracking): rewrite it`);
    }
  }
}

/**
 * A starved match's longest wait, and how often it is tried: 250 ms, doubling up to 30 s, twelve tries (3 min in all)
 * give the match its 200 ms of CPU at a share of the CPU under 1%.
 */
const MAX_WALL_MS = 30_000;
const MAX_STARVED_ATTEMPTS = 12;

/**
 * The CPU this thread has used, in ms: the match runs on it, while the process's other threads (the sandbox and the
 * outputs, beside a run's cases) may be busy too, and counted with them a starved match could look like one that had
 * its budget. Linux gives a thread's CPU in /proc/thread-self/stat (in ticks of 10 ms, fine against a 200 ms mark);
 * elsewhere the process's is what there is.
 */
function threadCpuMs(): number {
  try {
    const stat = readFileSync("/proc/thread-self/stat", "latin1");
    // utime and stime, the 14th and 15th fields: the 12th and 13th after the command's name, which may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1000;
  }
}

// A bounded match costs a watchdog thread (about half a millisecond); a run asks the same pattern of the same text
// again and again (a diagnostics pattern of every step's answer, a variant tried on each check): answered once. Only
// short texts are kept, and only so many, so the cache stays small.
const CACHE_ENTRIES = 4096;
const CACHE_TEXT_CHARS = 4096;
const cache = new Map<string, boolean | RegExpExecArray | null>();

function cached<T extends boolean | RegExpExecArray | null>(kind: Kind, pattern: string, text: string): T {
  if (text.length > CACHE_TEXT_CHARS) return run<T>(kind, pattern, text);
  const key = `${kind}${pattern.length}:${pattern}${text}`;
  if (cache.has(key)) return ownCopy(cache.get(key)!) as T;
  const result = run<T>(kind, pattern, text);
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, ownCopy(result));
  return result;
}

/** An exec result is an array its caller may change: the cache keeps one of its own, and hands out copies. */
function ownCopy<T extends boolean | RegExpExecArray | null>(r: T): T {
  return (Array.isArray(r) ? Object.assign([...r], { index: r.index, input: r.input, groups: r.groups }) : r) as T;
}

export const boundedTest = (pattern: string, text: string): boolean => cached<boolean>("t", pattern, text);
export const boundedExec = (pattern: string, text: string): RegExpExecArray | null => cached<RegExpExecArray | null>("e", pattern, text);
