// The Authorization JWT, fromASID and toASID, in the reference implementation's order (SOURCE-NOTES §1.4, §1.8 step
// 3): the JWT first, then fromASID, then toASID. Diagnostics are the documented strings.
import type { IncomingMessage } from "node:http";
import { decodeJwt } from "../../src/plan/spine-jwt.ts";
import type { Directory } from "../directory.ts";
import { exactHeader } from "../http.ts";
import { spineError, type SpineError } from "./outcome.ts";

const MANDATORY_CLAIMS = ["iss", "sub", "aud", "exp", "iat", "reason_for_request", "scope", "requesting_system", "requesting_organization"];
const SYSTEM_PREFIX = "https://fhir.nhs.uk/Id/accredited-system|";
const ORG_PREFIX = "https://fhir.nhs.uk/Id/ods-organization-code|";

export function checkHeaders(req: IncomingMessage, directory: Directory, faults: ReadonlySet<string>): SpineError | undefined {
  const header = (issue: string, diagnostics: string) => spineError("MISSING_OR_INVALID_HEADER", diagnostics, issue);
  if (!faults.has("nrls-no-jwt-check")) {
    const auth = exactHeader(req, "Authorization");
    if (!auth) return header("structure", "The Authorisation header must be supplied");
    const token = auth.replace(/^Bearer\s+/i, "");
    const jwt = decodeJwt(token);
    if ("error" in jwt || jwt.signature !== "") return header("structure", "The JWT associated with the Authorisation header must have the 3 sections");
    const c = jwt.claims;
    for (const claim of MANDATORY_CLAIMS) {
      if (c[claim] === undefined || c[claim] === null || c[claim] === "") {
        return header("structure", `The mandatory claim ${claim} from the JWT associated with the Authorisation header is missing`);
      }
    }
    if (!Number.isInteger(Number(c.exp)) || !Number.isInteger(Number(c.iat))) return header("structure", "exp and iat must be integers");
    if (c.reason_for_request !== "directcare") return header("structure", `reason_for_request (${String(c.reason_for_request)}) must be 'directcare'`);
    const wantScope = req.method === "GET" ? "patient/DocumentReference.read" : "patient/DocumentReference.write";
    if (c.scope !== wantScope) {
      return header("structure", `scope (${String(c.scope)}) must match either 'patient/DocumentReference.read' or 'patient/DocumentReference.write'`);
    }
    const system = String(c.requesting_system);
    if (c.sub !== system) return header("structure", `requesting_system (${system}) and sub (${String(c.sub)}) claim's values must match`);
    if (!system.startsWith(SYSTEM_PREFIX)) return header("structure", `requesting_system (${system}) must be of the form [${SYSTEM_PREFIX}[ASID]]`);
    const asid = system.slice(SYSTEM_PREFIX.length);
    const known = directory.nrls.asids[asid];
    if (!known) return header("structure", `The ASID defined in the requesting_system (${asid}) is unknown`);
    const org = String(c.requesting_organization);
    if (!org.startsWith(ORG_PREFIX)) return header("structure", `requesting_organization (${org}) must be of the form [${ORG_PREFIX}[ODSCode]]`);
    const ods = org.slice(ORG_PREFIX.length);
    if (!(ods in directory.nrls.organisations)) return header("structure", `The ODS code defined in the requesting_organization (${ods}) is unknown`);
    if (known.ods !== ods) return header("structure", `requesting_system ASID (${asid}) is not associated with the requesting_organization ODS code (${ods})`);
  }
  const from = exactHeader(req, "fromASID");
  if (!from || !directory.nrls.asids[from]) return header("invalid", "fromASID HTTP Header is missing");
  const to = exactHeader(req, "toASID");
  if (!to || to !== directory.spineAsid) return header("invalid", "toASID HTTP Header is missing");
  return undefined;
}
