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
  try {
    return script.runInContext(context, { timeout: REGEX_BUDGET_MS }) as T;
  } catch (err) {
    if ((err as { code?: string }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
      throw new SuitePatternError(`the suite's pattern /${pattern}/ did not finish within ${REGEX_BUDGET_MS} ms on ${text.length} characters (catastrophic backtracking): rewrite it`);
    }
    throw err;
  }
}

export const boundedTest = (pattern: string, text: string): boolean => run<boolean>(testScript, pattern, text);
export const boundedExec = (pattern: string, text: string): RegExpExecArray | null => run<RegExpExecArray | null>(execScript, pattern, text);
