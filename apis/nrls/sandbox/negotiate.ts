// Content negotiation for the sandbox's NRLS: the shared rules of src/fhir/media-types.ts, bent by the format
// faults and documented variants switched on.
import type { Switches } from "../../../src/api-module.ts";
import type { NrlsSwitch } from "../variants.ts";
import { bareMediaType, FHIR_MEDIA_TYPES, negotiateFormat, type FhirFormat, type Negotiated } from "../../../src/fhir/media-types.ts";

const DSTU2 = new Set(["application/json+fhir", "application/xml+fhir"]);
const GENERIC = new Set(["application/json", "application/xml", "text/json", "text/xml"]);

/** Whether a media type is one the sandbox takes, switches considered. */
function refused(mime: string, switches: Switches<NrlsSwitch>): boolean {
  const bare = bareMediaType(mime).replace(/ /g, "+");
  return (switches.has("nrls-no-dstu2") && DSTU2.has(bare)) || (switches.has("nrls-no-generic") && GENERIC.has(bare));
}

export function negotiate(formatParam: string | undefined, accept: string | undefined, switches: Switches<NrlsSwitch>): Negotiated {
  if (formatParam !== undefined && refused(formatParam, switches)) return { unsupported: `_format=${formatParam}` };
  if (accept !== undefined && accept.split(",").every((a) => refused(a, switches))) return { unsupported: `Accept: ${accept}` };
  let param = formatParam;
  if (switches.has("nrls-accept-over-format") && accept) param = undefined;
  if (switches.has("nrls-format-unchecked") && param !== undefined && "unsupported" in negotiateFormat(param, undefined)) param = undefined;
  let result = negotiateFormat(param, accept);
  if ("format" in result && switches.has("nrls-default-json") && formatParam === undefined && !accept) result = { format: "json" };
  if ("format" in result && switches.has("nrls-always-xml")) result = { format: "xml" };
  if ("format" in result && switches.has("nrls-always-json")) result = { format: "json" };
  return result;
}

/** The format of a request body's Content-Type, or undefined when the sandbox does not take it. */
export function bodyFormat(contentType: string | undefined, switches: Switches<NrlsSwitch>): FhirFormat | undefined {
  if (!contentType || refused(contentType, switches)) return undefined;
  // A fault on the request path alone: the DSTU2 types taken on Accept but refused on a body.
  if (switches.has("nrls-dstu2-body-refused") && DSTU2.has(bareMediaType(contentType).replace(/ /g, "+"))) return undefined;
  return FHIR_MEDIA_TYPES[bareMediaType(contentType)];
}
