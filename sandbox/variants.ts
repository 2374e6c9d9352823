// Named documented variants: each answers one rule of ../shared/spec/RULES.md the other way an NHS source documents
// (revision 2), as a conformant environment that read the pages differently would. SANDBOX_VARIANTS=a,b switches them
// on. The variant self-test (npm run selftest) runs the suites with each: no requirement may fail; an accepted
// variant's rules must pass with the variant recorded, a warning variant's rules must warn, and nothing else change.

export interface DocumentedVariant {
  name: string;
  /** The rules it answers differently. */
  rules: string[];
  /** accepted: the rules pass, recording the variant; warning: they warn (they gate only under --strict). */
  outcome: "accepted" | "warning";
  /** Where the other answer is documented (file § section under ../shared/spec). */
  source: string;
  /** Rules it still fails, as revision 2 says it must (a relative Location fails NRLS-CRT-07, and only that). */
  stillFails?: string[];
  /** Configuration the self-test runs it with, when the answer depends on what else is running. */
  selftestEnv?: Record<string, string>;
  description: string;
}

export const VARIANTS: readonly DocumentedVariant[] = [
  // NRLS — accepted
  { name: "nrls-authorization-general-guidance", rules: ["NRLS-HDR-03"], outcome: "accepted", source: "nhs/nrls-v1_2018-07_development_general_api_guidance.md § MISSING_OR_INVALID_HEADER", description: "no Authorization header: issue.code invalid, diagnostics \"Authorization HTTP Header is missing\"" },
  { name: "nrls-jwt-errors-invalid", rules: ["NRLS-HDR-04", "NRLS-HDR-05", "NRLS-HDR-06", "NRLS-HDR-07"], outcome: "accepted", source: "nhs/spinecore_resources_error_handling.md § MISSING_OR_INVALID_HEADER", description: "JWT errors carry issue.code invalid instead of structure" },
  { name: "nrls-claim-organisation-spelling", rules: ["NRLS-HDR-05"], outcome: "accepted", source: "nhs/nrls-v1_2018-07_integration_access_tokens_and_audit_JWT.md § Example 3", description: "JWT diagnostics spell the claim requesting_organisation" },
  { name: "nrls-415-nhs-net-system", rules: ["NRLS-FMT-07"], outcome: "accepted", source: "nhs/nrls-v1_2018-07_development_general_api_guidance.md § Content types (415 row)", description: "415 coding system http://fhir.nhs.net/ValueSet/spine-response-code-1-0" },
  { name: "nrls-nhs-number-code-value", rules: ["NRLS-ERR-08"], outcome: "accepted", source: "nhs/spinecore_resources_error_handling.md § identity errors", description: "INVALID_NHS_NUMBER carries issue.code value" },
  { name: "nrls-org-url-not-found", rules: ["NRLS-ERR-09"], outcome: "accepted", source: "nhs/nrls-v1_2018-07_development_general_api_guidance.md § ORGANISATION_NOT_FOUND", description: "a wrong Organization base URL gets 400 ORGANISATION_NOT_FOUND (not-found)" },
  { name: "nrls-jwt-signature-not-validated", rules: ["NRLS-HDR-04"], outcome: "accepted", source: "nhs/nrls-v1_2018-07_integration_access_tokens_and_audit_JWT.md § JWT Generation", description: "a JWT whose signature section is not empty is accepted (\"The Spine does not currently validate the signature\"); one of two sections is still refused" },
  { name: "nrls-search-forbidden", rules: ["NRLS-ERR-12", "NRLS-CRT-13"], outcome: "accepted", source: "nhs/spinecore_resources_error_handling.md § ASID_CHECK_FAILED (RI HEAD interaction rights)", description: "a search by patient is refused with 403 ASID_CHECK_FAILED: the ASID may create pointers but not search them" },
  // One case at a time: only then does an error case's search meet a patient with no pointers at all.
  { name: "nrls-search-no-record", rules: ["NRLS-ERR-12"], outcome: "accepted", source: "nhs/nrls-v1_2018-07_development_general_api_guidance.md § NO_RECORD_FOUND", description: "a search for a patient with no pointers answers 404 NO_RECORD_FOUND", selftestEnv: { ASSURE_CONCURRENCY: "1" } },
  { name: "nrls-client-id-refused", rules: ["NRLS-CRT-09"], outcome: "accepted", source: "nhs/spinecore_resources_error_handling.md § MSG_RESOURCE_ID_FAIL", description: "a client-supplied id is refused with 405 MSG_RESOURCE_ID_FAIL (forbidden)" },
  // NRLS — warnings
  { name: "nrls-malformed-not-well-formed", rules: ["NRLS-ERR-01"], outcome: "warning", source: "nhs/spinecore_resources_error_handling.md § BAD_REQUEST", description: "malformed JSON or XML gets MESSAGE_NOT_WELL_FORMED (structure)" },
  { name: "nrls-bad-status-request-message", rules: ["NRLS-ERR-05"], outcome: "warning", source: "RI 0.1.6 (SOURCE-NOTES §1.8)", description: "a status outside the value set gets INVALID_REQUEST_MESSAGE (a strict parser rejects it first)" },
  { name: "nrls-valueset-system", rules: ["NRLS-ERR-11"], outcome: "warning", source: "nhs/spinecore_resources_error_handling.md § error examples", description: "error codings name the ValueSet's URL, https://fhir.nhs.uk/STU3/ValueSet/Spine-ErrorOrWarningCode-1, as their system" },
  { name: "nrls-patient-url-invalid-resource", rules: ["NRLS-ERR-10"], outcome: "warning", source: "SOURCE-NOTES.md § 1.8 (reference implementation)", description: "a wrong Patient base URL gets INVALID_RESOURCE (as the reference implementation does), not INVALID_PARAMETER" },
  { name: "nrls-unknown-org-404", rules: ["NRLS-ERR-07"], outcome: "warning", source: "nhs/spinecore_resources_error_handling.md § ORGANISATION_NOT_FOUND", description: "an unknown organisation gets 404 instead of 400" },
  // General principles: not variants of one rule, so they record nothing; every rule must still pass.
  { name: "media-type-case-and-charset", rules: [], outcome: "accepted", source: "RULES.md § Revision 2, general principles", description: "every Content-Type capitalised, with a quoted charset parameter (Application/Fhir+Json; Charset=\"utf-8\")" },
  { name: "json-bom", rules: [], outcome: "accepted", source: "RULES.md § Revision 2, general principles", description: "every JSON body starts with a UTF-8 byte order mark" },
  { name: "extra-members-and-headers", rules: [], outcome: "accepted", source: "RULES.md § Revision 2, general principles", description: "an extra header on every response, an extra member in every JSON object body, an extra element in every XML one" },
  { name: "xml-namespaces-and-references", rules: [], outcome: "accepted", source: "RULES.md § Revision 2, general principles", description: "XML bodies use the FHIR namespace under the prefix f:, declare xmlns:xsi and xsi:schemaLocation on the root, and write spaces, slashes, colons, dots and hyphens in values as character references" },
  { name: "strings-escaped-every-character", rules: [], outcome: "accepted", source: "RULES.md § Revision 2, general principles (RFC 8259 §7; XML 1.0 §4.1)", description: "every character of every JSON string (members' names included) written as a \\uXXXX escape, and of every XML value as a character reference" },
  { name: "strings-escaped-at-random", rules: [], outcome: "accepted", source: "RULES.md § Revision 2, general principles (RFC 8259 §7; XML 1.0 §4.1)", description: "about one character in three of every JSON string written as a \\uXXXX escape, and of every XML value as a character reference, the others plain" },
  { name: "outcome-extra-issue", rules: [], outcome: "accepted", source: "RULES.md § Revision 2, general principles (OperationOutcome.issue is 1..*)", description: "NRLS error OperationOutcomes carry a second issue, severity warning, after their own" },
  { name: "nrls-display-full-stop", rules: [], outcome: "accepted", source: "RULES.md § Revision 2, general principles", description: "every NRLS coding display ends with a full stop" },
  { name: "nrls-location-relative", rules: [], stillFails: ["NRLS-CRT-07"], outcome: "accepted", source: "RULES.md § Revision 2, general principles (RFC 9110 §10.2.2)", description: "Location is relative to the request URL: NRLS-CRT-07 fails, the read-back rules are judged on their own" },
  { name: "nrls-location-id-encoded", rules: [], outcome: "accepted", source: "RULES.md § Revision 2, general principles", description: "the id in Location's _id is percent-encoded (hyphens as %2D)" },
  // e-RS — accepted
  { name: "ers-dead-session-other-4xx", rules: ["ERS-A003-02"], outcome: "accepted", source: "nhs/ers-latest_explore_error_messages.md § 4xx", description: "a deleted session's id is refused with 405: any 4xx is a refusal, revision 1 listed the likely ones" },
  // e-RS — warnings
  { name: "ers-null-members-omitted", rules: ["ERS-A001-02", "ERS-A001-06", "ERS-A001-08"], outcome: "warning", source: "nhs/ers-2018-04_explore_models.md § ProfessionalSession Resource (the model lists them)", description: "members whose value is null (middleName, permission) are left out" },
  { name: "ers-new-business-function", rules: ["ERS-A001-05"], outcome: "warning", source: "nhs/ers-2018-04_explore_models.md § BusinessFunction (String): the 2018 list, which has grown since", description: "a permission carries a businessFunction outside the 15 values of 2018" },
  { name: "ers-422-unlisted-code", rules: ["ERS-A001-12"], outcome: "warning", source: "nhs/ers-latest_explore_endpoint_a016_example_outcomekeys.md § outcome keys", description: "a 422 carries a code outside every eRS-APIErrorCode-1 version" },
  { name: "ers-unknown-token-422", rules: ["ERS-A001-14"], outcome: "warning", source: "nhs/ers-latest-deprecated_explore_endpoint_a001.md § Output (validation errors)", description: "an unknown token gets 422 instead of 403" },
];

export function parseVariants(spec: string | undefined): Set<string> {
  const names = (spec ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !VARIANTS.some((v) => v.name === n));
  if (unknown.length) throw new Error(`SANDBOX_VARIANTS: unknown variant(s) ${unknown.join(", ")}; known: ${VARIANTS.map((v) => v.name).join(", ")}`);
  return new Set(names);
}
