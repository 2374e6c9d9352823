// NRLS pointers: create (POST /DocumentReference), read by _id and search by subject (GET), delete by _id.
// The order of checks follows the reference implementation (SOURCE-NOTES §1.8); responses are negotiated JSON or XML.
import { randomInt, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { CANONICAL_MIME, type FhirFormat } from "../../../src/fhir/media-types.ts";
import { fhirJsonToXml, fhirXmlToJson } from "../../../src/fhir/xml-codec.ts";
import type { Directory } from "../../../sandbox/directory.ts";
import { exactHeader, readBody, reply } from "../../../sandbox/http.ts";
import { checkHeaders } from "./check-headers.ts";
import { checkPointer, PATIENT_BASE } from "./check-pointer.ts";
import { bodyFormat, negotiate } from "./negotiate.ts";
import { errorOutcome, outcomeId, spineError, spineOutcome, SPINE_CODE_SYSTEM, SPINE_OUTCOME_PROFILE, unsupportedMediaType, type SpineError } from "../../../sandbox/spine-outcome.ts";

export interface NrlsOptions {
  directory: Directory;
  /** The named faults and documented variants switched on (faults.ts, variants.ts). */
  switches: ReadonlySet<string>;
  /** Pointers kept at most; the oldest go first. */
  maxPointers: number;
}

type Json = Record<string, unknown>;

export function nrlsHandler(opts: NrlsOptions) {
  const pointers = new Map<string, Json>();
  // Patient and masterIdentifier → pointer id: the duplicate check stays O(1) however full the store is.
  const byIdentity = new Map<string, string>();
  const keyOf = new Map<string, string>();
  const store = (id: string, pointer: Json, nhsNumber: string) => {
    const mi = pointer.masterIdentifier as { system?: string; value?: string } | undefined;
    if (mi?.value !== undefined) {
      const key = identityKey(nhsNumber, mi);
      byIdentity.set(key, id);
      keyOf.set(id, key);
    }
    pointers.set(id, pointer);
    // The oldest goes first once the store is full (a Map keeps insertion order).
    if (pointers.size > opts.maxPointers) forget(pointers.keys().next().value!);
  };
  const forget = (id: string) => {
    pointers.delete(id);
    const key = keyOf.get(id);
    if (key !== undefined && byIdentity.get(key) === id) byIdentity.delete(key);
    keyOf.delete(id);
  };
  const has = (f: string) => opts.switches.has(f);

  const send = (res: ServerResponse, format: FhirFormat, status: number, body: Json, headers: Record<string, string> = {}) =>
    reply(res, status, format === "json" ? JSON.stringify(documented(status, body)) : fhirJsonToXml(documented(status, body)), { "Content-Type": `${CANONICAL_MIME[format]};charset=UTF-8`, ...headers });
  // Documented variants of OperationOutcomes (RULES.md revision 2): displays ending in a full stop, and an extra issue
  // of lower severity beside an error's own.
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
    if (has("outcome-extra-issue") && status >= 400) {
      issues = [...issues, { severity: "warning", code: "informational", details: { coding: [{ system: SPINE_CODE_SYSTEM, code: "INVALID_ELEMENT", display: "Invalid element" }] }, diagnostics: "An element of the request was ignored" }];
    }
    return { ...body, issue: issues };
  };
  const fail = (res: ServerResponse, format: FhirFormat, e: SpineError) => {
    const { status, body } = errorOutcome(e);
    if (has("nrls-errors-no-profile")) delete body.meta;
    send(res, format, status, body);
  };

  /** `path` is what follows the NRLS base URL; `baseUrl` is the public base, for Location. */
  return async (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, baseUrl: string): Promise<boolean> => {
    // The 2.x read path exists only with the fault that makes Location point at it.
    const pathId = has("nrls-location-path-id") ? /^\/DocumentReference\/([^/]+)$/.exec(path)?.[1] : undefined;
    if (path !== "/DocumentReference" && !pathId) return false;
    if (pathId && req.method === "GET") query.set("_id", decodeURIComponent(pathId));
    const body = await readBody(req);
    const negotiated = negotiate(query.get("_format") ?? undefined, exactHeader(req, "Accept") ?? req.headers.accept, opts.switches);
    if ("unsupported" in negotiated) {
      send(res, "xml", 415, unsupportedMediaType(has("nrls-415-nhs-net-system") ? "http://fhir.nhs.net/ValueSet/spine-response-code-1-0" : undefined, has("nrls-415-severity-warning") ? "warning" : "error"));
      return true;
    }
    const format = negotiated.format;
    if (req.method === "POST" && body.length === 0) {
      fail(res, format, spineError("INVALID_REQUEST_MESSAGE", "Invalid Request Message", "value"));
      return true;
    }
    const headerProblem = checkHeaders(req, opts.directory, opts.switches);
    if (headerProblem) {
      fail(res, format, headerProblem);
      return true;
    }
    // Without the fromASID check (a fault), a request with no fromASID is taken as from the custodian's own system.
    const fromAsid = exactHeader(req, "fromASID") ?? "";
    if (req.method === "POST") create(res, format, body, req.headers["content-type"], fromAsid, baseUrl);
    else if (req.method === "GET") read(res, format, query);
    else if (req.method === "DELETE") remove(res, format, query, fromAsid);
    else reply(res, 405, undefined, { Allow: "GET, POST, DELETE" });
    return true;
  };

  function create(res: ServerResponse, format: FhirFormat, text: string, contentType: string | undefined, fromAsid: string, baseUrl: string): void {
    const sentAs = bodyFormat(contentType, opts.switches);
    if (!sentAs) {
      send(res, format, 415, unsupportedMediaType(has("nrls-415-nhs-net-system") ? "http://fhir.nhs.net/ValueSet/spine-response-code-1-0" : undefined, has("nrls-415-severity-warning") ? "warning" : "error"));
      return;
    }
    let pointer: Json;
    try {
      if (sentAs === "xml" && has("nrls-no-xml-body")) throw new Error("XML bodies refused");
      const parsed = sentAs === "json" ? (JSON.parse(text) as unknown) : fhirXmlToJson(text);
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
      pointer = parsed as Json;
    } catch {
      fail(res, format, has("nrls-malformed-invalid-resource")
        ? spineError("INVALID_RESOURCE", "Resource is invalid")
        : has("nrls-malformed-not-well-formed")
          ? spineError("MESSAGE_NOT_WELL_FORMED", "Message not well formed")
          : spineError("INVALID_REQUEST_MESSAGE", "Invalid Request Message", "value"));
      return;
    }
    const facts = checkPointer(pointer, opts.switches);
    if ("code" in facts) {
      fail(res, format, facts);
      return;
    }
    // Spine Core refuses a client-assigned id outright (a documented variant); NRLS ignores it and assigns its own.
    if (has("nrls-client-id-refused") && typeof pointer.id === "string" && pointer.id) {
      fail(res, format, spineError("MSG_RESOURCE_ID_FAIL", "Client is not permitted to assign an id."));
      return;
    }
    const mi = pointer.masterIdentifier as { system: string; value: string } | undefined;
    let business: SpineError | undefined;
    if (mi && !has("nrls-duplicate-accepted") && byIdentity.has(identityKey(facts.nhsNumber, mi))) {
      business = spineError("DUPLICATE_REJECTED", `Duplicate masterIdentifier value: ${mi.value} system: ${mi.system}`);
      if (!has("nrls-duplicate-stored")) {
        fail(res, format, business);
        return;
      }
    }
    // Business checks after the profile (steps 7 and 8): affiliation first, so an unknown custodian usually surfaces as
    // not affiliated; then both organisations must be known.
    const unchecked = has("nrls-unaffiliated-accepted") || (has("nrls-no-fromasid-check") && !fromAsid);
    if (!business && opts.directory.nrls.asids[fromAsid]?.ods !== facts.custodianOds && !unchecked) {
      business = spineError("INVALID_RESOURCE", "The Custodian ODS code is not affiliated with the sender ASID.");
    }
    for (const ods of [facts.custodianOds, facts.authorOds]) {
      if (!business && !(ods in opts.directory.nrls.organisations) && !has("nrls-unknown-org-accepted")) {
        business = { ...spineError("ORGANISATION_NOT_FOUND", `The ODS code in the custodian and/or author element is not resolvable – ${ods}.`), ...(has("nrls-unknown-org-404") ? { status: 404 } : {}) };
      }
    }
    // Faults that store what they refuse: the refusal is still answered (below), after the pointer is kept.
    const storesRefused = has("nrls-stores-on-error") || (has("nrls-duplicate-stored") && business?.code === "DUPLICATE_REJECTED");
    if (business && !storesRefused) {
      fail(res, format, business);
      return;
    }
    // The server assigns the id and version and stamps indexed, whatever the client sent (SOURCE-NOTES §1.5).
    const clientId = typeof pointer.id === "string" && pointer.id ? pointer.id : undefined;
    const id = has("nrls-client-id-kept") && clientId ? clientId : `${randomUUID()}-${String(randomInt(1e9)).padStart(10, "0")}${String(randomInt(1e9)).padStart(10, "0")}`;
    const clientVersion = (pointer.meta as Json | undefined)?.versionId;
    const versionId = has("nrls-version-2") ? "2" : has("nrls-client-version-kept") && typeof clientVersion === "string" ? clientVersion : "1";
    const stored: Json = {
      ...pointer,
      id,
      meta: { ...(pointer.meta as Json | undefined), versionId, lastUpdated: new Date().toISOString() },
      indexed: new Date().toISOString(),
    };
    if (has("nrls-stores-less")) delete stored.author;
    // Stored only if it can be answered again in either format: a pointer that cannot be read back (an unknown element
    // or a meta that is not an object, read as XML; JSON nested too deep to serialise) would poison every later search.
    // (The fault that stores an empty contentType keeps doing so: FHIR XML has no empty value, which is its point.)
    const unreadable = unrenderable(stored, has("nrls-empty-content-type"));
    if (unreadable) {
      fail(res, format, spineError("INVALID_RESOURCE", `Resource is invalid: ${unreadable}`));
      return;
    }
    store(id, stored, facts.nhsNumber);
    if (business) {
      fail(res, format, business);
      return;
    }

    const shownId = has("nrls-location-unresolvable") ? randomUUID() : id;
    // Documented variants: a Location relative to the request URL (it fails NRLS-CRT-07, yet must be readable), and an
    // id percent-encoded in the query.
    const queryId = has("nrls-location-id-encoded") ? shownId.replace(/-/g, "%2D") : shownId;
    const location = has("nrls-location-path-id") ? `${baseUrl}/DocumentReference/${shownId}`
      : has("nrls-location-relative") ? `DocumentReference?_id=${queryId}` : `${baseUrl}/DocumentReference?_id=${queryId}`;
    const outcome = spineOutcome(
      has("nrls-wrong-created-code") ? "warning" : "information",
      "informational",
      "RESOURCE_CREATED",
      "New resource created",
      has("nrls-wrong-diagnostics") ? "Created" : "Successfully created resource DocumentReference",
      has("nrls-no-message-id") ? "created" : randomUUID(),
    );
    const body = has("nrls-bundle-body") ? { resourceType: "Bundle", type: "transaction-response", entry: [] } : outcome;
    send(res, format, has("nrls-create-200") ? 200 : 201, body, has("nrls-no-location") ? {} : { Location: location });
  }

  function read(res: ServerResponse, format: FhirFormat, query: URLSearchParams): void {
    const id = query.get("_id");
    const subject = query.get("subject");
    let found: Json[];
    if (id) {
      const p = pointers.get(id);
      if (!p) {
        fail(res, format, spineError("NO_RECORD_FOUND", `No record found for supplied DocumentReference identifier - ${id}`));
        return;
      }
      found = [p];
    } else if (subject) {
      // Documented variants: an ASID with create rights but not search rights; a patient with no pointers at all.
      if (has("nrls-search-forbidden")) {
        fail(res, format, spineError("ASID_CHECK_FAILED", "The sender or receiver's ASID is not authorised for this interaction"));
        return;
      }
      const nhs = subject.startsWith(PATIENT_BASE) ? subject.slice(PATIENT_BASE.length) : subject;
      found = [...pointers.values()].filter((p) => samePatient(p, nhs));
      if (!found.length && has("nrls-search-no-record")) {
        fail(res, format, spineError("NO_RECORD_FOUND", `The given NHS number could not be found ${nhs}`));
        return;
      }
    } else {
      fail(res, format, spineError("INVALID_PARAMETER", "A search needs _id or subject"));
      return;
    }
    send(res, format, 200, {
      resourceType: "Bundle",
      id: randomUUID(),
      meta: { lastUpdated: new Date().toISOString() },
      type: "searchset",
      total: found.length,
      entry: found.map((resource) => ({ fullUrl: `DocumentReference/${String(resource.id)}`, resource })),
    });
  }

  function remove(res: ServerResponse, format: FhirFormat, query: URLSearchParams, fromAsid: string): void {
    const id = query.get("_id");
    const p = id ? pointers.get(id) : undefined;
    if (!id || !p) {
      fail(res, format, spineError("NO_RECORD_FOUND", `No record found for supplied DocumentReference identifier - ${id ?? ""}`));
      return;
    }
    const custodian = String((p.custodian as Json | undefined)?.reference ?? "");
    if (!custodian.endsWith(`/${opts.directory.nrls.asids[fromAsid]?.ods ?? "\u0000"}`)) {
      fail(res, format, spineError("INVALID_RESOURCE", "The Custodian ODS code is not affiliated with the sender ASID."));
      return;
    }
    forget(id);
    send(res, format, 200, {
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
}

function samePatient(p: Json, nhs: string): boolean {
  return (p.subject as Json | undefined)?.reference === `${PATIENT_BASE}${nhs}`;
}

/** What makes two pointers duplicates: the same patient and masterIdentifier (system and value). */
function identityKey(nhsNumber: string, mi: { system?: string; value?: string }): string {
  return JSON.stringify([nhsNumber, mi.system ?? null, mi.value ?? null]);
}

/** Why a stored pointer could not be answered again (as JSON and as FHIR XML), or undefined when it can. */
function unrenderable(pointer: Json, jsonOnly = false): string | undefined {
  try {
    JSON.stringify(pointer);
  } catch {
    return "nested too deep to be stored";
  }
  if (jsonOnly) return undefined;
  try {
    fhirJsonToXml(pointer);
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
}
