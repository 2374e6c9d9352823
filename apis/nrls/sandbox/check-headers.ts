// The Authorization JWT, fromASID and toASID, in the reference implementation's order (SOURCE-NOTES §1.4, §1.8 step
// 3): the JWT first, then fromASID, then toASID. Diagnostics are the documented strings.
import type { Switches } from "../../../src/api-module.ts";
import type { NrlsSwitch } from "../variants.ts";
import type { IncomingMessage } from "node:http";
import { decodeJwt, MANDATORY_CLAIMS } from "../../../src/spine/jwt.ts";
import type { Directory } from "../../../sandbox/directory.ts";
import { exactHeader } from "../../../sandbox/http.ts";
import { spineError, type SpineError } from "../../../sandbox/spine-outcome.ts";

const SYSTEM_PREFIX = "https://fhir.nhs.uk/Id/accredited-system|";
const ORG_PREFIX = "https://fhir.nhs.uk/Id/ods-organization-code|";

/**
 * What the JWT check said of each Authorization header lately, by the access it was checked for: the answer depends on
 * nothing else (the directory and the switches are the sandbox's own, fixed when it starts), and a client sends the
 * same token many times. Checking it afresh was a twentieth of the sandbox's time a create.
 */
export type JwtVerdicts = Record<"read" | "write", Map<string, string | null>>;
export const emptyJwtVerdicts = (): JwtVerdicts => ({ read: new Map(), write: new Map() });
const JWT_VERDICTS_KEPT = 1000;

/**
 * `reused`: the request is not the first on its connection (a fault checks the JWT on the first one only).
 * `verdicts`: the sandbox's memo of JWT checks (none: each is checked afresh).
 */
export function checkHeaders(req: IncomingMessage, directory: Directory, switches: Switches<NrlsSwitch>, reused = false, verdicts?: JwtVerdicts): SpineError | undefined {
  const has = (f: NrlsSwitch) => switches.has(f);
  const header = (issue: string, diagnostics: string) => ({ ...spineError("MISSING_OR_INVALID_HEADER", diagnostics, issue), ...(has("nrls-header-error-information") ? { severity: "information" } : {}) });
  if (!has("nrls-no-jwt-check") && !(reused && has("nrls-auth-first-request-only"))) {
    // Authorization is the standard HTTP header: any letter case, as Spine's web stack takes it (fromASID and toASID,
    // below, are matched exactly: the general guidance makes them case-sensitive).
    const auth = req.headers.authorization;
    // Two documented wordings for a missing header: the JWT page's (structure), and the general guidance's (a variant).
    if (!auth && has("nrls-authorization-general-guidance")) return header("invalid", "Authorization HTTP Header is missing");
    const need = req.method === "GET" ? "read" : "write";
    // One lookup by the header as sent (null: acceptable), in the memo for the access it is checked for.
    const memo = auth ? verdicts?.[need] : undefined;
    const known = memo?.get(auth!);
    let problem: string | undefined;
    if (known !== undefined) problem = known ?? undefined;
    else {
      problem = checkJwt(auth, need, directory, switches);
      if (memo) {
        if (memo.size >= JWT_VERDICTS_KEPT) memo.clear();
        memo.set(auth!, problem ?? null);
      }
    }
    const spelt = has("nrls-claim-organisation-spelling") ? problem?.replace(/requesting_organization/g, "requesting_organisation") : problem;
    if (spelt) return header(auth && has("nrls-jwt-errors-invalid") ? "invalid" : auth && has("nrls-jwt-code-processing") ? "processing" : "structure", spelt);
  }
  const from = exactHeader(req, "fromASID");
  if (!has("nrls-no-fromasid-check") && (!from || !directory.nrls.asids[from])) return header("invalid", "fromASID HTTP Header is missing");
  const to = exactHeader(req, "toASID");
  if (!has("nrls-no-toasid-check") && (!to || to !== directory.spineAsid)) return header("invalid", "toASID HTTP Header is missing");
  return undefined;
}

/** The documented diagnostics for the first thing wrong with the token, or undefined when it is acceptable. */
function checkJwt(auth: string | undefined, need: "read" | "write", directory: Directory, switches: Switches<NrlsSwitch>): string | undefined {
  const has = (f: NrlsSwitch) => switches.has(f);
  if (!auth) return "The Authorisation header must be supplied";
  const token = auth.replace(/^Bearer\s+/i, "");
  // The reference implementation rejects a non-empty signature with the same words as a wrong section count. A token
  // of two sections made whole is a fault; a signature ignored is documented ("The Spine does not currently validate
  // the signature"), so a variant.
  const sections = token.split(".");
  const ignored = (sections.length === 2 && has("nrls-jwt-two-sections")) || (sections.length === 3 && has("nrls-jwt-signature-not-validated")) || (sections.length === 4 && has("nrls-jwt-four-sections"));
  const lenient = ignored ? `${sections[0]}.${sections[1]}.` : token;
  const jwt = decodeJwt(lenient);
  if ("error" in jwt || jwt.signature !== "") return "The JWT associated with the Authorisation header must have the 3 sections";
  const c = jwt.claims;
  const present = (claim: string) => c[claim] !== undefined && c[claim] !== null && c[claim] !== "";
  if (!has("nrls-jwt-claims-optional")) {
    for (const claim of MANDATORY_CLAIMS) {
      if (!present(claim)) return `The mandatory claim ${claim} from the JWT associated with the Authorisation header is missing`;
    }
    if (!/^\d+$/.test(text(c.exp)) || !/^\d+$/.test(text(c.iat))) return "The exp and iat claims must be whole numbers of seconds";
  }
  // With claims optional (a fault), a claim that is absent is not checked further either.
  const check = (claim: string) => present(claim) || !has("nrls-jwt-claims-optional");
  if (!has("nrls-jwt-values-unchecked")) {
    if (check("reason_for_request") && c.reason_for_request !== "directcare") return `reason_for_request (${text(c.reason_for_request)}) must be 'directcare'`;
    // The reference implementation wants .write for anything but GET, with the "either" message (SOURCE-NOTES §1.4.3).
    const scopeOk = has("nrls-scope-prefix-only") ? text(c.scope).startsWith("patient/DocumentReference.") : c.scope === `patient/DocumentReference.${need}`;
    if (check("scope") && !scopeOk) {
      return `scope (${text(c.scope)}) must match either 'patient/DocumentReference.read' or 'patient/DocumentReference.write'`;
    }
    if (check("sub") && check("requesting_system")) {
      if (present("requesting_user") ? c.sub !== c.requesting_user : c.sub !== c.requesting_system) {
        const against = present("requesting_user") ? "requesting_user" : "requesting_system";
        return `${against} (${text(c[against])}) and sub (${text(c.sub)}) claim's values must match`;
      }
    }
  }
  const system = text(c.requesting_system ?? "");
  let asid: string | undefined;
  if (check("requesting_system")) {
    if (!system.startsWith(SYSTEM_PREFIX)) {
      if (!has("nrls-jwt-values-unchecked")) return `requesting_system (${system}) must be of the form [${SYSTEM_PREFIX}[ASID]]`;
    } else {
      asid = system.slice(SYSTEM_PREFIX.length);
      if (!Object.hasOwn(directory.nrls.asids, asid) && !has("nrls-jwt-values-unchecked")) return `The ASID defined in the requesting_system (${asid}) is unknown`;
    }
  }
  const org = text(c.requesting_organization ?? "");
  if (check("requesting_organization")) {
    if (!org.startsWith(ORG_PREFIX)) return `requesting_organization (${org}) must be of the form [${ORG_PREFIX}[ODSCode]]`;
    const ods = org.slice(ORG_PREFIX.length);
    if (!Object.hasOwn(directory.nrls.organisations, ods)) return `The ODS code defined in the requesting_organization (${ods}) is unknown`;
    const known = asid && Object.hasOwn(directory.nrls.asids, asid) ? directory.nrls.asids[asid] : undefined;
    if (known && known.ods !== ods && !has("nrls-jwt-org-unchecked")) {
      return has("nrls-jwt-org-wrong-reason")
        ? `The ODS code defined in the requesting_organization (${ods}) is unknown`
        : `requesting_system ASID (${asid}) is not associated with the requesting_organization ODS code (${ods})`;
    }
  }
  return undefined;
}

/** A claim as text for a message or a pattern: a claim may be any JSON ({"toString": 1} cannot go through String()). */
function text(value: unknown): string {
  return typeof value === "string" ? value : value === undefined ? "undefined" : JSON.stringify(value);
}
