// The FHIR releases a module's bodies may be in, and fhirpath's model of each: an expression reads a FHIR body with the
// model of its API's release (choice types, element types), never another's. A model is loaded when first asked for.
import { createRequire } from "node:module";

export type FhirRelease = "STU3" | "R4";

const require = createRequire(import.meta.url);
const PACKAGES: Readonly<Record<FhirRelease, string>> = { STU3: "fhirpath/fhir-context/stu3", R4: "fhirpath/fhir-context/r4" };
const loaded = new Map<FhirRelease, unknown>();

export function fhirpathModel(release: FhirRelease): unknown {
  if (!loaded.has(release)) loaded.set(release, require(PACKAGES[release]));
  return loaded.get(release);
}
