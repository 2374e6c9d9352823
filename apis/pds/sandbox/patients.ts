// PDS FHIR R4 retrieve patient: GET /Patient/{nhsNumber}, as personal-demographics-service-api's patient-get.yaml
// documents it — 200 with the Patient (ETag, X-Request-Id echoed), 400 for a missing or malformed X-Request-ID or an
// invalid NHS number, 404 for an NHS number with no patient; errors are OperationOutcomes with a Spine error code.
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import type { SandboxContext, SandboxHandler, Switches } from "../../../src/api-module.ts";
import type { PdsSwitch } from "../variants.ts";
import { isValidNhsNumber } from "../../../src/fhir/nhs-number.ts";
import { PROJECT_ROOT } from "../../../src/project-root.ts";
import { reply } from "../../../sandbox/http.ts";

type Json = Record<string, unknown>;

const FHIR_JSON = "application/fhir+json";
const ERROR_SYSTEM = "https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode";
const ERRORS = {
  MISSING_VALUE: { status: 400, issue: "required", display: "Required value is missing" },
  INVALID_VALUE: { status: 400, issue: "value", display: "Provided value is invalid" },
  INVALID_RESOURCE_ID: { status: 400, issue: "value", display: "Resource Id is invalid" },
  RESOURCE_NOT_FOUND: { status: 404, issue: "not-found", display: "Resource not found" },
  METHOD_NOT_ALLOWED: { status: 405, issue: "not-supported", display: "Method not allowed" },
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const DEFAULT_PATIENTS = join(PROJECT_ROOT, "fixtures", "pds", "patients.json");

export function pdsHandler(ctx: SandboxContext): SandboxHandler {
  const file = ctx.setting("SANDBOX_PDS_PATIENTS") || DEFAULT_PATIENTS;
  let patients: Record<string, Json>;
  try {
    patients = (JSON.parse(readFileSync(file, "utf8")) as { patients: Record<string, Json> }).patients;
  } catch (e) {
    throw new Error(`SANDBOX_PDS_PATIENTS: ${file} cannot be read as {"patients": {nhsNumber: Patient}}: ${(e as Error).message}`);
  }
  const has = (name: PdsSwitch) => (ctx.switches as Switches<PdsSwitch>).has(name);
  const send = (res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}) =>
    reply(res, status, JSON.stringify(body), { "Content-Type": FHIR_JSON, ...headers });
  const error = (res: ServerResponse, code: keyof typeof ERRORS, diagnostics: string, requestId?: string) => {
    const e = ERRORS[code];
    send(res, e.status, {
      resourceType: "OperationOutcome",
      issue: [{ severity: "error", code: e.issue, details: { coding: [{ system: ERROR_SYSTEM, version: "1", code, display: e.display }] }, diagnostics }],
    }, requestId ? { "X-Request-Id": requestId } : {});
  };
  const searchset = (entries: Json[]): Json => ({ resourceType: "Bundle", type: "searchset", total: entries.length, entry: entries.map((resource) => ({ resource, search: { mode: "match" } })) });

  return async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const m = /^\/Patient\/([^/]*)$/.exec(path);
    if (!m) return false;
    if (req.method !== "GET") {
      error(res, "METHOD_NOT_ALLOWED", `${req.method} is not supported on Patient/{id} here`);
      return true;
    }
    const requestId = req.headers["x-request-id"];
    if (typeof requestId !== "string" || requestId === "") {
      error(res, "MISSING_VALUE", "Invalid request with error - X-Request-ID header must be supplied to access this resource");
      return true;
    }
    if (!UUID.test(requestId)) {
      error(res, "INVALID_VALUE", `Invalid value - '${requestId}' in header 'X-Request-ID'`);
      return true;
    }
    let nhsNumber: string;
    try {
      nhsNumber = decodeURIComponent(m[1]!);
    } catch {
      nhsNumber = m[1]!;
    }
    if (!isValidNhsNumber(nhsNumber) && !has("pds-no-nhs-number-check")) {
      error(res, "INVALID_RESOURCE_ID", `Invalid resource ID - NHS number '${nhsNumber}' is not valid`, requestId);
      return true;
    }
    // The documented superseded case: the superseding record comes back, under its own NHS number.
    const patient = has("pds-superseded-patient") && nhsNumber === "9000000009" ? patients["9000000025"] : patients[nhsNumber];
    if (!patient) {
      if (has("pds-not-found-200")) send(res, 200, searchset([]), { "X-Request-Id": requestId });
      else error(res, "RESOURCE_NOT_FOUND", `Patient ${nhsNumber} does not exist`, requestId);
      return true;
    }
    const version = String((patient.meta as { versionId?: string } | undefined)?.versionId ?? "1");
    send(res, 200, has("pds-patient-as-bundle") ? searchset([patient]) : patient, { ETag: `W/"${version}"`, "X-Request-Id": requestId });
    return true;
  };
}
