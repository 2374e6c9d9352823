// spine-assure validate FILE…: pointer payloads judged offline against the client catalogue's payload rules, before a
// provider system sends them. JSON or XML, told apart by content; a folder stands for its *.json and *.xml files.
// Exit 0 every file valid, 1 any invalid, 2 a file that cannot be read (or a usage mistake).
import { readFileSync, statSync } from "node:fs";
import { relative } from "node:path";
import { clientCatalogue, type ClientRule } from "../client/catalogue.ts";
import type { ClientRules } from "../api-module.ts";
import { TARGETS } from "../targets.ts";
import { filesUnder } from "../files-under.ts";
import { isResourceType } from "../fhir/stu3-model.ts";
import { EXIT } from "../model/status.ts";
import { terminalSafe } from "../../reporters/console.ts";
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
  /** Set for a file met in a folder that is another FHIR resource: not judged, not counted invalid (a named file is judged). */
  skipped?: string;
  rules: RuleResult[];
}

/**
 * Every file a list of arguments names: files as given, folders as their *.json and *.xml files, in path order. A
 * folder's files are those of a mixed folder: one that is plainly another FHIR resource is skipped, not judged.
 */
function expand(args: string[]): { files: { path: string; inFolder: boolean }[]; unreadable: FileResult[] } {
  const files: { path: string; inFolder: boolean }[] = [];
  const unreadable: FileResult[] = [];
  for (const a of args) {
    try {
      if (statSync(a).isDirectory()) files.push(...filesUnder(a).filter((f) => /\.(json|xml)$/i.test(f)).sort().map((path) => ({ path, inFolder: true })));
      else files.push({ path: a, inFolder: false });
    } catch (err) {
      unreadable.push({ file: a, valid: false, unreadable: (err as NodeJS.ErrnoException).code ?? (err as Error).message, rules: [] });
    }
  }
  return { files, unreadable };
}

/** The document rules of the API module that has them (NRLS's pointers), loaded once. */
let documentRules: Promise<NonNullable<ClientRules["document"]>> | undefined;
export function documentJudge(): Promise<NonNullable<ClientRules["document"]>> {
  documentRules ??= (async () => {
    for (const t of TARGETS) {
      const document = t.client && (await t.client.rules()).document;
      if (document) return document;
    }
    throw new Error("no API module judges documents offline");
  })();
  return documentRules;
}

export function validateFile(file: string, payloadRules: readonly ClientRule[], ctx: { fromAsid?: string; directory?: Directory }, judge: NonNullable<ClientRules["document"]>): FileResult {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    return { file, valid: false, unreadable: (err as NodeJS.ErrnoException).code ?? (err as Error).message, rules: [] };
  }
  const { format, findings, whyNotJudged } = judge.judge(text, ctx);
  const rules = payloadRules.map((r): RuleResult => {
    const mine = findings.filter((f) => f.rule === r.id);
    const bad = mine.find((f) => f.outcome === "fail");
    if (bad) return { rule: r.id, level: r.level, outcome: "fail", expected: bad.expected, actual: bad.actual, ...(bad.path ? { path: bad.path } : {}) };
    if (mine.length) return { rule: r.id, level: r.level, outcome: "pass", expected: mine[0]!.expected };
    return { rule: r.id, level: r.level, outcome: "not-judged", expected: r.text, why: whyNotJudged(r.id) };
  });
  // SHOULD rules do not make a file invalid; every payload rule is a MUST today.
  const valid = rules.every((r) => r.outcome !== "fail" || r.level !== "MUST");
  return { file, ...(format ? { format } : {}), valid, rules };
}

export async function validateCommand(args: string[], options: ValidateOptions = {}): Promise<number> {
  const log = options.log ?? ((line: string) => console.log(terminalSafe(line)));
  let directory: Directory | undefined;
  try {
    // The directory judges affiliation (with --from-asid) and whether the author is an organisation Spine knows.
    directory = loadDirectory();
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
  const judge = await documentJudge();
  const results = [...unreadable, ...files.map((f) => {
    const other = f.inFolder ? otherResourceType(f.path) : undefined;
    return other ? { file: f.path, valid: true, skipped: `not a DocumentReference (${/^[AEIOU]/.test(other) ? "an" : "a"} ${other})`, rules: [] } : validateFile(f.path, payloadRules, { fromAsid: options.fromAsid, directory }, judge);
  })];
  const shown = (f: string) => relative(process.cwd(), f) || f;
  if (options.json) log(JSON.stringify({ fromAsid: options.fromAsid ?? null, files: results.map((r) => ({ ...r, file: shown(r.file) })) }, null, 2));
  else {
    for (const r of results) {
      if (r.unreadable) {
        log(`${shown(r.file)}: UNREADABLE (${r.unreadable})`);
        continue;
      }
      if (r.skipped) {
        log(`${shown(r.file)}: skipped — ${r.skipped}`);
        continue;
      }
      log(`${shown(r.file)} (${r.format?.toUpperCase() ?? "unknown format"}): ${r.valid ? "valid" : "INVALID"}`);
      for (const x of r.rules) {
        // A pass says what held, so a reader of a clean file sees what was judged, not only rule numbers.
        const tail = x.outcome === "fail" ? `: expected ${x.expected}; got ${x.actual}${x.path ? ` at ${x.path}` : ""}` : x.outcome === "not-judged" ? ` (${x.why})` : `: ${x.expected}`;
        log(`  ${x.outcome === "fail" ? "FAIL" : x.outcome === "pass" ? "pass" : "----"} ${x.rule} ${x.level}${tail}`);
      }
    }
    const count = (f: (r: FileResult) => boolean) => results.filter(f).length;
    const unread = count((r) => !!r.unreadable);
    const skipped = count((r) => !!r.skipped);
    log(`${results.length} file(s): ${count((r) => r.valid && !r.skipped)} valid, ${count((r) => !r.valid && !r.unreadable)} invalid${skipped ? `, ${skipped} skipped (not pointers)` : ""}${unread ? `, ${unread} unreadable` : ""}.`);
  }
  if (results.some((r) => r.unreadable)) return EXIT.configOrSuite;
  return results.every((r) => r.valid) ? EXIT.ok : EXIT.mustFailed;
}

/** The resource type of a file that is plainly another FHIR resource than a pointer (JSON's resourceType, XML's root). */
function otherResourceType(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  } catch {
    return undefined;
  }
  let type: unknown;
  if (/^\s*\{/.test(text)) {
    try {
      type = (JSON.parse(text) as { resourceType?: unknown }).resourceType;
    } catch {
      return undefined;
    }
  } else type = /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z]+)[\s>/]/.exec(text)?.[1];
  return typeof type === "string" && type !== "DocumentReference" && isResourceType(type) ? type : undefined;
}
