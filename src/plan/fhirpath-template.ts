// {{name}} templates in a FHIRPath expression become FHIRPath environment variables (%`name`) instead of text
// pasted into the expression. A captured value cannot then change what the expression means (an id holding a quote
// would otherwise end the string literal), and the expression is the same for every case, so it is parsed once per
// run rather than once per case: ANTLR parsing costs far more than evaluating.

const TEMPLATE = /\{\{\s*([A-Za-z_][\w]*(?:\.[\w-]+)*)\s*\}\}/g;

export interface FhirPathTemplate {
  /** The expression with each template replaced by a variable reference. */
  expression: string;
  /** Template paths ("pointerId", "nhs.value"), each the name of a variable the expression reads. */
  names: string[];
}

const cache = new Map<string, FhirPathTemplate>();

/**
 * Rewrites the templates of `source`. Inside a string literal, `'urn:uuid:{{caseUuid}}'` becomes
 * `'urn:uuid:' & %`caseUuid` & ''`; outside one, `{{n}}` becomes `%`n`` (a string value).
 */
export function fhirPathTemplate(source: string): FhirPathTemplate {
  let done = cache.get(source);
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
  cache.set(source, done);
  return done;
}
