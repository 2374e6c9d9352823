// NRLS delete (DELETE /DocumentReference?_id=): only the custodian's own system may remove a pointer.
import type { ServerResponse } from "node:http";
import type { FhirFormat } from "../../../src/fhir/media-types.ts";
import { outcomeId, spineError, SPINE_OUTCOME_PROFILE } from "../../../sandbox/spine-outcome.ts";
import type { NrlsContext } from "./context.ts";
import type { Json } from "./pointer-store.ts";

export function deletePointer(ctx: NrlsContext, res: ServerResponse, format: FhirFormat, query: URLSearchParams, fromAsid: string): void {
  const id = query.get("_id");
  const p = id ? ctx.store.get(id) : undefined;
  if (!id || !p) {
    ctx.respond.fail(res, format, spineError("NO_RECORD_FOUND", `No record found for supplied DocumentReference identifier - ${id ?? ""}`));
    return;
  }
  const custodian = String((p.custodian as Json | undefined)?.reference ?? "");
  if (!custodian.endsWith(`/${ctx.directory.nrls.asids[fromAsid]?.ods ?? "\u0000"}`)) {
    ctx.respond.fail(res, format, spineError("INVALID_RESOURCE", "The Custodian ODS code is not affiliated with the sender ASID."));
    return;
  }
  // The decoy of the fault that names it in every Location stays, whoever deletes it.
  if (!(ctx.has("nrls-location-names-another") && id === "spine-assure-decoy-pointer")) ctx.store.forget(id);
  ctx.respond.send(res, format, 200, {
    resourceType: "OperationOutcome",
    id: outcomeId(),
    meta: { profile: [SPINE_OUTCOME_PROFILE] },
    issue: [{
      severity: "information", code: "informational",
      details: { coding: [{ system: "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1", code: "RESOURCE_DELETED", display: "Resource removed" }] },
      diagnostics: `Successfully removed resource DocumentReference: ${id}`,
    }],
  });
}
