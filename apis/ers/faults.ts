// e-RS's named faults: each breaks one documented behaviour the way a real implementation might, so the suites can
// be shown to catch it (SANDBOX_FAULTS=a,b; the mutation self-test, npm run selftest).
import type { Fault } from "../../src/api-module.ts";

export const ERS_FAULTS = [
  // e-RS
  { name: "ers-create-200", breaks: ["ERS-A001-01"], description: "A001 answers 200 instead of 201" },
  // With no user, no permissions or no id, a client cannot select a role or reuse the session: the flow's later
  // rules fail with it, as they would for a real client.
  { name: "ers-no-user", breaks: ["ERS-A001-02", "ERS-A001-05", "ERS-A001-06", "ERS-A001-07", "ERS-A001-16", "ERS-A002-01", "ERS-A002-02", "ERS-A002-03", "ERS-A003-02"], description: "A001 response has no user" },
  { name: "ers-empty-id", breaks: ["ERS-A001-03", "ERS-A001-04", "ERS-A001-16", "ERS-A002-01", "ERS-A002-02", "ERS-A002-03", "ERS-A003-01", "ERS-A003-02"], description: "A001 session id is an empty string" },
  { name: "ers-no-permissions", breaks: ["ERS-A001-05", "ERS-A001-16", "ERS-A002-01", "ERS-A002-02", "ERS-A002-03", "ERS-A003-02"], description: "user.permissions is an empty list" },
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
  // Revision 2 tightened these checks: each must now fail a target that does this.
  { name: "ers-select-role-bare", breaks: ["ERS-A002-01"], description: "Select Role answers with the chosen permission alone, not the ProfessionalSession" },
  { name: "ers-outcome-version", breaks: ["ERS-A001-12"], description: "422 codings carry version (0..0 in eRS-OperationOutcome-1)" },
  // Revision 3: right on the flow a case happens to walk, wrong in the state another leaves behind.
  { name: "ers-grants-first-permission", dimension: "state", breaks: ["ERS-A002-02"], description: "Select Role grants the user's first permission, whichever was selected" },
  { name: "ers-permission-org-unchecked", dimension: "state", breaks: ["ERS-A002-03"], description: "Select Role matches the business function only: one held at another organisation is granted" },
  { name: "ers-a004-after-a003", dimension: "state", breaks: ["ERS-A003-02"], description: "a deleted session still gets reference data (A004), though A002 refuses it" },
  { name: "ers-second-create-keeps-role", dimension: "state", oneCaseAtATime: true, breaks: ["ERS-A001-08"], description: "a create for a token that already holds a live session with a role selected returns that session, role and all" },
  { name: "ers-odd-token-accepted", dimension: "identifier", breaks: ["ERS-A001-14"], description: "only tokens shaped like a smartcard token (AQIC…@…#) are checked: any other logs in as the first user" },
] as const satisfies readonly Fault[];

/** Its faults by name: a handler asking for another name does not compile. */
export type ErsFaultName = (typeof ERS_FAULTS)[number]["name"];
