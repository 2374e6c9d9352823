// PDS's documented variants: another answer the PDS pages document, which a conformant environment may give.
import type { DocumentedVariant } from "../../src/api-module.ts";

export const PDS_VARIANTS: readonly DocumentedVariant[] = [
  {
    name: "pds-superseded-patient", rules: ["PDS-GET-01"], outcome: "accepted",
    source: "personal-demographics-service-api/specification/components/paths/patient-get.yaml § Superseded patients",
    description: "the patient has been superseded: the retrieve answers with the superseding record, whose id is another NHS number",
  },
];
