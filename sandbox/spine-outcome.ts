// NRLS OperationOutcomes: Spine-OperationOutcome-1 with one Spine-ErrorOrWarningCode-1 coding (displays as the
// CodeSystem v1.2.0 gives them), and the requesthandler's spine-operationoutcome-1-0 for 415 (SOURCE-NOTES §1.7).
import { randomUUID } from "node:crypto";

export const SPINE_OUTCOME_PROFILE = "https://fhir.nhs.uk/STU3/StructureDefinition/Spine-OperationOutcome-1";
export const SPINE_CODE_SYSTEM = "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1";
export const REQUESTHANDLER_PROFILE = "https://fhir.nhs.uk/StructureDefinition/spine-operationoutcome-1-0";
export const REQUESTHANDLER_SYSTEM = "https://fhir.nhs.uk/STU3/ValueSet/spine-response-code-1-0";

/** Each Spine code the sandbox sends: HTTP status, FHIR issue type, CodeSystem display. */
export const SPINE_CODES = {
  INVALID_REQUEST_MESSAGE: { status: 400, issue: "value", display: "Invalid request message" },
  INVALID_RESOURCE: { status: 400, issue: "invalid", display: "Invalid validation of resource" },
  ORGANISATION_NOT_FOUND: { status: 400, issue: "not-found", display: "Organisation not found" },
  INVALID_NHS_NUMBER: { status: 400, issue: "invalid", display: "Invalid NHS number" },
  INVALID_PARAMETER: { status: 400, issue: "invalid", display: "Invalid parameter" },
  DUPLICATE_REJECTED: { status: 400, issue: "duplicate", display: "Create would lead to creation of a duplicate resource" },
  MISSING_OR_INVALID_HEADER: { status: 400, issue: "invalid", display: "There is a required header missing or invalid" },
  NO_RECORD_FOUND: { status: 404, issue: "not-found", display: "No record found" },
  ACCESS_DENIED: { status: 401, issue: "forbidden", display: "Access has been denied to process this request" },
  // Spine Core's (nhs/spinecore_resources_error_handling.md): answered only by a documented variant.
  MESSAGE_NOT_WELL_FORMED: { status: 400, issue: "structure", display: "Message not well formed" },
  MSG_RESOURCE_ID_FAIL: { status: 405, issue: "forbidden", display: "Client is not permitted to assign an id." },
  ASID_CHECK_FAILED: { status: 403, issue: "forbidden", display: "The sender or receiver's ASID is not authorised for this interaction" },
} as const;

export type SpineCode = keyof typeof SPINE_CODES;

export interface SpineError {
  code: SpineCode;
  diagnostics: string;
  /** Overrides the code's usual issue type (the JWT errors are `structure`). */
  issue?: string;
  /** Overrides the code's usual HTTP status (a documented variant). */
  status?: number;
  /** Overrides the issue's severity, error (a fault). */
  severity?: string;
}

/** A Spine error with an optional override of the issue type; thrown by validators, answered by the handler. */
export function spineError(code: SpineCode, diagnostics: string, issue?: string): SpineError {
  return { code, diagnostics, issue };
}

export function outcomeId(): string {
  return `${randomUUID()}-00000000000000000000`;
}

export function spineOutcome(severity: string, issueCode: string, code: string, display: string, diagnostics: string, text?: string): Record<string, unknown> {
  return {
    resourceType: "OperationOutcome",
    id: outcomeId(),
    meta: { profile: [SPINE_OUTCOME_PROFILE] },
    issue: [{ severity, code: issueCode, details: { coding: [{ system: SPINE_CODE_SYSTEM, code, display }], ...(text ? { text } : {}) }, diagnostics }],
  };
}

export function errorOutcome(e: SpineError): { status: number; body: Record<string, unknown> } {
  const c = SPINE_CODES[e.code];
  return { status: e.status ?? c.status, body: spineOutcome(e.severity ?? "error", e.issue ?? c.issue, e.code, c.display, e.diagnostics) };
}

/** The requesthandler's 415; `system`: the coding system (the v1 guidance's table names http://fhir.nhs.net/…). */
export function unsupportedMediaType(system = REQUESTHANDLER_SYSTEM, severity = "error"): Record<string, unknown> {
  return {
    resourceType: "OperationOutcome",
    id: outcomeId(),
    meta: { profile: [REQUESTHANDLER_PROFILE] },
    issue: [{ severity, code: "invalid", details: { coding: [{ system, code: "UNSUPPORTED_MEDIA_TYPE", display: "Unsupported Media Type" }] }, diagnostics: "Unsupported Media Type" }],
  };
}
