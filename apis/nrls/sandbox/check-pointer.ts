// A pointer against NRLS-DocumentReference-1, in the reference implementation's order (SOURCE-NOTES §1.8 step 5);
// the first failure wins. Affiliation and organisation lookups (steps 7 and 8) follow in the handler.
import { ORG_BASE, PATIENT_BASE, RECORD_TYPE } from "../../../src/spine/nrls.ts";
import type { Switches } from "../../../src/api-module.ts";
import type { NrlsSwitch } from "../variants.ts";
import { isValidNhsNumber, nhsCheckDigit } from "../../../src/fhir/nhs-number.ts";
import { spineError, type SpineError } from "../../../sandbox/spine-outcome.ts";


type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v : undefined);
const invalid = (what: string) => spineError("INVALID_RESOURCE", `Resource is invalid : ${what}`);
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const DATETIME = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** The ODS codes a valid pointer names, for the affiliation and directory checks. */
export interface PointerFacts {
  nhsNumber: string;
  authorOds: string;
  custodianOds: string;
}

export function checkPointer(p: Json, switches: Switches<NrlsSwitch> = new Set<NrlsSwitch>()): SpineError | PointerFacts {
  const has = (f: NrlsSwitch) => switches.has(f);
  if (p.resourceType !== "DocumentReference") return spineError("INVALID_RESOURCE", "Resource is invalid : resourceType");
  const mi = obj(p.masterIdentifier);
  if (p.masterIdentifier !== undefined && (!mi || !str(mi.system) || !str(mi.value))) {
    return spineError("INVALID_RESOURCE", "If the masterIdentifier is supplied then the value and system properties are mandatory");
  }
  if (!str(p.status)) return invalid("status");
  if (p.status !== "current" && !has("nrls-any-status")) {
    // A strict parser rejects a code outside the value set before the profile is checked (RI 0.1.6: a variant).
    if (has("nrls-bad-status-request-message") && !["current", "superseded", "entered-in-error"].includes(String(p.status))) return spineError("INVALID_REQUEST_MESSAGE", "Invalid Request Message", "value");
    return spineError("INVALID_RESOURCE", 'The status of a new DocumentReference can only be "current"');
  }

  const type = obj(p.type);
  const codings = Array.isArray(type?.coding) ? (type.coding as unknown[]) : [];
  const coding = obj(codings[0]);
  if (!type) {
    if (!has("nrls-type-optional")) return invalid("type");
  } else if (codings.length !== 1 || !coding || (coding.system !== RECORD_TYPE.system && !has("nrls-type-system-unchecked")) || !str(coding.code) || !str(coding.display) || (coding.code !== RECORD_TYPE.code && !has("nrls-any-type-code"))) {
    return invalid("type");
  }

  const subject = str(obj(p.subject)?.reference);
  if (!subject) return invalid("subject");
  // The spec says INVALID_PARAMETER for a wrong Patient base URL; the reference implementation says INVALID_RESOURCE
  // (SOURCE-NOTES §4.13). RULES.md (NRLS-ERR-10) follows the spec, so the sandbox does.
  const otherBase = !subject.startsWith(PATIENT_BASE);
  if (otherBase && !has("nrls-patient-url-unchecked")) {
    return has("nrls-patient-url-invalid-resource")
      ? invalid("subject")
      : spineError("INVALID_PARAMETER", `The given resource URL does not conform to the expected format - ${PATIENT_BASE}[NHS Number]`);
  }
  const nhsNumber = otherBase ? subject.slice(subject.lastIndexOf("/") + 1) : subject.slice(PATIENT_BASE.length);
  // A fault in the identifier: Modulus 11's check value 10 taken as 0 (there is no such NHS number).
  const tenAsZero = has("nrls-nhs-check-10-accepted") && /^\d{10}$/.test(nhsNumber) && nhsCheckDigit(nhsNumber.slice(0, 9)) === undefined && nhsNumber[9] === "0";
  if (!isValidNhsNumber(nhsNumber) && !tenAsZero && !has("nrls-nhs-number-unchecked")) {
    return spineError("INVALID_NHS_NUMBER", `The NHS number does not conform to the NHS Number format: ${nhsNumber}`, has("nrls-nhs-number-code-value") ? "value" : undefined);
  }

  const orgOf = (ref: unknown, what: string): SpineError | string => {
    const r = str(obj(ref)?.reference);
    if (!r) return invalid(what);
    if (!r.startsWith(ORG_BASE)) {
      if (has("nrls-org-url-not-found")) return spineError("ORGANISATION_NOT_FOUND", `The given resource URL does not resolve to an organisation - ${ORG_BASE}[ODS Code]`);
      if (!has("nrls-org-url-unchecked")) return spineError("INVALID_PARAMETER", `The given resource URL does not conform to the expected format - ${ORG_BASE}[ODS Code]`);
      return r.split("/").pop() || invalid(what);
    }
    const ods = r.slice(ORG_BASE.length);
    return ods ? ods : invalid(what);
  };
  const authors = Array.isArray(p.author) ? p.author : [];
  if (authors.length !== 1) return invalid("author");
  const authorOds = orgOf(authors[0], "author");
  if (typeof authorOds !== "string") return authorOds;
  const custodianOds = orgOf(p.custodian, "custodian");
  if (typeof custodianOds !== "string") return custodianOds;

  if (!str(p.indexed) || !INSTANT.test(p.indexed as string)) return invalid("indexed");

  const content = Array.isArray(p.content) ? (p.content as unknown[]) : [];
  if (has("nrls-content-unchecked")) return { nhsNumber, authorOds, custodianOds };
  if (content.length === 0) return invalid("content");
  for (const item of content) {
    const attachment = obj(obj(item)?.attachment);
    if (!attachment) return invalid("attachment");
    // The fault checks presence only, as a validator that forgets "or empty" would.
    if (has("nrls-empty-content-type") ? attachment.contentType === undefined : !str(attachment.contentType)) return invalid("contenttype");
    const url = str(attachment.url);
    if (!url || !URL.canParse(url)) return invalid("url");
    if (attachment.creation !== undefined && !(typeof attachment.creation === "string" && DATETIME.test(attachment.creation))) return invalid("creation");
  }
  return { nhsNumber, authorOds, custodianOds };
}
