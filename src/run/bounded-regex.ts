// A suite's regular expressions run with a time budget: one written with catastrophic backtracking
// (^([^!]|[^!])*!$ against a long Location) would otherwise hang the run for ever, since a regex cannot be interrupted
// on the main thread. Inside a vm context with a timeout, V8 stops it. Invalid patterns (one made invalid by
// interpolation) are named too. Either way the error says it is the suite's pattern, not the target, at fault.
import vm from "node:vm";

/** How long one match may take. The project's patterns take microseconds. */
export const REGEX_BUDGET_MS = 250;

export class SuitePatternError extends Error {
  override name = "SuitePatternError";
}

const context = vm.createContext({});
const testScript = new vm.Script("pattern.test(text)");
const execScript = new vm.Script("pattern.exec(text)");

function compile(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (err) {
    throw new SuitePatternError(`the suite's pattern /${pattern}/ is not a valid regular expression: ${(err as Error).message}`);
  }
}

function run<T>(script: vm.Script, pattern: string, text: string): T {
  const re = compile(pattern);
  Object.assign(context, { pattern: re, text });
  for (let attempt = 1; ; attempt++) {
    // CPU is measured only once a match has run out of time (a match takes microseconds: the hot path pays nothing).
    const before = attempt > 1 ? process.cpuUsage() : undefined;
    try {
      return script.runInContext(context, { timeout: REGEX_BUDGET_MS }) as T;
    } catch (err) {
      if ((err as { code?: string }).code !== "ERR_SCRIPT_EXECUTION_TIMEOUT") throw err;
      // The budget is wall time, but a verdict must not depend on the machine's load: a match that ran out of time
      // without having had most of the budget's CPU was starved, not backtracking, and is tried again.
      if (!before) continue;
      const used = process.cpuUsage(before);
      const cpuMs = (used.user + used.system) / 1000;
      if (cpuMs < REGEX_BUDGET_MS * 0.8 && attempt < MAX_STARVED_ATTEMPTS) continue;
      throw new SuitePatternError(`the suite's pattern /${pattern}/ did not finish within ${REGEX_BUDGET_MS} ms of CPU on ${text.length} characters (catastrophic backtracking): rewrite it`);
    }
  }
}

/** How often a match starved of CPU is tried again before it is called the pattern's fault. */
const MAX_STARVED_ATTEMPTS = 40;

// A bounded match costs a watchdog thread (about half a millisecond); a run asks the same pattern of the same text
// again and again (a diagnostics pattern of every step's answer, a variant tried on each check): answered once. Only
// short texts are kept, and only so many, so the cache stays small.
const CACHE_ENTRIES = 4096;
const CACHE_TEXT_CHARS = 4096;
const cache = new Map<string, boolean | RegExpExecArray | null>();

function cached<T extends boolean | RegExpExecArray | null>(kind: "t" | "e", script: vm.Script, pattern: string, text: string): T {
  if (text.length > CACHE_TEXT_CHARS) return run<T>(script, pattern, text);
  const key = `${kind}${pattern.length}:${pattern}${text}`;
  if (cache.has(key)) return ownCopy(cache.get(key)!) as T;
  const result = run<T>(script, pattern, text);
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, ownCopy(result));
  return result;
}

/** An exec result is an array its caller may change: the cache keeps one of its own, and hands out copies. */
function ownCopy<T extends boolean | RegExpExecArray | null>(r: T): T {
  return (Array.isArray(r) ? Object.assign([...r], { index: r.index, input: r.input, groups: r.groups }) : r) as T;
}

export const boundedTest = (pattern: string, text: string): boolean => cached<boolean>("t", testScript, pattern, text);
export const boundedExec = (pattern: string, text: string): RegExpExecArray | null => cached<RegExpExecArray | null>("e", execScript, pattern, text);
