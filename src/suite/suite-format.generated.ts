// Generated from schemas/suite.schema.json by `npm run generate:suite-types`: do not edit. The schema is the one
// definition of the suite format; src/suite/types.ts names these types for the engine.
/* eslint-disable */

/**
 * The request body formats of every case that names none of its own.
 *
 * @minItems 1
 */
export type Bodies = ["json" | "xml", ...("json" | "xml")[]];
export type Request = {
  method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD" | "OPTIONS";
  path?: string;
  url?: string;
  query?: StringMap;
  headers?: {
    [k: string]: string | null;
  };
  jwt?: {
    scope: string;
    set?: {} | string;
    remove?: string[];
    signature?: string;
    sections?: number | string;
  };
  body?: {
    [k: string]: unknown;
  } & {
    fixture?: string;
    set?: {};
    remove?: string[];
    raw?: string;
    as?: string;
  };
  /**
   * next: the answer is a FHIR Bundle that may be paged; every link with relation next (on the target's origin) is requested too, each page kept as evidence, and the checks judge one Bundle holding every page's entries (RULES.md revision 3: a search may be paged).
   */
  follow?: "next";
} & Request1;
export type Request1 = {
  [k: string]: unknown;
};
/**
 * One check of a response, naming the requirement it gives evidence for.
 */
export type Expectation =
  | {
      /**
       * The requirement this check gives evidence for.
       */
      req: string;
      /**
       * A failure is reported as a warning (sources disagree; RULES.md says so).
       */
      warnOnly?: boolean;
      status: number | string | [number, ...number[]];
      /**
       * @minItems 1
       */
      variants?: [Variant, ...Variant[]];
    }
  | {
      /**
       * The requirement this check gives evidence for.
       */
      req: string;
      /**
       * A failure is reported as a warning (sources disagree; RULES.md says so).
       */
      warnOnly?: boolean;
      header: string;
      present?: true;
      absent?: true;
      /**
       * Exactly one such header (RULES.md revision 3: one Location, naming the one pointer created).
       */
      once?: true;
      equals?: string;
      matches?: string;
      /**
       * @minItems 1
       */
      variants?: [Variant, ...Variant[]];
      /**
       * The header is this media type: compared as HTTP does (case-insensitive, parameters such as charset allowed).
       */
      mediaType?: string;
    }
  | {
      /**
       * The requirement this check gives evidence for.
       */
      req: string;
      /**
       * A failure is reported as a warning (sources disagree; RULES.md says so).
       */
      warnOnly?: boolean;
      schema: string;
      /**
       * @minItems 1
       */
      variants?: [Variant, ...Variant[]];
    }
  | {
      /**
       * The requirement this check gives evidence for.
       */
      req: string;
      /**
       * A failure is reported as a warning (sources disagree; RULES.md says so).
       */
      warnOnly?: boolean;
      fhirpath: string;
      equals?: unknown;
      description?: string;
      /**
       * @minItems 1
       */
      variants?: [Variant, ...Variant[]];
    }
  | {
      /**
       * The requirement this check gives evidence for.
       */
      req: string;
      /**
       * A failure is reported as a warning (sources disagree; RULES.md says so).
       */
      warnOnly?: boolean;
      outcome: Outcome;
      /**
       * @minItems 1
       */
      variants?: [Variant, ...Variant[]];
    }
  | {
      /**
       * The requirement this check gives evidence for.
       */
      req: string;
      /**
       * A failure is reported as a warning (sources disagree; RULES.md says so).
       */
      warnOnly?: boolean;
      format: string;
      /**
       * @minItems 1
       */
      variants?: [Variant, ...Variant[]];
    }
  | {
      /**
       * The requirement this check gives evidence for.
       */
      req: string;
      /**
       * A failure is reported as a warning (sources disagree; RULES.md says so).
       */
      warnOnly?: boolean;
      emptyBody: true;
      /**
       * @minItems 1
       */
      variants?: [Variant, ...Variant[]];
    };
export type Capture = {
  header?: string;
  body?: string;
  pattern?: string;
  secret?: boolean;
  /**
   * The value is a URL: resolved against the URL of the request that got it (RFC 9110 §10.2.2), so a relative Location works.
   */
  url?: boolean;
  /**
   * URL-decode the captured value (an id taken from a query string).
   */
  decode?: boolean;
} & Capture1;
export type Capture1 = {
  [k: string]: unknown;
};
export type RequirementId = string;
/**
 * One case per request body format (RULES.md revision 3: every rule holds for a body sent as XML as for one sent as JSON): {{bodyFormat}} and {{bodyMime}} hold it.
 *
 * @minItems 1
 */
export type Bodies1 = ["json" | "xml", ...("json" | "xml")[]];

/**
 * A declarative suite: the requirements of one API interaction and the cases that verify them.
 */
export interface SpineAssureSuite {
  suite: string;
  api: string;
  interaction: string;
  /**
   * Which API the cases are sent to: an API module's name (src/apis.ts; checked by the loader).
   */
  target: string;
  spec: {
    name: string;
    version: string;
    profile?: string;
  };
  /**
   * Each source file the requirements cite, mapped to its public location.
   */
  sources: {
    [k: string]: string;
  };
  /**
   * Who the Spine JWT says is asking, for the steps that send one (jwt:): values are templates of configuration.
   */
  requester?: {
    /**
     * requesting_system's ASID (and sub)
     */
    asid: string;
    /**
     * requesting_organization's ODS code
     */
    organization: string;
  };
  secretFields?: string[];
  defaults?: {
    headers?: StringMap;
    /**
     * Answers any step of the suite may get that the test data caused (outcome unsuitable only): each step's requirements are then unproven for the data's reason, naming the variable. Tried after the step's own variants.
     */
    variants?: DefaultStepVariant[];
    bodies?: Bodies;
    primer?: Step;
  };
  /**
   * @minItems 1
   */
  requirements: [Requirement, ...Requirement[]];
  /**
   * @minItems 1
   */
  cases: [Case, ...Case[]];
  /**
   * Free blocks for YAML anchors, shared by cases with *alias and <<: merge.
   *
   * This interface was referenced by `SpineAssureSuite`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown;
      }
    | string
    | {
        name: string;
        version: string;
        profile?: string;
      }
    | {
        [k: string]: string;
      }
    | {
        /**
         * requesting_system's ASID (and sub)
         */
        asid: string;
        /**
         * requesting_organization's ODS code
         */
        organization: string;
      }
    | string[]
    | {
        headers?: StringMap;
        /**
         * Answers any step of the suite may get that the test data caused (outcome unsuitable only): each step's requirements are then unproven for the data's reason, naming the variable. Tried after the step's own variants.
         */
        variants?: DefaultStepVariant[];
        bodies?: Bodies;
        primer?: Step;
      }
    | [Requirement, ...Requirement[]]
    | [Case, ...Case[]]
    | undefined;
}
export interface StringMap {
  [k: string]: string;
}
/**
 * A step variant every step of the suite may meet: like a step's own, but with no `rules` (it answers every requirement the step checks) and only for outcome unsuitable. Its diagnosticsMatches may use configuration ({{NAME}}).
 */
export interface DefaultStepVariant {
  /**
   * Stable name, reported with the verdict.
   */
  name: string;
  /**
   * Only an answer the test data caused applies to every step.
   */
  outcome: "unsuitable";
  /**
   * Only for a step whose request carried this header (any letter case): an answer that calls a header missing or wrong is the test data's only when the harness sent it, not in a case that leaves it out on purpose.
   */
  requestCarries?: string;
  /**
   * Only for a step whose request (its URL, a header or its body) contains this text, configuration filled in ({{NAME}}): an answer refusing a test-data value is the test data's only when the harness sent that value, not in a case that sends another on purpose.
   */
  requestContains?: string;
  source: VariantSource;
  /**
   * The statuses (or classes) that tell this answer.
   *
   * @minItems 1
   */
  status: [number | string, ...(number | string)[]];
  /**
   * What the answer means, for the report: why the step's other checks and the rest of the case do not apply.
   */
  reason: string;
  /**
   * With outcome unsuitable: the test-data variable whose value made the answer miss the rule (named in the verdict).
   */
  variable: string;
  /**
   * A regular expression the answer's OperationOutcome diagnostics must match as well as the status (tells a test-data answer apart from a failure).
   */
  diagnosticsMatches: string;
}
export interface VariantSource {
  file: string;
  section: string;
}
/**
 * The good request a case with connections: [reused] sends first on its own connection, so its own requests then go on a kept-alive connection (RULES.md revision 3: headers and the JWT are validated on every request). Its answer is evidence, not judged.
 */
export interface Step {
  name: string;
  when?: string[];
  request: Request;
  /**
   * Expectations; a nested list (a YAML alias of shared checks) is flattened.
   */
  expect?: (Expectation | Expectation[])[];
  capture?: {
    [k: string]: Capture;
  };
  notApplicableIf?: {
    status: number[];
    reason: string;
  };
  variants?: StepVariant[];
}
/**
 * A documented other answer a conformant environment may give instead of what the check expects (RULES.md revision 2): tried only when the check fails.
 */
export interface Variant {
  /**
   * Stable name, reported with the verdict.
   */
  name: string;
  /**
   * accepted: the requirement passes, recording the variant; warning: it warns (gates only under --strict); unsuitable: the answer was for another reason than the rule's, so the test data named by `variable` cannot show this rule — neither a pass nor a target failure.
   */
  outcome: "accepted" | "warning" | "unsuitable";
  source: VariantSource;
  /**
   * The whole check, restated the documented other way (without req:): when every aspect of it holds, the check is accepted as this variant.
   */
  expect:
    | {
        status: number | string | [number, ...number[]];
      }
    | {
        header: string;
        present?: true;
        absent?: true;
        /**
         * Exactly one such header (RULES.md revision 3: one Location, naming the one pointer created).
         */
        once?: true;
        equals?: string;
        matches?: string;
        /**
         * The header is this media type: compared as HTTP does (case-insensitive, parameters such as charset allowed).
         */
        mediaType?: string;
      }
    | {
        schema: string;
      }
    | {
        fhirpath: string;
        equals?: unknown;
        description?: string;
      }
    | {
        outcome: Outcome;
      }
    | {
        format: string;
      }
    | {
        emptyBody: true;
      };
  /**
   * With outcome unsuitable: the test-data variable whose value made the answer miss the rule (named in the verdict).
   */
  variable?: string;
}
export interface Outcome {
  issue?: number;
  /**
   * Which issue the aspects are of: the one whose details.coding code is this, wherever it stands (extra issues may come before it: RULES.md revision 3); no such issue, the first of the most severe. Not itself checked: `coding` checks the code.
   */
  of?: string;
  severity?: "fatal" | "error" | "warning" | "information";
  code?: string;
  system?: string;
  coding?: string;
  /**
   * @minItems 1
   */
  display?: [string, ...string[]];
  displayMismatch?: "fail" | "warn";
  diagnostics?: string;
  diagnosticsMatches?: string;
  textMatches?: string;
  noText?: true;
  profile?: string;
  singleCoding?: true;
}
/**
 * A documented other answer to the whole step (RULES.md revision 2), told by its status: the step's checks of `rules` are accepted (or warn) as this variant; its other checks do not apply; the case's later steps do not run (its teardown does), and a requirement of the case left with no check is not applicable. Tried before the checks' own variants.
 */
export interface StepVariant {
  /**
   * Stable name, reported with the verdict.
   */
  name: string;
  /**
   * accepted: the requirement passes, recording the variant; warning: it warns (gates only under --strict); unsuitable: the answer was for another reason than the rule's, so the test data named by `variable` cannot show this rule — neither a pass nor a target failure.
   */
  outcome: "accepted" | "warning" | "unsuitable";
  source: VariantSource;
  /**
   * The statuses (or classes) that tell this answer.
   *
   * @minItems 1
   */
  status: [number | string, ...(number | string)[]];
  /**
   * The requirements the variant answers: each must be checked by the step.
   *
   * @minItems 1
   */
  rules: [RequirementId, ...RequirementId[]];
  /**
   * What the answer means, for the report: why the step's other checks and the rest of the case do not apply.
   */
  reason: string;
  /**
   * With outcome unsuitable: the test-data variable whose value made the answer miss the rule (named in the verdict).
   */
  variable?: string;
  /**
   * A regular expression the answer's OperationOutcome diagnostics must match as well as the status (tells a test-data answer apart from a failure).
   */
  diagnosticsMatches?: string;
}
export interface Requirement {
  id: RequirementId;
  level: "MUST" | "SHOULD";
  basis: "DOC" | "EX" | "INF" | "RI" | "DOC+EX" | "DOC+INF" | "DOC/RI";
  text: string;
  source: {
    file: string;
    section: string;
  };
  note?: string;
}
export interface Case {
  id: string;
  title: string;
  /**
   * Requirements this case verifies besides those its checks name (req:), which are derived: only for a requirement with no check of its own.
   *
   * @minItems 1
   */
  verifies?: [RequirementId, ...RequirementId[]];
  tags?: string[];
  /**
   * @minItems 1
   */
  formats?: ["json" | "xml", ...("json" | "xml")[]];
  bodies?: Bodies1;
  /**
   * One case per connection path: new (the pooled connection the run gives it) and reused (its own connection, opened by the suite's defaults.primer, then kept alive for the case's requests). The reused path is walked with the case's first response and body format: the formats are proven on the new one.
   *
   * @minItems 1
   */
  connections?: ["new" | "reused", ...("new" | "reused")[]];
  /**
   * The case runs as this many copies at once, each with its own generators (caseUuid) and captures: every step is sent by all copies together, and the next step waits for all (RULES.md revision 3: pointers created concurrently each get their own id).
   */
  copies?: number;
  each?: {
    /**
     * Not a generator or case variable name (checked by the loader).
     */
    name: string;
    /**
     * @minItems 1
     */
    values: [unknown, ...unknown[]];
  };
  requires?: {
    config: string[];
    reason: string;
  };
  /**
   * @minItems 1
   */
  steps: [Step1, ...Step1[]];
  teardown?: Step1[];
}
export interface Step1 {
  name: string;
  when?: string[];
  request: Request;
  /**
   * Expectations; a nested list (a YAML alias of shared checks) is flattened.
   */
  expect?: (Expectation | Expectation[])[];
  capture?: {
    [k: string]: Capture;
  };
  notApplicableIf?: {
    status: number[];
    reason: string;
  };
  variants?: StepVariant[];
}
