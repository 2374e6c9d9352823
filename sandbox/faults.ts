// Named faults: each breaks one documented behaviour the way a real implementation might, so the suites can be
// shown to catch it. SANDBOX_FAULTS=a,b switches them on. Every MUST rule of RULES.md is broken by at least one
// (a test checks that), and each fault is shown, in test/sandbox-faults.test.ts, to change the behaviour it names.

export interface Fault {
  name: string;
  /** The requirement(s) a faithful suite sees fail when this fault is on. */
  breaks: string[];
  /** They end as warnings, not failures: RULES.md revision 2 makes what the fault does a documented warning. */
  warnsOnly?: boolean;
  /**
   * They end as `unsuitable`: the answer is the one unfit test data would get, so the harness cannot tell the two apart
   * and names the variable (never a pass; it gates as the rule's level does, with exit 2).
   */
  unsuitable?: boolean;
  description: string;
}

export const FAULTS: readonly Fault[] = [
  // e-RS
  { name: "ers-create-200", breaks: ["ERS-A001-01"], description: "A001 answers 200 instead of 201" },
  // With no user, no permissions or no id, a client cannot select a role or reuse the session: the flow's later
  // rules fail with it, as they would for a real client.
  { name: "ers-no-user", breaks: ["ERS-A001-02", "ERS-A001-05", "ERS-A001-06", "ERS-A001-07", "ERS-A001-16", "ERS-A002-01", "ERS-A002-02", "ERS-A003-02"], description: "A001 response has no user" },
  { name: "ers-empty-id", breaks: ["ERS-A001-03", "ERS-A001-04", "ERS-A001-16", "ERS-A002-01", "ERS-A002-02", "ERS-A002-03", "ERS-A003-01", "ERS-A003-02"], description: "A001 session id is an empty string" },
  { name: "ers-no-permissions", breaks: ["ERS-A001-05", "ERS-A001-16", "ERS-A002-01", "ERS-A002-02", "ERS-A003-02"], description: "user.permissions is an empty list" },
  { name: "ers-bad-business-function", breaks: ["ERS-A001-05"], warnsOnly: true, description: "the last permission's businessFunction is not a BusinessFunction value (revision 2: a warning, the list has grown)" },
  { name: "ers-no-last-name", breaks: ["ERS-A001-06"], description: "user.lastName is missing" },
  { name: "ers-permission-preselected", breaks: ["ERS-A001-08", "ERS-A001-16"], description: "A001 returns the first permission already selected" },
  { name: "ers-text-json", breaks: ["ERS-A001-11"], description: "A001 answers with Content-Type text/json, not application/json" },
  { name: "ers-validation-400", breaks: ["ERS-A001-12"], description: "a missing or empty token gets 400 instead of 422" },
  { name: "ers-outcome-text", breaks: ["ERS-A001-12"], description: "422 OperationOutcome carries details.text (0..0 in eRS-OperationOutcome-1)" },
  { name: "ers-any-token", breaks: ["ERS-A001-14"], description: "an unknown smartcard token is accepted" },
  { name: "ers-no-type-info", breaks: ["ERS-A001-09"], description: "the session has no typeInfo" },
  { name: "ers-token-altered", breaks: ["ERS-A001-10"], description: "the returned token is not the one submitted (lower-cased)" },
  { name: "ers-non-json-500", breaks: ["ERS-A001-13"], description: "a body that is not JSON gets 500 instead of 400 or 422" },
  { name: "ers-asid-unchecked", breaks: ["ERS-A001-15"], description: "XAPI_ASID is not checked: missing or unauthorised ASIDs are accepted" },
  { name: "ers-select-role-201", breaks: ["ERS-A002-01"], description: "Select Role answers 201 instead of 200" },
  { name: "ers-a004-404-before-role", breaks: ["ERS-A001-16"], description: "A004 answers 404 (as if it had no endpoint) to a session with no role selected, and 200 once one is" },
  { name: "ers-select-role-ignored", breaks: ["ERS-A002-02", "ERS-A001-16"], description: "Select Role answers 200 but leaves permission null" },
  { name: "ers-delete-200", breaks: ["ERS-A003-01"], description: "Delete answers 200 with the session as body instead of 204 and no body" },
  { name: "ers-delete-keeps-session", breaks: ["ERS-A003-02"], description: "a deleted session id still works" },
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
  { name: "nrls-no-xml-body", breaks: ["NRLS-FMT-08"], description: "an XML request body is refused as INVALID_REQUEST_MESSAGE" },
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
  // Revision 2 tightened these checks: each must now fail a target that does this.
  { name: "ers-select-role-bare", breaks: ["ERS-A002-01"], description: "Select Role answers with the chosen permission alone, not the ProfessionalSession" },
  { name: "ers-outcome-version", breaks: ["ERS-A001-12"], description: "422 codings carry version (0..0 in eRS-OperationOutcome-1)" },
  { name: "nrls-duplicate-stored", breaks: ["NRLS-CRT-13"], description: "a duplicate masterIdentifier is refused with DUPLICATE_REJECTED but stored all the same" },
  { name: "nrls-jwt-org-wrong-reason", breaks: ["NRLS-HDR-07"], unsuitable: true, description: "a requesting_organization not associated with the ASID is refused as an unknown ODS code" },
  { name: "nrls-header-error-information", breaks: ["NRLS-HDR-01", "NRLS-HDR-02", "NRLS-HDR-03", "NRLS-HDR-04", "NRLS-HDR-05", "NRLS-HDR-06", "NRLS-HDR-07"], description: "MISSING_OR_INVALID_HEADER errors carry severity information" },
  { name: "nrls-jwt-code-processing", breaks: ["NRLS-HDR-04", "NRLS-HDR-05", "NRLS-HDR-06", "NRLS-HDR-07"], description: "JWT errors carry issue.code processing (neither structure nor the documented invalid)" },
  { name: "nrls-415-severity-warning", breaks: ["NRLS-FMT-07"], description: "the 415 OperationOutcome's issue has severity warning" },
  { name: "nrls-errors-no-profile", breaks: ["NRLS-ERR-11"], description: "error OperationOutcomes carry no meta.profile" },
  { name: "nrls-stores-on-error", breaks: ["NRLS-ERR-12"], description: "a pointer that fails business checks (affiliation, organisations) is stored anyway" },
];

export function parseFaults(spec: string | undefined): Set<string> {
  const names = (spec ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !FAULTS.some((f) => f.name === n));
  if (unknown.length) throw new Error(`SANDBOX_FAULTS: unknown fault(s) ${unknown.join(", ")}; known: ${FAULTS.map((f) => f.name).join(", ")}`);
  return new Set(names);
}
