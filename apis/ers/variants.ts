// e-RS's documented variants (RULES.md revision 2): each answers one rule the other way an NHS source documents, as
// a conformant environment that read the pages differently would (SANDBOX_VARIANTS=a,b; the variant self-test).
import type { DocumentedVariant } from "../../src/api-module.ts";
import type { GeneralVariantName } from "../../sandbox/variants.ts";
import type { ErsFaultName } from "./faults.ts";

export const ERS_VARIANTS = [
  // e-RS — accepted
  { name: "ers-dead-session-other-4xx", rules: ["ERS-A003-02"], outcome: "accepted", source: "nhs/ers-latest_explore_error_messages.md § 4xx", description: "a deleted session's id is refused with 405: any 4xx is a refusal, revision 1 listed the likely ones" },
  // e-RS — warnings
  { name: "ers-null-members-omitted", rules: ["ERS-A001-02", "ERS-A001-06", "ERS-A001-08"], outcome: "warning", source: "nhs/ers-2018-04_explore_models.md § ProfessionalSession Resource (the model lists them)", description: "members whose value is null (middleName, permission) are left out" },
  { name: "ers-new-business-function", rules: ["ERS-A001-05"], outcome: "warning", source: "nhs/ers-2018-04_explore_models.md § BusinessFunction (String): the 2018 list, which has grown since", description: "a permission carries a businessFunction outside the 15 values of 2018" },
  { name: "ers-422-unlisted-code", rules: ["ERS-A001-12"], outcome: "warning", source: "nhs/ers-latest_explore_endpoint_a016_example_outcomekeys.md § outcome keys", description: "a 422 carries a code outside every eRS-APIErrorCode-1 version" },
  { name: "ers-unknown-token-422", rules: ["ERS-A001-14"], outcome: "warning", source: "nhs/ers-latest-deprecated_explore_endpoint_a001.md § Output (validation errors)", description: "an unknown token gets 422 instead of 403" },
] as const satisfies readonly DocumentedVariant[];

/** Its variants by name: a handler asking for another name does not compile. */
export type ErsVariantName = (typeof ERS_VARIANTS)[number]["name"];

/** Every switch its simulator may be asked about: its faults, its variants and the general variants. */
export type ErsSwitch = ErsFaultName | ErsVariantName | GeneralVariantName;
