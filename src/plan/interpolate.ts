// {{name}} templates in suites. A string that is exactly one template keeps the value's own type (a number, null,
// an object); otherwise values are written into the text. Unknown names are errors, never empty strings.

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
    const whole = WHOLE.exec(value);
    if (whole) return resolvePath(whole[1]!, lookup);
    return value.replace(TEMPLATE, (_m, expr: string) => {
      const v = resolvePath(expr, lookup);
      return typeof v === "string" ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => walk(v, lookup));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [walk(k, lookup) as string, walk(v, lookup)]));
  }
  return value;
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
