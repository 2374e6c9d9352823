// Named documented variants: each answers one rule of ../shared/spec/RULES.md the other way an NHS source documents
// (revision 2), as a conformant environment that read the pages differently would. SANDBOX_VARIANTS=a,b switches them
// on. The variant self-test (npm run selftest) runs the suites with each: no requirement may fail; an accepted
// variant's rules must pass with the variant recorded, a warning variant's rules must warn, and nothing else change.

import type { DocumentedVariant } from "../src/api-module.ts";
import { APIS } from "../src/apis.ts";

export type { DocumentedVariant } from "../src/api-module.ts";

/** Variants of HTTP, JSON and XML themselves (general principles of revision 2): every API's answers, every rule. */
const GENERAL = [
  // General principles: not variants of one rule, so they record nothing; every rule must still pass.
  { name: "media-type-case-and-charset", rules: [], outcome: "accepted", source: "RULES.md § Revision 2, general principles", description: "every Content-Type capitalised, with a quoted charset parameter (Application/Fhir+Json; Charset=\"utf-8\")" },
  { name: "json-bom", rules: [], outcome: "accepted", source: "RULES.md § Revision 2, general principles", description: "every JSON body starts with a UTF-8 byte order mark" },
  { name: "extra-members-and-headers", rules: [], outcome: "accepted", source: "RULES.md § Revision 2, general principles", description: "an extra header on every response, an extra member in every JSON object body, an extra element in every XML one" },
  { name: "xml-namespaces-and-references", rules: [], outcome: "accepted", source: "RULES.md § Revision 2, general principles", description: "XML bodies use the FHIR namespace under the prefix f:, declare xmlns:xsi and xsi:schemaLocation on the root, and write spaces, slashes, colons, dots and hyphens in values as character references" },
  { name: "strings-escaped-every-character", rules: [], outcome: "accepted", source: "RULES.md § Revision 2, general principles (RFC 8259 §7; XML 1.0 §4.1)", description: "every character of every JSON string (members' names included) written as a \\uXXXX escape, and of every XML value as a character reference" },
  { name: "strings-escaped-at-random", rules: [], outcome: "accepted", source: "RULES.md § Revision 2, general principles (RFC 8259 §7; XML 1.0 §4.1)", description: "about one character in three of every JSON string written as a \\uXXXX escape, and of every XML value as a character reference, the others plain" },
  { name: "outcome-extra-issue", rules: [], outcome: "accepted", source: "RULES.md § Revision 2, general principles (OperationOutcome.issue is 1..*)", description: "NRLS error OperationOutcomes carry a second issue, severity warning, after their own" },
] as const satisfies readonly DocumentedVariant[];

/** The general variants by name: what every API's simulator may be asked to answer as. */
export type GeneralVariantName = (typeof GENERAL)[number]["name"];

/** Every API module's documented variants, then the general ones: the sandbox's whole list. */
export const VARIANTS: readonly DocumentedVariant[] = [...APIS.flatMap((api) => api.sandbox?.variants ?? []), ...GENERAL];

export function parseVariants(spec: string | undefined): Set<string> {
  const names = (spec ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !VARIANTS.some((v) => v.name === n));
  if (unknown.length) throw new Error(`SANDBOX_VARIANTS: unknown variant(s) ${unknown.join(", ")}; known: ${VARIANTS.map((v) => v.name).join(", ")}`);
  return new Set(names);
}
