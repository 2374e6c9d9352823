// PDS's named faults: each breaks one rule of suites/pds/retrieve-patient.yaml the way a real implementation might.
import type { Fault } from "../../src/api-module.ts";

export const PDS_FAULTS = [
  { name: "pds-patient-as-bundle", breaks: ["PDS-GET-01"], description: "a retrieve by NHS number answers 200 with a searchset Bundle holding the Patient, not the Patient" },
  { name: "pds-not-found-200", breaks: ["PDS-GET-02"], description: "an NHS number with no patient gets 200 and an empty searchset Bundle instead of 404 RESOURCE_NOT_FOUND" },
  { name: "pds-no-nhs-number-check", breaks: ["PDS-GET-03"], description: "an NHS number failing Modulus 11 is looked up (404 RESOURCE_NOT_FOUND) instead of refused as 400 INVALID_RESOURCE_ID" },
] as const satisfies readonly Fault[];

/** Its faults by name: a handler asking for another name does not compile. */
export type PdsFaultName = (typeof PDS_FAULTS)[number]["name"];
