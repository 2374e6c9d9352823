// Loads every suite under suites/: YAML → checked against schemas/suite.schema.json → the cross-references a schema
// cannot express (requirement ids, targets, template names, captures, fixtures). Each case and check keeps the line it
// was written on, and a case's requirements are derived from its checks. Compiling the checks themselves (FHIRPath,
// body schemas) is the plan's job (src/plan/compile-plan.ts), done once where the plan runs; checkSuites does both.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { Document, LineCounter } from "yaml";
import { yaml } from "./yaml.ts";
import { validatorFor } from "./schemas.ts";
import { describeSchemaError, pickSchemaErrors, showPath, SuiteError, type SuiteProblem } from "./suite-problems.ts";
import { eachValueLabel, type Expectation, type LoadedCase, type LoadedStep, type LoadedSuite } from "./types.ts";
import type { SpineAssureSuite, Step } from "./suite-format.generated.ts";
import { yamlLines } from "./yaml-lines.ts";
import { cachedSuites, keepSuites } from "./suites-cache.ts";
import { filesUnder } from "../files-under.ts";
import { insideFolder } from "../inside-folder.ts";
import { PROJECT_ROOT } from "../project-root.ts";
import { TEST_DATA_NAMES, VARIABLES } from "../config/variables.ts";
import { apiOf, isTargetName, TARGET_NAMES } from "../targets.ts";
import { GENERATOR_NAMES, RESERVED_CASE_VARIABLES } from "../template/scope.ts";
import { templateNames } from "../template/template.ts";

export { SuiteError, formatProblem, type SuiteProblem } from "./suite-problems.ts";

const CONFIG_NAMES = VARIABLES.map((v) => v.name);

export interface LoadSuitesOptions {
  /** Folder of suites (default suites/). */
  dir?: string;
  /** Folder fixtures are resolved against (default fixtures/). */
  fixturesDir?: string;
}

/** How deep a YAML text nests, by its flow brackets and block indentation, without parsing it (parsing deep text overflows). */
function yamlDepth(text: string): number {
  let max = 0;
  let flow = 0;
  for (const ch of text) {
    if (ch === "[" || ch === "{") max = Math.max(max, ++flow);
    else if (ch === "]" || ch === "}") flow = Math.max(0, flow - 1);
  }
  for (const line of text.split("\n")) {
    const indent = /^( *)(- )*/.exec(line)!;
    max = Math.max(max, Math.floor(indent[1]!.length / 2) + Math.floor((indent[0].length - indent[1]!.length) / 2));
  }
  return max;
}

/** Loads every *.yaml under the suites folder, in path order. Throws SuiteError listing every problem found. */
export function loadSuites(options: LoadSuitesOptions = {}): LoadedSuite[] {
  const { suites, problems } = readSuites(options);
  if (problems.length) throw new SuiteError(problems);
  return suites;
}

/** The suites that loaded, and every problem found in the others (for a check that also compiles what loaded). */
export function readSuites(options: LoadSuitesOptions = {}): { suites: LoadedSuite[]; problems: SuiteProblem[] } {
  const dir = options.dir ?? join(PROJECT_ROOT, "suites");
  if (existsSync(dir) && !statSync(dir).isDirectory()) return { suites: [], problems: [{ file: relative(process.cwd(), dir) || dir, path: "", message: "is not a folder: --suites names the folder that holds the suite files" }] };
  const files = existsSync(dir) ? filesUnder(dir).filter((f) => /\.ya?ml$/.test(f)) : [];
  if (files.length === 0) return { suites: [], problems: [{ file: relative(process.cwd(), dir) || dir, path: "", message: "no suite files (*.yaml) found" }] };
  const fixturesDir = options.fixturesDir ?? join(PROJECT_ROOT, "fixtures");
  const cached = cachedSuites(files, fixturesDir);
  if (cached.suites) return { suites: cached.suites, problems: [] };
  const problems: SuiteProblem[] = [];
  const suites = files.flatMap((file) => loadSuiteFile(file, fixturesDir, problems) ?? []);
  checkAcrossSuites(suites, problems);
  if (!problems.length) keepSuites(cached.key, suites);
  return { suites, problems };
}

/** Larger suite files are refused before parsing: the project's largest is about 60 KB. */
export const MAX_SUITE_BYTES = 2 * 1024 * 1024;
/** More aliases are refused before parsing (the project's suites use about 200): expanding many costs seconds each. */
const MAX_SUITE_ALIASES = 2_000;
/** Deeper YAML is refused: suites nest a dozen levels at most, and a deep file would exhaust the stack. */
const MAX_SUITE_DEPTH = 64;

function loadSuiteFile(file: string, fixturesDir: string, problems: SuiteProblem[]): LoadedSuite | undefined {
  const shown = relative(PROJECT_ROOT, file);
  const lines = new (yaml().LineCounter)();
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error("not a regular file");
    if (st.size > MAX_SUITE_BYTES) throw new Error(`${st.size} bytes: a suite file may be at most ${MAX_SUITE_BYTES} bytes`);
    text = readFileSync(file, "utf8");
  } catch (e) {
    // A dangling or looping symlink, a directory named *.yaml, an unreadable or oversized file: named, not a stack trace.
    problems.push({ file: shown, path: "", message: `cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}${(e as NodeJS.ErrnoException).code ? ` (${(e as Error).message.split(",")[0]})` : ""}` });
    return undefined;
  }
  const aliases = text.match(/(?:^|[\s,[{:-])\*[A-Za-z0-9_-]+/g)?.length ?? 0;
  if (aliases > MAX_SUITE_ALIASES) {
    problems.push({ file: shown, path: "", message: `${aliases} YAML aliases: a suite file may use at most ${MAX_SUITE_ALIASES}` });
    return undefined;
  }
  if (yamlDepth(text) > MAX_SUITE_DEPTH) {
    problems.push({ file: shown, path: "", message: `YAML nested deeper than ${MAX_SUITE_DEPTH} levels` });
    return undefined;
  }
  // merge: YAML's <<: merge keys, so cases can share request and check blocks by anchor.
  const doc = yaml().parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length) {
    for (const e of doc.errors) problems.push({ file: shown, path: "", line: lines.linePos(e.pos[0]).line, message: `YAML: ${e.message.split("\n")[0]}` });
    return undefined;
  }
  let data: unknown;
  try {
    // Suites share blocks by alias a lot; the cap still stops a billion-laughs file.
    data = doc.toJS({ maxAliasCount: MAX_SUITE_ALIASES });
  } catch (e) {
    problems.push({ file: shown, path: "", message: `YAML: ${(e as Error).message}` });
    return undefined;
  }
  const at = (path: (string | number)[]) => lineOf(doc, lines, path);
  const validate = validatorFor("suite.schema.json");
  if (!validate(data)) {
    for (const e of pickSchemaErrors(validate.errors ?? [])) {
      const path = e.instancePath.split("/").slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, "/").replace(/~0/g, "~")));
      problems.push({ file: shown, path: showPath(path), line: at(path), message: describeSchemaError(e) });
    }
    return undefined;
  }
  const raw = data as SpineAssureSuite;
  const lineOfObject = yamlLines(doc, lines, raw);
  const where = (o: object) => `${shown}:${lineOfObject.get(o) ?? "?"}`;
  const report = (path: (string | number)[], message: string) => problems.push({ file: shown, path: showPath(path), line: at(path), message });
  const declared = raw.requirements.map((r) => r.id);
  const loadStep = (s: Step): LoadedStep => ({
    ...s,
    // A nested list (an alias of shared checks) is flattened; each check keeps the line that wrote it.
    expect: (s.expect ?? []).flat().map((e: Expectation) => ({ ...e, at: where(e) })),
    at: where(s),
  });
  const cases = raw.cases.map((c): LoadedCase => {
    const steps = c.steps.map(loadStep);
    const teardown = (c.teardown ?? []).map(loadStep);
    const named = new Set([...(c.verifies ?? []), ...[...steps, ...teardown].flatMap((s) => s.expect.map((e) => e.req))]);
    return { ...c, verifies: declared.filter((id) => named.has(id)), steps, teardown, at: where(c) };
  });
  if (!isTargetName(raw.target)) report(["target"], `unknown target "${raw.target}": one of ${TARGET_NAMES.join(", ")} (the API modules of src/apis.ts)`);
  else {
    // Each API's requirement IDs carry its module's prefix: an ID can never be claimed by two APIs.
    const prefix = `${apiOf(raw.target).requirementPrefix}-`;
    raw.requirements.forEach((r, i) => {
      if (!r.id.startsWith(prefix)) report(["requirements", i, "id"], `${r.id} does not start with ${prefix}, the prefix of target ${raw.target}'s requirement IDs (apis/${raw.target}/index.ts)`);
    });
  }
  const primer = raw.defaults?.primer ? loadStep(raw.defaults.primer) : undefined;
  const suite = { ...raw, target: raw.target as LoadedSuite["target"], cases, ...(primer ? { primer } : {}), file: shown } as LoadedSuite;
  checkSuite(suite, raw, fixturesDir, report);
  return suite;
}

/** Cross-references inside one suite: ids, requirement links, template names, captures, fixtures. */
function checkSuite(suite: LoadedSuite, raw: SpineAssureSuite, fixturesDir: string, report: (path: (string | number)[], message: string) => void): void {
  const reqIds = new Set<string>();
  suite.requirements.forEach((r, i) => {
    if (reqIds.has(r.id)) report(["requirements", i, "id"], `requirement ${r.id} is declared twice`);
    reqIds.add(r.id);
    if (!(r.source.file in suite.sources)) report(["requirements", i, "source", "file"], `source file "${r.source.file}" is not listed under sources:`);
    // RULES.md: only DOC rules may be MUST. Its own table has an exception (NRLS-ERR-12), so one is allowed with a note.
    if (r.level === "MUST" && !r.basis.startsWith("DOC") && !r.note) {
      report(["requirements", i, "basis"], `a MUST rule needs a DOC basis, or a note: saying why RULES.md makes it MUST`);
    }
  });
  const caseIds = new Set<string>();
  suite.cases.forEach((c, ci) => {
    if (caseIds.has(c.id)) report(["cases", ci, "id"], `case id "${c.id}" is used twice in this suite`);
    caseIds.add(c.id);
    const checked = new Set([...c.steps, ...c.teardown].flatMap((s) => s.expect.map((e) => e.req)));
    raw.cases[ci]!.verifies?.forEach((id, vi) => {
      if (!reqIds.has(id)) report(["cases", ci, "verifies", vi], `requirement ${id} is not declared in this suite's requirements`);
      else if (checked.has(id)) report(["cases", ci, "verifies", vi], `${id} is derived from this case's checks (req: ${id}); list under verifies: only a requirement with no check of its own`);
    });
    if (c.each && RESERVED_CASE_VARIABLES.includes(c.each.name)) report(["cases", ci, "each", "name"], `"${c.each.name}" is reserved (${RESERVED_CASE_VARIABLES.join(", ")})`);
    // Each value names its case in the case key: two alike would make two cases one, and one result would be lost.
    const labels = (c.each?.values ?? []).map(eachValueLabel);
    labels.forEach((label, vi) => {
      if (labels.indexOf(label) !== vi) report(["cases", ci, "each", "values", vi], `gives the case key [${label}] a second time: give each value its own label`);
    });
    const vars = [...(c.formats ? ["format", "mime"] : []), ...((c.bodies ?? raw.defaults?.bodies) ? ["bodyFormat", "bodyMime"] : []), ...(c.each ? [c.each.name] : [])];
    const captures = [...c.steps, ...c.teardown].flatMap((s) => Object.keys(s.capture ?? {}));
    const known = new Set<string>([...CONFIG_NAMES, ...GENERATOR_NAMES, ...vars, ...captures]);
    for (const name of templateNames(c.each?.values ?? [])) {
      if (!CONFIG_NAMES.includes(name) && !GENERATOR_NAMES.includes(name)) report(["cases", ci, "each", "values"], `each values may use configuration and generators, not {{${name}}}`);
    }
    for (const name of templateNames(c.title)) {
      if (!vars.includes(name)) report(["cases", ci, "title"], `a title may only use the case's own variables (${vars.join(", ") || "none"}), not {{${name}}}`);
    }
    const checkStep = (s: LoadedStep, where: (string | number)[]) => {
      for (const name of templateNames(s)) {
        if (!known.has(name)) report(where, `unknown variable {{${name}}}: not configuration, a generator (${GENERATOR_NAMES.join(", ")}), a case variable or a capture of this case`);
      }
      if (s.request.jwt === undefined && templateNames(s.request).has("jwt")) report([...where, "request"], `uses {{jwt}} but has no jwt: block`);
      if (s.request.jwt !== undefined && !suite.requester) report([...where, "request", "jwt"], `sends a Spine JWT, but the suite declares no requester: (asid and organization)`);
      for (const w of s.when ?? []) if (!captures.includes(w)) report([...where, "when"], `"${w}" is not captured by any step of this case`);
      const fixture = s.request.body?.fixture;
      if (fixture) {
        const path = join(fixturesDir, fixture);
        if (!insideFolder(fixturesDir, path)) report([...where, "request", "body", "fixture"], `fixture "${fixture}" is outside the fixtures folder: a suite may send only files from fixtures/`);
        else if (!existsSync(path)) report([...where, "request", "body", "fixture"], `fixture file not found: fixtures/${fixture}`);
        else if (fixture.endsWith(".json")) {
          try {
            JSON.parse(readFileSync(path, "utf8"));
          } catch (e) {
            report([...where, "request", "body", "fixture"], `fixture fixtures/${fixture} is not valid JSON: ${(e as Error).message}`);
          }
        }
      }
      s.expect.forEach((e, ei) => {
        if (!reqIds.has(e.req)) report([...where, "expect", ei, "req"], `checks ${e.req}, which is not declared in this suite's requirements`);
        e.variants?.forEach((v, vi) => checkVariableOf(v, [...where, "expect", ei, "variants", vi]));
      });
      s.variants?.forEach((v, vi) => checkVariableOf(v, [...where, "variants", vi]));
      s.variants?.forEach((v, vi) => v.rules.forEach((id, ri) => {
        if (!s.expect.some((e) => e.req === id)) report([...where, "variants", vi, "rules", ri], `${id} has no check in this step: a step's variant accepts that step's own checks`);
      }));
    };
    // An answer the test data caused names the test-data variable to change, and only such an answer names one.
    const checkVariableOf = (v: { outcome: string; variable?: string }, at: (string | number)[]) => {
      if (v.outcome === "unsuitable" && !v.variable) report([...at, "variable"], "an unsuitable outcome names the test-data variable to change");
      else if (v.variable && v.outcome !== "unsuitable") report([...at, "variable"], "only an unsuitable outcome names a variable");
      else if (v.variable && !TEST_DATA_NAMES.includes(v.variable)) report([...at, "variable"], `${v.variable} is not a test-data variable (${TEST_DATA_NAMES.join(", ")})`);
    };
    if (c.connections?.includes("reused") && !suite.primer) report(["cases", ci, "connections"], `walks a reused connection, but the suite has no defaults.primer: the good request that opens it`);
    if (c.copies && c.connections?.includes("reused")) report(["cases", ci, "copies"], `copies share no connection: a case is either run as copies at once or on a reused connection, not both`);
    c.steps.forEach((s, si) => checkStep(s, ["cases", ci, "steps", si]));
    c.teardown.forEach((s, si) => checkStep(s, ["cases", ci, "teardown", si]));
  });
  // The primer runs before any case's own step: it has configuration and generators, nothing a case captures.
  if (suite.primer) {
    for (const name of templateNames(suite.primer)) {
      if (name !== "jwt" && !CONFIG_NAMES.includes(name) && !GENERATOR_NAMES.includes(name)) report(["defaults", "primer"], `a primer may only use configuration and generators, not {{${name}}}`);
    }
    if (suite.primer.expect.length || suite.primer.capture) report(["defaults", "primer"], `a primer's answer is evidence only: it has no expect: or capture:`);
  }
  for (const name of templateNames(suite.requester ?? {})) {
    if (!CONFIG_NAMES.includes(name)) report(["requester"], `a requester may only use configuration, not {{${name}}}`);
  }
  // A requirement no case verifies is not a load error (a rule may be declared before it is encoded): runs report it
  // not-run, and `spine-assure requirements` fails on a MUST one.
}

function checkAcrossSuites(suites: LoadedSuite[], problems: SuiteProblem[]): void {
  const seenSuite = new Map<string, string>();
  const seenReq = new Map<string, string>();
  for (const s of suites) {
    const prev = seenSuite.get(s.suite);
    if (prev) problems.push({ file: s.file, path: "suite", message: `suite name "${s.suite}" is also used by ${prev}` });
    seenSuite.set(s.suite, s.file);
    for (const r of s.requirements) {
      const other = seenReq.get(r.id);
      if (other) problems.push({ file: s.file, path: "requirements", message: `requirement ${r.id} is also declared in ${other}` });
      seenReq.set(r.id, s.file);
    }
  }
}

function lineOf(doc: Document, lines: LineCounter, path: (string | number)[]): number | undefined {
  const { isMap, isScalar, isSeq } = yaml();
  // Walk up until a node with a position exists (a missing property has none: report its parent).
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (node && typeof node === "object" && (isMap(node) || isSeq(node) || isScalar(node)) && node.range) {
      return lines.linePos(node.range[0]).line;
    }
  }
  return undefined;
}
