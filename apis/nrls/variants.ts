// NRLS's documented variants (RULES.md revision 2): each answers one rule the other way an NHS source documents, as
// a conformant environment that read the pages differently would (SANDBOX_VARIANTS=a,b; the variant self-test).
import type { DocumentedVariant } from "../../src/api-module.ts";
import type { GeneralVariantName } from "../../sandbox/variants.ts";
import type { NrlsFaultName } from "./faults.ts";

export const NRLS_VARIANTS = [
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
  { name: "nrls-display-full-stop", rules: [], outcome: "accepted", source: "RULES.md § Revision 2, general principles", description: "every NRLS coding display ends with a full stop" },
  { name: "nrls-location-relative", rules: [], stillFails: ["NRLS-CRT-07"], outcome: "accepted", source: "RULES.md § Revision 2, general principles (RFC 9110 §10.2.2)", description: "Location is relative to the request URL: NRLS-CRT-07 fails, the read-back rules are judged on their own" },
  { name: "nrls-location-id-encoded", rules: [], outcome: "accepted", source: "RULES.md § Revision 2, general principles", description: "the id in Location's _id is percent-encoded (hyphens as %2D)" },
  // Revision 3: conformant answers that read the pages another way; not variants of one rule, so they record nothing.
  { name: "nrls-outcome-extra-issue-first", rules: [], outcome: "accepted", source: "RULES.md § Revision 3 (an OperationOutcome's documented issue may come after extra issues of lower severity)", description: "every NRLS OperationOutcome starts with an extra information issue before its own" },
  { name: "nrls-search-paged", rules: [], outcome: "accepted", source: "RULES.md § Revision 3 (a search may be paged: total counts every match, link next leads on)", description: "every search by subject is paged, two matches a page, with total and a link next to the following page" },
  { name: "nrls-searchset-outcome-entry", rules: [], outcome: "accepted", source: "RULES.md § Revision 3 (a searchset may carry an OperationOutcome entry, search.mode outcome)", description: "every searchset Bundle carries an OperationOutcome entry (search.mode outcome) before its matches" },
] as const satisfies readonly DocumentedVariant[];

/** Its variants by name: a handler asking for another name does not compile. */
export type NrlsVariantName = (typeof NRLS_VARIANTS)[number]["name"];

/** Every switch its simulator may be asked about: its faults, its variants and the general variants. */
export type NrlsSwitch = NrlsFaultName | NrlsVariantName | GeneralVariantName;
