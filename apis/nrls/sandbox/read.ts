// NRLS read (GET /DocumentReference?_id=) and search (?subject=): a searchset Bundle of what the store holds.
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { FhirFormat } from "../../../src/fhir/media-types.ts";
import { outcomeId, spineError, SPINE_CODE_SYSTEM, SPINE_OUTCOME_PROFILE } from "../../../sandbox/spine-outcome.ts";
import { isoNow } from "../../../sandbox/clock.ts";
import { PATIENT_BASE } from "../../../src/spine/nrls.ts";
import type { NrlsContext } from "./context.ts";
import type { StoredPointer } from "./pointer-store.ts";

export function readOrSearch(ctx: NrlsContext, res: ServerResponse, format: FhirFormat, query: URLSearchParams, baseUrl: string): void {
  const id = query.get("_id");
  const subject = query.get("subject");
  let found: StoredPointer[];
  if (id) {
    const p = ctx.store.get(id);
    if (!p) {
      ctx.respond.fail(res, format, spineError("NO_RECORD_FOUND", `No record found for supplied DocumentReference identifier - ${id}`));
      return;
    }
    found = [p];
  } else if (subject) {
    // Documented variants: an ASID with create rights but not search rights; a patient with no pointers at all.
    if (ctx.has("nrls-search-forbidden")) {
      ctx.respond.fail(res, format, spineError("ASID_CHECK_FAILED", "The sender or receiver's ASID is not authorised for this interaction"));
      return;
    }
    const nhs = subject.startsWith(PATIENT_BASE) ? subject.slice(PATIENT_BASE.length) : subject;
    found = ctx.store.ofPatient(nhs);
    if (!found.length && ctx.has("nrls-search-no-record")) {
      ctx.respond.fail(res, format, spineError("NO_RECORD_FOUND", `The given NHS number could not be found ${nhs}`));
      return;
    }
  } else {
    ctx.respond.fail(res, format, spineError("INVALID_PARAMETER", "A search needs _id or subject"));
    return;
  }
  // Revision 3: a search may be paged: total counts every match, and link next leads to the following page.
  const paged = ctx.has("nrls-search-paged") && !id ? pageOf(found, query, baseUrl) : undefined;
  ctx.respond.send(res, format, 200, {
    resourceType: "Bundle",
    id: randomUUID(),
    meta: { lastUpdated: isoNow() },
    // A fault on the read path: a read by _id answered with a Bundle of another type.
    type: ctx.has("nrls-read-bundle-collection") && query.get("_id") ? "collection" : "searchset",
    total: found.length,
    ...(paged ? { link: paged.link } : {}),
    entry: [
      // Revision 3: a searchset may carry an OperationOutcome entry beside its matches.
      ...(ctx.has("nrls-searchset-outcome-entry") ? [{ resource: searchOutcome(), search: { mode: "outcome" } }] : []),
      ...(paged?.matches ?? found).map((resource) => ({ fullUrl: `DocumentReference/${String(resource.id)}`, resource, search: { mode: "match" } })),
    ],
  });
}

/** The paged variant's page size: small, so a search of the test patient spans many pages. */
const PAGE_SIZE = 2;

/** One page of a search's matches (the page its `_page` names, from 1), with self and next links. */
function pageOf(found: StoredPointer[], query: URLSearchParams, baseUrl: string): { matches: StoredPointer[]; link: { relation: string; url: string }[] } {
  const page = Math.max(1, Number.parseInt(query.get("_page") ?? "1", 10) || 1);
  const urlOf = (n: number) => {
    const q = new URLSearchParams(query);
    q.set("_page", String(n));
    return `${baseUrl}/DocumentReference?${q}`;
  };
  const more = page * PAGE_SIZE < found.length;
  return {
    matches: found.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
    link: [{ relation: "self", url: urlOf(page) }, ...(more ? [{ relation: "next", url: urlOf(page + 1) }] : [])],
  };
}

/** An information OperationOutcome, as a server may put beside a search's matches. */
function searchOutcome(): Record<string, unknown> {
  return {
    resourceType: "OperationOutcome", id: outcomeId(), meta: { profile: [SPINE_OUTCOME_PROFILE] },
    issue: [{ severity: "information", code: "informational", details: { coding: [{ system: SPINE_CODE_SYSTEM, code: "INVALID_ELEMENT", display: "Invalid element" }] }, diagnostics: "An unrecognised search parameter was ignored" }],
  };
}
