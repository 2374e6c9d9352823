// PDS's documented variants: another answer the PDS pages document, which a conformant environment may give.
import type { DocumentedVariant } from "../../src/api-module.ts";
import type { GeneralVariantName } from "../../sandbox/variants.ts";
import type { PdsFaultName } from "./faults.ts";

export const PDS_VARIANTS = [
  {
    name: "pds-superseded-patient", rules: ["PDS-GET-01"], outcome: "accepted",
    source: "personal-demographics-service-api/specification/components/paths/patient-get.yaml § Superseded patients",
    description: "the patient has been superseded: the retrieve answers with the superseding record, whose id is another NHS number",
  },
] as const satisfies readonly DocumentedVariant[];

/** Its variants by name: a handler asking for another name does not compile. */
export type PdsVariantName = (typeof PDS_VARIANTS)[number]["name"];

/** Every switch its simulator may be asked about: its faults, its variants and the general variants. */
export type PdsSwitch = PdsFaultName | PdsVariantName | GeneralVariantName;
