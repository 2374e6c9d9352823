// NRLS's named faults: each breaks one documented behaviour the way a real implementation might, so the suites can
// be shown to catch it (SANDBOX_FAULTS=a,b; the mutation self-test, npm run selftest).
import type { Fault } from "../../src/api-module.ts";

export const NRLS_FAULTS = [
  // NRLS create: success. Without a Location, or with one that does not resolve, nothing can be read back: the
  // read-back rules fail with it. A fault that accepts a request it must reject also fails NRLS-ERR-12.
  { name: "nrls-create-200", breaks: ["NRLS-CRT-01", "NRLS-FMT-05", "NRLS-FMT-06", "NRLS-FMT-08"], description: "create answers 200 instead of 201" },
  { name: "nrls-bundle-body", breaks: ["NRLS-CRT-02", "NRLS-CRT-03", "NRLS-CRT-04", "NRLS-CRT-05", "NRLS-FMT-02"], description: "create answers with a Bundle, not an OperationOutcome" },
  { name: "nrls-wrong-created-code", breaks: ["NRLS-CRT-03"], description: "RESOURCE_CREATED issue has severity warning" },
  { name: "nrls-no-message-id", breaks: ["NRLS-CRT-04"], description: "details.text is not the Spine message UUID" },
  { name: "nrls-wrong-diagnostics", breaks: ["NRLS-CRT-05"], description: "create diagnostics say 'Created' instead of the documented text" },
  { name: "nrls-no-location", breaks: ["NRLS-CRT-06", "NRLS-CRT-07", "NRLS-CRT-08", "NRLS-CRT-09", "NRLS-CRT-10", "NRLS-CRT-11", "NRLS-CRT-12"], description: "no Location header on create" },
  { name: "nrls-location-path-id", breaks: ["NRLS-CRT-07"], description: "Location in the 2.x style /DocumentReference/{id}, without ?_id= (and that path is served)" },
  { name: "nrls-location-unresolvable", breaks: ["NRLS-CRT-08", "NRLS-CRT-10", "NRLS-CRT-11", "NRLS-CRT-12"], description: "Location names an id that does not resolve" },
  { name: "nrls-client-id-kept", breaks: ["NRLS-CRT-09"], description: "a client-supplied id becomes the pointer's id" },
  { name: "nrls-version-2", breaks: ["NRLS-CRT-10", "NRLS-CRT-11"], description: "a new pointer gets meta.versionId 2" },
  { name: "nrls-client-version-kept", breaks: ["NRLS-CRT-11"], description: "a client-supplied meta.versionId is kept" },
  { name: "nrls-stores-less", breaks: ["NRLS-CRT-12"], description: "the stored pointer loses its author" },
  { name: "nrls-duplicate-accepted", breaks: ["NRLS-CRT-13"], description: "a duplicate masterIdentifier for the same patient is accepted" },
  // NRLS formats
  { name: "nrls-always-xml", breaks: ["NRLS-FMT-01", "NRLS-FMT-04", "NRLS-FMT-05", "NRLS-FMT-06"], description: "every response is XML, whatever was asked" },
  { name: "nrls-always-json", breaks: ["NRLS-FMT-02", "NRLS-FMT-03", "NRLS-FMT-04", "NRLS-FMT-05", "NRLS-FMT-06"], description: "every response is JSON, whatever was asked" },
  { name: "nrls-default-json", breaks: ["NRLS-FMT-03"], description: "with neither Accept nor _format the response is JSON" },
  { name: "nrls-accept-over-format", breaks: ["NRLS-FMT-04", "NRLS-FMT-07"], description: "Accept wins over _format" },
  { name: "nrls-no-dstu2", breaks: ["NRLS-FMT-05"], description: "the DSTU2 media types get 415" },
  { name: "nrls-no-generic", breaks: ["NRLS-FMT-06"], description: "application/json, application/xml and text/json get 415" },
  { name: "nrls-format-unchecked", breaks: ["NRLS-FMT-07"], description: "an unsupported _format is ignored instead of answered with 415" },
  { name: "nrls-no-xml-body", dimension: "format", breaks: ["NRLS-FMT-08", "NRLS-FMT-02", "NRLS-FMT-05", "NRLS-ERR-01", "NRLS-ERR-11", "NRLS-CRT-01", "NRLS-CRT-03", "NRLS-CRT-04", "NRLS-CRT-05", "NRLS-CRT-06", "NRLS-CRT-07", "NRLS-CRT-08", "NRLS-CRT-09", "NRLS-CRT-10", "NRLS-CRT-11", "NRLS-CRT-12", "NRLS-CRT-13", "NRLS-ERR-02", "NRLS-ERR-03", "NRLS-ERR-04", "NRLS-ERR-05", "NRLS-ERR-06", "NRLS-ERR-07", "NRLS-ERR-08", "NRLS-ERR-09", "NRLS-ERR-10"], description: "an XML request body is refused with 415, as by a server that takes JSON bodies only" },
  // NRLS headers and JWT
  { name: "nrls-no-fromasid-check", breaks: ["NRLS-HDR-01", "NRLS-ERR-12"], description: "a missing fromASID is not noticed" },
  { name: "nrls-no-toasid-check", breaks: ["NRLS-HDR-02", "NRLS-ERR-12"], description: "a missing toASID is not noticed" },
  { name: "nrls-no-jwt-check", breaks: ["NRLS-HDR-03", "NRLS-HDR-04", "NRLS-HDR-05", "NRLS-HDR-06", "NRLS-HDR-07", "NRLS-ERR-12"], description: "the Authorization JWT is not checked at all" },
  { name: "nrls-jwt-two-sections", breaks: ["NRLS-HDR-04", "NRLS-ERR-12"], description: "a JWT of two sections (no signature section at all) is accepted" },
  { name: "nrls-jwt-claims-optional", breaks: ["NRLS-HDR-05", "NRLS-ERR-12"], description: "missing JWT claims are not noticed" },
  { name: "nrls-jwt-values-unchecked", breaks: ["NRLS-HDR-06", "NRLS-ERR-12"], description: "JWT claim values (reason, scope, sub, requesting_system) are not checked" },
  { name: "nrls-jwt-org-unchecked", breaks: ["NRLS-HDR-07", "NRLS-ERR-12"], description: "requesting_organization need not match the requesting_system ASID" },
  // NRLS errors
  { name: "nrls-malformed-invalid-resource", breaks: ["NRLS-ERR-01"], description: "malformed JSON or XML gets INVALID_RESOURCE instead of INVALID_REQUEST_MESSAGE" },
  { name: "nrls-type-optional", breaks: ["NRLS-ERR-02", "NRLS-ERR-12"], description: "a pointer without type is created" },
  { name: "nrls-empty-content-type", breaks: ["NRLS-ERR-03", "NRLS-ERR-12"], description: "an attachment.contentType that is present but empty (\"\") is accepted: only its presence is checked" },
  { name: "nrls-content-unchecked", breaks: ["NRLS-ERR-03", "NRLS-ERR-12"], description: "content, attachment.contentType and attachment.url are not required" },
  { name: "nrls-any-type-code", breaks: ["NRLS-ERR-04", "NRLS-ERR-12"], description: "a type code outside NRLS-RecordType-1 is accepted" },
  { name: "nrls-any-status", breaks: ["NRLS-ERR-05", "NRLS-ERR-12"], description: "a status outside document-reference-status is accepted" },
  { name: "nrls-unaffiliated-accepted", breaks: ["NRLS-ERR-06", "NRLS-ERR-12"], description: "a custodian not affiliated with fromASID is accepted" },
  { name: "nrls-unknown-org-accepted", breaks: ["NRLS-ERR-07", "NRLS-ERR-12"], description: "an author ODS code the directory does not know is accepted" },
  { name: "nrls-nhs-number-unchecked", breaks: ["NRLS-ERR-08", "NRLS-ERR-12"], description: "NHS numbers are not checked" },
  { name: "nrls-org-url-unchecked", breaks: ["NRLS-ERR-09", "NRLS-ERR-12"], description: "an author or custodian reference on another base URL is accepted" },
  { name: "nrls-patient-url-unchecked", breaks: ["NRLS-ERR-10", "NRLS-ERR-12"], description: "a subject on another Patient base URL is accepted and stored" },
  { name: "nrls-duplicate-stored", breaks: ["NRLS-CRT-13"], description: "a duplicate masterIdentifier is refused with DUPLICATE_REJECTED but stored all the same" },
  { name: "nrls-jwt-org-wrong-reason", breaks: ["NRLS-HDR-07"], unsuitable: true, description: "a requesting_organization not associated with the ASID is refused as an unknown ODS code" },
  { name: "nrls-header-error-information", breaks: ["NRLS-HDR-01", "NRLS-HDR-02", "NRLS-HDR-03", "NRLS-HDR-04", "NRLS-HDR-05", "NRLS-HDR-06", "NRLS-HDR-07"], description: "MISSING_OR_INVALID_HEADER errors carry severity information" },
  { name: "nrls-jwt-code-processing", breaks: ["NRLS-HDR-04", "NRLS-HDR-05", "NRLS-HDR-06", "NRLS-HDR-07"], description: "JWT errors carry issue.code processing (neither structure nor the documented invalid)" },
  { name: "nrls-415-severity-warning", breaks: ["NRLS-FMT-07"], description: "the 415 OperationOutcome's issue has severity warning" },
  { name: "nrls-errors-no-profile", breaks: ["NRLS-ERR-11"], description: "error OperationOutcomes carry no meta.profile" },
  { name: "nrls-stores-on-error", breaks: ["NRLS-ERR-12"], description: "a pointer that fails business checks (affiliation, organisations) is stored anyway" },
  // Revision 3: right on the path a case happens to walk, wrong on another.
  { name: "nrls-xml-skips-business-rules", dimension: "format", breaks: ["NRLS-ERR-02", "NRLS-ERR-03", "NRLS-ERR-04", "NRLS-ERR-05", "NRLS-ERR-06", "NRLS-ERR-07", "NRLS-ERR-08", "NRLS-ERR-09", "NRLS-ERR-10", "NRLS-ERR-12", "NRLS-CRT-13"], description: "a pointer sent as XML skips every profile and business rule: an XML pointer without type is created" },
  { name: "nrls-xml-not-stored", dimension: "stored", breaks: ["NRLS-CRT-08", "NRLS-CRT-10", "NRLS-CRT-11", "NRLS-CRT-12", "NRLS-CRT-13"], description: "an XML create is answered 201 with a Location, and nothing is stored" },
  { name: "nrls-xml-body-answered-xml", dimension: "format", breaks: ["NRLS-FMT-01", "NRLS-FMT-04"], description: "a request with an XML body is answered in XML, whatever Accept or _format asked" },
  { name: "nrls-errors-always-json", dimension: "format", breaks: ["NRLS-FMT-02"], description: "every error is answered in JSON, whatever Accept or _format asked" },
  { name: "nrls-jwt-four-sections", dimension: "identifier", breaks: ["NRLS-HDR-04", "NRLS-ERR-12"], description: "a JWT of four sections is read for its first three and accepted" },
  { name: "nrls-scope-prefix-only", dimension: "identifier", breaks: ["NRLS-HDR-06", "NRLS-ERR-12"], description: "any scope that starts patient/DocumentReference. is accepted (a read scope for a create included)" },
  { name: "nrls-nhs-check-10-accepted", dimension: "identifier", breaks: ["NRLS-ERR-08", "NRLS-ERR-12"], description: "an NHS number whose Modulus-11 check value is 10 is taken, the 10 read as 0" },
  { name: "nrls-type-system-unchecked", dimension: "identifier", breaks: ["NRLS-ERR-04", "NRLS-ERR-12"], description: "a type code is judged without its system: the value set's code under another system is accepted" },
  { name: "nrls-dstu2-body-refused", dimension: "format", breaks: ["NRLS-FMT-05"], description: "the DSTU2 types are taken on Accept but a request body sent as one gets 415" },
  { name: "nrls-location-names-another", dimension: "stored", breaks: ["NRLS-CRT-08", "NRLS-CRT-12"], description: "Location names another pointer (one the sandbox keeps), not the one the create made" },
  { name: "nrls-drops-type-system", dimension: "stored", breaks: ["NRLS-CRT-12"], description: "the stored pointer keeps the type's code but drops its system and display" },
  { name: "nrls-read-bundle-collection", dimension: "stored", breaks: ["NRLS-CRT-08"], description: "a read by _id is answered with a Bundle of type collection, not a searchset" },
  { name: "nrls-auth-first-request-only", dimension: "connection", breaks: ["NRLS-HDR-03", "NRLS-HDR-04", "NRLS-HDR-05", "NRLS-HDR-06", "NRLS-HDR-07", "NRLS-ERR-12"], description: "the Authorization JWT is checked on the first request of a kept-alive connection only" },
  { name: "nrls-concurrent-creates-share-id", dimension: "concurrency", breaks: ["NRLS-CRT-08", "NRLS-CRT-12"], description: "creates that arrive together (within 300 ms) are handed one id: each is stored, and a read of the id finds the first" },
] as const satisfies readonly Fault[];

/** Its faults by name: a handler asking for another name does not compile. */
export type NrlsFaultName = (typeof NRLS_FAULTS)[number]["name"];
