// How the NRLS simulator answers: in the negotiated format, with the documented variants of OperationOutcomes
// (RULES.md revision 2: displays ending in a full stop, the ValueSet's URL as coding system, an extra issue of lower
// severity beside an error's own) and the faults that bend error bodies.
import type { ServerResponse } from "node:http";
import { CANONICAL_MIME, type FhirFormat } from "../../../src/fhir/media-types.ts";
import { fhirJsonToXml } from "../../../src/fhir/xml-codec.ts";
import { reply } from "../../../sandbox/http.ts";
import { errorOutcome, SPINE_CODE_SYSTEM, unsupportedMediaType, type SpineError } from "../../../sandbox/spine-outcome.ts";
import type { Json } from "./pointer-store.ts";
import type { NrlsSwitch } from "../variants.ts";

export interface Responder {
  send(res: ServerResponse, format: FhirFormat, status: number, body: Json, headers?: Record<string, string>): void;
  fail(res: ServerResponse, format: FhirFormat, e: SpineError): void;
  /** 415 for a media type it does not take: in XML, the default, when the answer's own format is what was refused. */
  unsupported(res: ServerResponse, format?: FhirFormat): void;
}

export function responder(has: (f: NrlsSwitch) => boolean): Responder {
  const documented = (status: number, body: Json): Json => {
    if (body.resourceType !== "OperationOutcome") return body;
    let issues = body.issue as Json[];
    const eachCoding = (edit: (c: Json) => Json) => issues.map((i) => {
      const details = i.details as { coding?: Json[] } | undefined;
      return details?.coding ? { ...i, details: { ...details, coding: details.coding.map(edit) } } : i;
    });
    if (has("nrls-display-full-stop")) issues = eachCoding((c) => (typeof c.display === "string" && !c.display.endsWith(".") ? { ...c, display: `${c.display}.` } : c));
    if (has("nrls-valueset-system") && status >= 400) {
      issues = eachCoding((c) => (c.system === SPINE_CODE_SYSTEM ? { ...c, system: "https://fhir.nhs.uk/STU3/ValueSet/Spine-ErrorOrWarningCode-1" } : c));
    }
    // Revision 3: the documented issue after an extra one of lower severity (information, before any other).
    if (has("nrls-outcome-extra-issue-first")) {
      issues = [{ severity: "information", code: "informational", details: { coding: [{ system: SPINE_CODE_SYSTEM, code: "INVALID_ELEMENT", display: "Invalid element" }] }, diagnostics: "An element of the request was ignored" }, ...issues];
    }
    if (has("outcome-extra-issue") && status >= 400) {
      issues = [...issues, { severity: "warning", code: "informational", details: { coding: [{ system: SPINE_CODE_SYSTEM, code: "INVALID_ELEMENT", display: "Invalid element" }] }, diagnostics: "An element of the request was ignored" }];
    }
    return issues === body.issue ? body : { ...body, issue: issues };
  };
  const send: Responder["send"] = (res, format, status, body, headers = {}) =>
    reply(res, status, format === "json" ? JSON.stringify(documented(status, body)) : fhirJsonToXml(documented(status, body)), { "Content-Type": `${CANONICAL_MIME[format]};charset=UTF-8`, ...headers });
  return {
    send,
    fail(res, format, e) {
      const { status, body } = errorOutcome(e);
      if (has("nrls-errors-no-profile")) delete body.meta;
      send(res, has("nrls-errors-always-json") ? "json" : format, status, body);
    },
    unsupported(res, format = "xml") {
      send(res, format, 415, unsupportedMediaType(has("nrls-415-nhs-net-system") ? "http://fhir.nhs.net/ValueSet/spine-response-code-1-0" : undefined, has("nrls-415-severity-warning") ? "warning" : "error"));
    },
  };
}
