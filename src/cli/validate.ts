// spine-assure validate FILE…: pointer payloads judged offline against the client catalogue's payload rules, before a
// provider system sends them. JSON or XML, told apart by content; a folder stands for its *.json and *.xml files.
// Exit 0 every file valid, 1 any invalid, 2 a file that cannot be read (or a usage mistake).
import { readFileSync, statSync } from "node:fs";
import { relative } from "node:path";
import { clientCatalogue, type ClientRule } from "../client/catalogue.ts";
import type { Finding } from "../client/finding.ts";
import { pointerFindings, readPointer, sniffFormat } from "../client/pointer-rules.ts";
import { filesUnder } from "../files-under.ts";
import { EXIT } from "../model/status.ts";
import { terminalSafe } from "../report/console.ts";
import { loadDirectory, type Directory } from "../../sandbox/directory.ts";

export interface ValidateOptions {
  fromAsid?: string;
  json?: boolean;
  log?: (line: string) => void;
}

type RuleResult = { rule: string; level: string; outcome: "pass" | "fail" | "not-judged"; expected: string; actual?: string; path?: string; why?: string };
export interface FileResult {
  file: string;
  format?: "json" | "xml";
  valid: boolean;
  /** Set when the file could not be read at all. */
  unreadable?: string;
  rules: RuleResult[];
}

/** Every file a list of arguments names: files as given, folders as their *.json and *.xml files, in path order. */
function expand(args: string[]): { files: string[]; unreadable: FileResult[] } {
  const files: string[] = [];
  const unreadable: FileResult[] = [];
  for (const a of args) {
    try {
      if (statSync(a).isDirectory()) files.push(...filesUnder(a).filter((f) => /\.(json|xml)$/i.test(f)).sort());
      else files.push(a);
    } catch (err) {
      unreadable.push({ file: a, valid: false, unreadable: (err as NodeJS.ErrnoException).code ?? (err as Error).message, rules: [] });
    }
  }
  return { files, unreadable };
}

export function validateFile(file: string, payloadRules: readonly ClientRule[], ctx: { fromAsid?: string; directory?: Directory }): FileResult {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    return { file, valid: false, unreadable: (err as NodeJS.ErrnoException).code ?? (err as Error).message, rules: [] };
  }
  const format = sniffFormat(text);
  const findings: Finding[] = [];
  const read = format ? readPointer(text, format) : { problem: "neither JSON nor XML (the first character is neither { nor <)" };
  const expected19 = payloadRules.find((r) => r.id === "NRLS-CLI-19")?.text ?? "";
  if ("problem" in read) findings.push({ rule: "NRLS-CLI-19", outcome: "fail", expected: expected19, actual: read.problem, path: "(file)" });
  else findings.push({ rule: "NRLS-CLI-19", outcome: "pass", expected: expected19 }, ...pointerFindings(read.resource, ctx));
  const rules = payloadRules.map((r): RuleResult => {
    const mine = findings.filter((f) => f.rule === r.id);
    const bad = mine.find((f) => f.outcome === "fail");
    if (bad) return { rule: r.id, level: r.level, outcome: "fail", expected: bad.expected, actual: bad.actual, ...(bad.path ? { path: bad.path } : {}) };
    if (mine.length) return { rule: r.id, level: r.level, outcome: "pass", expected: mine[0]!.expected };
    const why = "problem" in read ? "the file is not a DocumentReference" : r.id === "NRLS-CLI-28" && ctx.fromAsid === undefined ? "give --from-asid to judge affiliation" : r.id === "NRLS-CLI-28" ? `the custodian is not an Organization reference, or ASID ${ctx.fromAsid} is not in the sandbox directory` : "nothing in the file for this rule";
    return { rule: r.id, level: r.level, outcome: "not-judged", expected: r.text, why };
  });
  // SHOULD rules do not make a file invalid; every payload rule is a MUST today.
  const valid = rules.every((r) => r.outcome !== "fail" || r.level !== "MUST");
  return { file, ...(format ? { format } : {}), valid, rules };
}

export function validateCommand(args: string[], options: ValidateOptions = {}): number {
  const log = options.log ?? ((line: string) => console.log(terminalSafe(line)));
  let directory: Directory | undefined;
  try {
    directory = options.fromAsid !== undefined ? loadDirectory() : undefined;
  } catch (err) {
    log(`validate: ${(err as Error).message}`);
    return EXIT.configOrSuite;
  }
  if (directory && options.fromAsid !== undefined && !Object.hasOwn(directory.nrls.asids, options.fromAsid)) {
    log(`validate: --from-asid ${options.fromAsid} is not an ASID in the sandbox directory (${Object.keys(directory.nrls.asids).join(", ")}); set SANDBOX_DIRECTORY to your own`);
    return EXIT.configOrSuite;
  }
  const payloadRules = clientCatalogue().rules.filter((r) => r.payload);
  const { files, unreadable } = expand(args);
  const results = [...unreadable, ...files.map((f) => validateFile(f, payloadRules, { fromAsid: options.fromAsid, directory }))];
  const shown = (f: string) => relative(process.cwd(), f) || f;
  if (options.json) log(JSON.stringify({ fromAsid: options.fromAsid ?? null, files: results.map((r) => ({ ...r, file: shown(r.file) })) }, null, 2));
  else {
    for (const r of results) {
      if (r.unreadable) {
        log(`${shown(r.file)}: UNREADABLE (${r.unreadable})`);
        continue;
      }
      log(`${shown(r.file)} (${r.format?.toUpperCase() ?? "unknown format"}): ${r.valid ? "valid" : "INVALID"}`);
      for (const x of r.rules) {
        const tail = x.outcome === "fail" ? `: expected ${x.expected}; got ${x.actual}${x.path ? ` at ${x.path}` : ""}` : x.outcome === "not-judged" ? ` (${x.why})` : "";
        log(`  ${x.outcome === "fail" ? "FAIL" : x.outcome === "pass" ? "pass" : "----"} ${x.rule} ${x.level}${tail}`);
      }
    }
    const count = (f: (r: FileResult) => boolean) => results.filter(f).length;
    const unread = count((r) => !!r.unreadable);
    log(`${results.length} file(s): ${count((r) => r.valid)} valid, ${count((r) => !r.valid && !r.unreadable)} invalid${unread ? `, ${unread} unreadable` : ""}.`);
  }
  if (results.some((r) => r.unreadable)) return EXIT.configOrSuite;
  return results.every((r) => r.valid) ? EXIT.ok : EXIT.mustFailed;
}
