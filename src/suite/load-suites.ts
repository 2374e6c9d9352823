// Loads every suite under suites/, checks it against schemas/suite.schema.json and the cross-references a schema
// cannot express, and reports each problem with its file, the path inside it and the line. Nothing is sent until
// every suite loads cleanly.
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import fhirpath from "fhirpath";
import { compileSchemaFile, validatorFor, type SchemaError } from "./schemas.ts";
import type { LoadedSuite, StepSpec } from "./types.ts";
import { filesUnder } from "../files-under.ts";
import { PROJECT_ROOT } from "../project-root.ts";
import { VARIABLES } from "../config/variables.ts";
import { fhirPathTemplate } from "../plan/fhirpath-template.ts";
import { templateNames } from "../plan/interpolate.ts";

/** Names every template may use besides the case's own variables and captures. */
export const GENERATOR_NAMES = ["uuid", "caseUuid", "now", "jwt", "target"] as const;
const CONFIG_NAMES = VARIABLES.map((v) => v.name);

export interface SuiteProblem {
  file: string;
  /** Where in the file, as cases[2].steps[0].expect[1]. */
  path: string;
  line?: number;
  message: string;
}

export class SuiteError extends Error {
  constructor(readonly problems: SuiteProblem[]) {
    super(`suite error:\n${problems.map((p) => `  - ${formatProblem(p)}`).join("\n")}`);
    this.name = "SuiteError";
  }
}

export function formatProblem(p: SuiteProblem): string {
  return `${p.file}${p.line ? `:${p.line}` : ""}: ${p.path ? `${p.path}: ` : ""}${p.message}`;
}

export interface LoadSuitesOptions {
  /** Folder of suites (default suites/). */
  dir?: string;
  /** Folder fixtures are resolved against (default fixtures/). */
  fixturesDir?: string;
  /** Folder schemas are resolved against (default schemas/). */
  schemasDir?: string;
}

/** Loads every *.yaml under the suites folder, in path order. Throws SuiteError listing every problem found. */
export function loadSuites(options: LoadSuitesOptions = {}): LoadedSuite[] {
  const dir = options.dir ?? join(PROJECT_ROOT, "suites");
  const files = listYaml(dir);
  if (files.length === 0) throw new SuiteError([{ file: relative(process.cwd(), dir) || dir, path: "", message: "no suite files (*.yaml) found" }]);
  const problems: SuiteProblem[] = [];
  const suites: LoadedSuite[] = [];
  for (const file of files) {
    const suite = loadSuiteFile(file, options, problems);
    if (suite) suites.push(suite);
  }
  checkAcrossSuites(suites, problems);
  if (problems.length) throw new SuiteError(problems);
  return suites;
}

function listYaml(dir: string): string[] {
  return existsSync(dir) ? filesUnder(dir).filter((f) => /\.ya?ml$/.test(f)) : [];
}

function loadSuiteFile(file: string, options: LoadSuitesOptions, problems: SuiteProblem[]): LoadedSuite | undefined {
  const shown = relative(PROJECT_ROOT, file);
  const lines = new LineCounter();
  // merge: YAML's <<: merge keys, so cases can share request and check blocks by anchor.
  const doc = parseDocument(readFileSync(file, "utf8"), { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length) {
    for (const e of doc.errors) problems.push({ file: shown, path: "", line: lines.linePos(e.pos[0]).line, message: `YAML: ${e.message.split("\n")[0]}` });
    return undefined;
  }
  let data: unknown;
  try {
    // Suites share blocks by alias a lot; the cap still stops a billion-laughs file.
    data = doc.toJS({ maxAliasCount: 10_000 });
  } catch (e) {
    problems.push({ file: shown, path: "", message: `YAML: ${(e as Error).message}` });
    return undefined;
  }
  const at = (path: (string | number)[]) => lineOf(doc, lines, path);
  const validate = validatorFor("suite.schema.json");
  if (!validate(data)) {
    for (const e of pickErrors(validate.errors ?? [])) {
      const path = e.instancePath.split("/").slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, "/").replace(/~0/g, "~")));
      problems.push({ file: shown, path: showPath(path), line: at(path), message: describe(e) });
    }
    return undefined;
  }
  const suite = { ...(data as Omit<LoadedSuite, "file">), file: shown };
  for (const c of suite.cases) for (const s of [...c.steps, ...(c.teardown ?? [])]) if (s.expect) s.expect = s.expect.flat();
  checkSuite(suite, options, (path, message) => problems.push({ file: shown, path: showPath(path), line: at(path), message }));
  return suite;
}

/** Cross-references inside one suite: ids, requirement links, fixtures, schemas, FHIRPath. */
function checkSuite(suite: LoadedSuite, options: LoadSuitesOptions, report: (path: (string | number)[], message: string) => void): void {
  const fixturesDir = options.fixturesDir ?? join(PROJECT_ROOT, "fixtures");
  const schemasDir = options.schemasDir ?? join(PROJECT_ROOT, "schemas");
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
    c.verifies.forEach((id, vi) => {
      if (!reqIds.has(id)) report(["cases", ci, "verifies", vi], `requirement ${id} is not declared in this suite's requirements`);
    });
    const vars = [...(c.formats ? ["format", "mime"] : []), ...(c.each ? [c.each.name] : [])];
    const captures = [...c.steps, ...(c.teardown ?? [])].flatMap((s) => Object.keys(s.capture ?? {}));
    const known = new Set<string>([...CONFIG_NAMES, ...GENERATOR_NAMES, ...vars, ...captures]);
    for (const name of templateNames(c.each?.values ?? [])) {
      if (!CONFIG_NAMES.includes(name) && !GENERATOR_NAMES.includes(name as (typeof GENERATOR_NAMES)[number])) {
        report(["cases", ci, "each", "values"], `each values may use configuration and generators, not {{${name}}}`);
      }
    }
    for (const name of templateNames(c.title)) {
      if (!vars.includes(name)) report(["cases", ci, "title"], `a title may only use the case's own variables (${vars.join(", ") || "none"}), not {{${name}}}`);
    }
    const checkStep = (s: StepSpec, where: (string | number)[]) => {
      for (const name of templateNames(s)) {
        if (!known.has(name)) report(where, `unknown variable {{${name}}}: not configuration, a generator (${GENERATOR_NAMES.join(", ")}), a case variable or a capture of this case`);
      }
      if (s.request.jwt === undefined && templateNames(s.request).has("jwt")) report([...where, "request"], `uses {{jwt}} but has no jwt: block`);
      for (const w of s.when ?? []) if (!captures.includes(w)) report([...where, "when"], `"${w}" is not captured by any step of this case`);
      const body = s.request.body;
      if (body?.fixture && !existsSync(join(fixturesDir, body.fixture))) report([...where, "request", "body", "fixture"], `fixture file not found: fixtures/${body.fixture}`);
      if (body?.fixture && body.fixture.endsWith(".json")) {
        try {
          JSON.parse(readFileSync(join(fixturesDir, body.fixture), "utf8"));
        } catch (e) {
          if (existsSync(join(fixturesDir, body.fixture))) report([...where, "request", "body", "fixture"], `fixture fixtures/${body.fixture} is not valid JSON: ${(e as Error).message}`);
        }
      }
      s.expect?.forEach((e, ei) => {
        const here = [...where, "expect", ei];
        if (!c.verifies.includes(e.req)) report([...here, "req"], `checks ${e.req}, which case "${c.id}" does not list under verifies:`);
        if ("schema" in e) {
          const problem = compileSchemaFile(join(schemasDir, e.schema));
          if (problem) report([...here, "schema"], problem);
        }
        if ("fhirpath" in e) {
          try {
            fhirpath.compile(fhirPathTemplate(e.fhirpath).expression);
          } catch (err) {
            report([...here, "fhirpath"], `FHIRPath does not compile: ${(err as Error).message.split("\n")[0]}`);
          }
        }
      });
      for (const [name, cap] of Object.entries(s.capture ?? {})) {
        if (cap.body) {
          try {
            fhirpath.compile(fhirPathTemplate(cap.body).expression);
          } catch (err) {
            report([...where, "capture", name, "body"], `FHIRPath does not compile: ${(err as Error).message.split("\n")[0]}`);
          }
        }
      }
    };
    c.steps.forEach((s, si) => checkStep(s, ["cases", ci, "steps", si]));
    const checked = new Set([...c.steps, ...(c.teardown ?? [])].flatMap((s) => (s.expect ?? []).map((e) => e.req)));
    c.verifies.forEach((id, vi) => {
      if (!checked.has(id)) report(["cases", ci, "verifies", vi], `case "${c.id}" verifies ${id} but no expectation checks it (req: ${id})`);
    });
    c.teardown?.forEach((s, si) => checkStep(s, ["cases", ci, "teardown", si]));
  });
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
  // Walk up until a node with a position exists (a missing property has none: report its parent).
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (node && typeof node === "object" && (isMap(node) || isSeq(node) || isScalar(node)) && node.range) {
      return lines.linePos(node.range[0]).line;
    }
  }
  return undefined;
}

function showPath(path: (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), "");
}

/** Ajv reports every branch of a oneOf; keep the deepest, most specific messages. */
function pickErrors(errors: SchemaError[]): SchemaError[] {
  const useful = errors.filter((e) => e.keyword !== "oneOf" && e.keyword !== "if");
  const list = useful.length ? useful : errors;
  const depth = (e: SchemaError) => e.instancePath.split("/").length;
  const max = Math.max(...list.map(depth));
  const deepest = list.filter((e) => depth(e) === max);
  const seen = new Set<string>();
  return deepest.filter((e) => {
    const key = `${e.instancePath} ${describe(e)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).slice(0, 4);
}

function describe(e: SchemaError): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "additionalProperties": return `unknown property "${String(p.additionalProperty)}"`;
    case "required": return `missing required property "${String(p.missingProperty)}"`;
    case "enum": return `${e.message ?? "invalid"}: ${JSON.stringify(p.allowedValues)}`;
    default: return e.message ?? e.keyword;
  }
}
