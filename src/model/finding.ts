// What a client rule found in one request or one pointer file: pass or fail, what the rule expected, what was sent,
// and where (the header, claim or element path). A rule that the request did not exercise gives no finding at all:
// its verdict stays not-run, never passed.
export interface Finding {
  rule: string;
  outcome: "pass" | "fail";
  expected: string;
  /** What was sent, when the rule failed. */
  actual?: string;
  /** Where: a header (`header fromASID`), a JWT claim (`JWT claim exp`), or an element path (`DocumentReference.subject.reference`). */
  path?: string;
}

/** A small builder, so each rule reads as one expectation: `rule.pass()` or `rule.fail(actual, path)`. */
export function ruleOf(rule: string, expected: string) {
  return {
    pass: (): Finding => ({ rule, outcome: "pass", expected }),
    fail: (actual: string, path?: string): Finding => ({ rule, outcome: "fail", expected, actual, ...(path ? { path } : {}) }),
    /** pass when `ok`, otherwise fail with what was sent. */
    check: (ok: boolean, actual: string, path?: string): Finding => (ok ? { rule, outcome: "pass", expected } : { rule, outcome: "fail", expected, actual, ...(path ? { path } : {}) }),
  };
}

/**
 * Why a value the sandbox's directory lacks may be the test data's doing: a supplier's real ASID or ODS code is not in
 * the sandbox's directory until they give it one (SANDBOX_DIRECTORY). Said beside the verdict, so it is not mistaken
 * for a fault of the system.
 */
export const NOT_IN_DIRECTORY = "not in the sandbox directory (if it is your real one, give the sandbox a directory that has it: SANDBOX_DIRECTORY)";

/** A value as a message shows it: strings quoted, absent as "nothing". */
export function shown(v: unknown): string {
  if (v === undefined) return "nothing";
  const text = typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
