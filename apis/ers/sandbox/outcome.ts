// e-RS error bodies: eRS-OperationOutcome-1 (one details.coding from eRS-APIErrorCode-1, no details.text).
// Source: SOURCE-NOTES §2.5; nhs/fixtures/stu3assets_eRS-OperationOutcome-1.xml.
export const ERS_ERROR_SYSTEM = "https://fhir.nhs.uk/STU3/CodeSystem/eRS-APIErrorCode-1";
export const ERS_OUTCOME_PROFILE = "https://fhir.nhs.uk/STU3/StructureDefinition/eRS-OperationOutcome-1";

export function ersOutcome(issueCode: string, code: string, display: string, diagnostics?: string): Record<string, unknown> {
  return {
    resourceType: "OperationOutcome",
    meta: { profile: [ERS_OUTCOME_PROFILE] },
    issue: [{ severity: "error", code: issueCode, details: { coding: [{ system: ERS_ERROR_SYSTEM, code, display }] }, ...(diagnostics ? { diagnostics } : {}) }],
  };
}
