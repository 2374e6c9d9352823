// The one template syntax of suites, {{name}} or {{name.path}}, in both its uses:
// - interpolate: values written into requests and checks. A string that is exactly one template keeps the value's
//   own type (a number, null, an object); otherwise values are written into the text. Unknown names are errors,
//   never empty strings.
// - fhirPathTemplate: in a FHIRPath expression templates become FHIRPath environment variables (%`name`) instead of
//   pasted text, so a captured value cannot change what the expression means (an id holding a quote would end the
//   string literal), and an expression is the same for every case, so it is compiled once per run.

const TEMPLATE = /\{\{\s*([A-Za-z_][\w]*(?:\.[\w-]+)*)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_][\w]*(?:\.[\w-]+)*)\s*\}\}$/;

export class InterpolationError extends Error {
  override name = "InterpolationError";
}

/** Resolves a top-level name; returns undefined for a name it does not know. */
export type Lookup = (name: string) => unknown;

function resolvePath(expr: string, lookup: Lookup): unknown {
  const [head, ...rest] = expr.split(".");
  let value = lookup(head!);
  if (value === undefined) throw new InterpolationError(`unknown variable {{${head}}}`);
  for (const key of rest) {
    if (value === null || typeof value !== "object" || !(key in value)) throw new InterpolationError(`{{${expr}}}: no "${key}" in ${head}`);
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export function interpolate<T>(template: T, lookup: Lookup): T {
  return walk(template, lookup) as T;
}

function walk(value: unknown, lookup: Lookup): unknown {
  if (typeof value === "string") {
    // Most strings of a body hold no template: left as they are without running either expression over them.
    if (!value.includes("{{")) return value;
    const whole = WHOLE.exec(value);
    if (whole) return resolvePath(whole[1]!, lookup);
    return value.replace(TEMPLATE, (_m, expr: string) => {
      const v = resolvePath(expr, lookup);
      return typeof v === "string" ? v : JSON.stringify(v);
    });
  }
  // What holds no template is returned as it is, not copied: every check and request of every case is filled, and
  // most of what they hold (headers, bodies' edits, expectations) has none.
  if (!value || typeof value !== "object" || !objectHolds(value)) return value;
  if (Array.isArray(value)) return value.map((v) => walk(v, lookup));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[walk(k, lookup) as string] = walk(v, lookup);
  return out;
}

/**
 * Whether a value holds a template anywhere, names included. For an object it is worked out once, since a suite's
 * objects are never changed after loading and each is filled for every case of every run.
 */
export function holdsTemplate(value: unknown): boolean {
  return typeof value === "string" ? value.includes("{{") : !!value && typeof value === "object" && objectHolds(value);
}

const holding = new WeakMap<object, boolean>();
function objectHolds(value: object): boolean {
  let known = holding.get(value);
  if (known === undefined) {
    known = Array.isArray(value) ? value.some(holdsTemplate) : Object.entries(value).some(([k, v]) => k.includes("{{") || holdsTemplate(v));
    holding.set(value, known);
  }
  return known;
}

/**
 * A title or expectation as a reader should see it: each template the lookup knows is filled in, any other is left as
 * written (a secret, or a value made at each use such as {{uuid}}). Never throws: it only ever describes.
 */
export function interpolateForDisplay(text: string, lookup: Lookup): string {
  return text.replace(TEMPLATE, (whole, expr: string) => {
    try {
      const v = resolvePath(expr, lookup);
      return typeof v === "string" ? v : JSON.stringify(v);
    } catch {
      return whole;
    }
  });
}

/** Every top-level name used in templates anywhere inside `value`, for checking suites before a run. */
export function templateNames(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === "string") for (const m of value.matchAll(TEMPLATE)) out.add(m[1]!.split(".")[0]!);
  else if (Array.isArray(value)) value.forEach((v) => templateNames(v, out));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      templateNames(k, out);
      templateNames(v, out);
    }
  }
  return out;
}

export interface FhirPathTemplate {
  /** The expression with each template replaced by a variable reference. */
  expression: string;
  /** Template paths ("pointerId", "nhs.value"), each the name of a variable the expression reads. */
  names: string[];
}

const fhirPathCache = new Map<string, FhirPathTemplate>();

/**
 * Rewrites the templates of `source`. Inside a string literal, `'urn:uuid:{{caseUuid}}'` becomes
 * `'urn:uuid:' & %`caseUuid` & ''`; outside one, `{{n}}` becomes `%`n`` (a string value).
 */
export function fhirPathTemplate(source: string): FhirPathTemplate {
  let done = fhirPathCache.get(source);
  if (done) return done;
  const names = new Set<string>();
  let out = "";
  let quote: "'" | "`" | undefined;
  for (let i = 0; i < source.length; ) {
    const ch = source[i]!;
    if (ch === "{" && source[i + 1] === "{") {
      TEMPLATE.lastIndex = i;
      const m = TEMPLATE.exec(source);
      if (m && m.index === i) {
        const name = m[1]!;
        if (quote === "`") throw new Error(`{{${name}}} cannot stand inside a \`delimited identifier\``);
        names.add(name);
        const ref = `%\`${name}\``;
        out += quote === "'" ? `' & ${ref} & '` : ref;
        i += m[0].length;
        continue;
      }
    }
    if (quote && ch === "\\") {
      out += source.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (ch === "'" || ch === "`") quote = quote === ch ? undefined : quote ?? ch;
    out += ch;
    i++;
  }
  done = { expression: out, names: [...names] };
  fhirPathCache.set(source, done);
  return done;
}

/** The values of an expression's templates, as FHIRPath variables (objects as JSON text). */
export function fhirPathVariables(expression: string, lookup: Lookup): Record<string, unknown> {
  return Object.fromEntries(fhirPathTemplate(expression).names.map((name) => {
    const v = interpolate(`{{${name}}}`, lookup);
    return [name, typeof v === "object" && v !== null ? JSON.stringify(v) : v];
  }));
}
