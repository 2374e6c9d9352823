// NRLS create (POST /DocumentReference): the pointer read in the format its Content-Type names, checked in the
// reference implementation's order (profile, then business rules: SOURCE-NOTES §1.8), stored with the id, version and
// indexed the server sets, and answered 201 with a Location.
import { randomInt, randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { FhirFormat } from "../../../src/fhir/media-types.ts";
import { stu3JsonProblems } from "../../../src/fhir/stu3-strict.ts";
import { fhirJsonToXml, fhirXmlToJson } from "../../../src/fhir/xml-codec.ts";
import { spineError, spineOutcome, type SpineError } from "../../../sandbox/spine-outcome.ts";
import { isoNow } from "../../../sandbox/clock.ts";
import { checkPointer } from "./check-pointer.ts";
import type { NrlsContext } from "./context.ts";
import { bodyFormat } from "./negotiate.ts";
import type { Json, StoredPointer } from "./pointer-store.ts";

export function createPointer(ctx: NrlsContext, res: ServerResponse, format: FhirFormat, text: string, contentType: string | undefined, fromAsid: string, baseUrl: string): void {
  const sentAs = bodyFormat(contentType, ctx.switches);
  if (!sentAs) {
    ctx.respond.unsupported(res, format);
    return;
  }
  // A fault on the XML path: a server that takes JSON bodies only, refusing XML as an unsupported media type.
  if (sentAs === "xml" && ctx.has("nrls-no-xml-body")) {
    ctx.respond.unsupported(res, format);
    return;
  }
  let pointer: Json;
  // Whether the pointer may hold something FHIR XML cannot write (an empty value, or a character a JSON escape spelt
  // that XML does not allow): only then is rendering it tried before it is stored (below).
  let renderRisk = false;
  try {
    const parsed = sentAs === "json" ? (JSON.parse(text) as unknown) : fhirXmlToJson(text);
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
    // Spine's parser refuses an element STU3 does not define, or a value of the wrong JSON type, before any profile
    // check (SOURCE-NOTES §1.8 step 4). Empty and malformed values are the profile's (INVALID_RESOURCE, RULES.md
    // revision 2), so they pass here.
    const problems = stu3JsonProblems(parsed);
    const refused = problems.find((p) => p.kind === "unknown" || p.kind === "shape");
    if (refused) throw new Error(`${refused.path}: ${refused.problem}`);
    renderRisk = problems.some((p) => p.kind === "empty") || text.includes("\\u");
    pointer = parsed as Json;
  } catch {
    ctx.respond.fail(res, format, ctx.has("nrls-malformed-invalid-resource")
      ? spineError("INVALID_RESOURCE", "Resource is invalid")
      : ctx.has("nrls-malformed-not-well-formed")
        ? spineError("MESSAGE_NOT_WELL_FORMED", "Message not well formed")
        : spineError("INVALID_REQUEST_MESSAGE", "Invalid Request Message", "value"));
    return;
  }
  // A fault on the XML path alone: a pointer sent as XML skips every profile and business rule (RULES.md revision 3).
  const unchecked = sentAs === "xml" && ctx.has("nrls-xml-skips-business-rules");
  const checked = checkPointer(pointer, ctx.switches);
  if ("code" in checked && !unchecked) {
    ctx.respond.fail(res, format, checked);
    return;
  }
  const facts = "code" in checked ? laxFacts(pointer) : checked;
  // Spine Core refuses a client-assigned id outright (a documented variant); NRLS ignores it and assigns its own.
  if (ctx.has("nrls-client-id-refused") && typeof pointer.id === "string" && pointer.id) {
    ctx.respond.fail(res, format, spineError("MSG_RESOURCE_ID_FAIL", "Client is not permitted to assign an id."));
    return;
  }
  const mi = pointer.masterIdentifier as { system: string; value: string } | undefined;
  let business: SpineError | undefined;
  if (mi && !unchecked && !ctx.has("nrls-duplicate-accepted") && ctx.store.hasIdentity(facts.nhsNumber, mi)) {
    business = spineError("DUPLICATE_REJECTED", `Duplicate masterIdentifier value: ${mi.value} system: ${mi.system}`);
    if (!ctx.has("nrls-duplicate-stored")) {
      ctx.respond.fail(res, format, business);
      return;
    }
  }
  // Business checks after the profile (steps 7 and 8): affiliation first, so an unknown custodian usually surfaces as
  // not affiliated; then both organisations must be known.
  const unaffiliatedAccepted = unchecked || ctx.has("nrls-unaffiliated-accepted") || (ctx.has("nrls-no-fromasid-check") && !fromAsid);
  if (!business && ctx.directory.nrls.asids[fromAsid]?.ods !== facts.custodianOds && !unaffiliatedAccepted) {
    business = spineError("INVALID_RESOURCE", "The Custodian ODS code is not affiliated with the sender ASID.");
  }
  for (const ods of [facts.custodianOds, facts.authorOds]) {
    if (!business && !(ods in ctx.directory.nrls.organisations) && !unchecked && !ctx.has("nrls-unknown-org-accepted")) {
      business = { ...spineError("ORGANISATION_NOT_FOUND", `The ODS code in the custodian and/or author element is not resolvable – ${ods}.`), ...(ctx.has("nrls-unknown-org-404") ? { status: 404 } : {}) };
    }
  }
  // Faults that store what they refuse: the refusal is still answered (below), after the pointer is kept.
  const storesRefused = ctx.has("nrls-stores-on-error") || (ctx.has("nrls-duplicate-stored") && business?.code === "DUPLICATE_REJECTED");
  if (business && !storesRefused) {
    ctx.respond.fail(res, format, business);
    return;
  }
  // The server assigns the id and version and stamps indexed, whatever the client sent (SOURCE-NOTES §1.5).
  const clientId = typeof pointer.id === "string" && pointer.id ? pointer.id : undefined;
  // A fault on the concurrency path: the id is taken from a sequence when a create arrives and the sequence moves on
  // only when its write commits (HOLD_MS later), so creates that arrive together are handed one id.
  const racing = ctx.has("nrls-concurrent-creates-share-id");
  const id = ctx.has("nrls-client-id-kept") && clientId ? clientId : racing && ctx.race.idInFlight ? ctx.race.idInFlight
    : `${randomUUID()}-${String(randomInt(1e9)).padStart(10, "0")}${String(randomInt(1e9)).padStart(10, "0")}`;
  if (racing && !ctx.race.idInFlight) {
    ctx.race.idInFlight = id;
    setTimeout(() => (ctx.race.idInFlight = undefined), HOLD_MS).unref();
  }
  const commit = () => storeAndAnswer(ctx, res, format, pointer, facts, id, sentAs, business, baseUrl, renderRisk);
  if (racing) setTimeout(commit, HOLD_MS).unref();
  else commit();
}

/** How long the concurrency fault's write takes: creates arriving within it share an id. */
const HOLD_MS = 300;

function storeAndAnswer(ctx: NrlsContext, res: ServerResponse, format: FhirFormat, pointer: Json, facts: { nhsNumber: string }, id: string, sentAs: FhirFormat, business: SpineError | undefined, baseUrl: string, renderRisk: boolean): void {
  const clientVersion = (pointer.meta as Json | undefined)?.versionId;
  const versionId = ctx.has("nrls-version-2") ? "2" : ctx.has("nrls-client-version-kept") && typeof clientVersion === "string" ? clientVersion : "1";
  const now = isoNow();
  // The body parsed for this request alone becomes what is stored (nothing else holds it, so no copy), its members in
  // the order sent.
  const stored = pointer as StoredPointer;
  stored.id = id;
  stored.meta = { ...(pointer.meta as Json | undefined), versionId, lastUpdated: now };
  stored.indexed = now;
  if (ctx.has("nrls-stores-less")) delete stored.author;
  // A fault in what was stored: the type's code kept, its system and display dropped.
  if (ctx.has("nrls-drops-type-system")) {
    const coding = ((stored.type as { coding?: Json[] } | undefined)?.coding ?? [])[0];
    if (coding) {
      delete coding.system;
      delete coding.display;
    }
  }
  // Stored only if it can be answered again in either format: a pointer that cannot be read back (an unknown element
  // or a meta that is not an object, read as XML; JSON nested too deep to serialise) would poison every later search.
  // (The fault that stores an empty contentType keeps doing so: FHIR XML has no empty value, which is its point.)
  // The strict parse has already refused unknown elements, wrong JSON types and nesting too deep, so a pointer with no
  // empty value and no escaped character renders: trying it for every create had been a tenth of the sandbox's time.
  const unreadable = renderRisk ? unrenderable(stored, ctx.has("nrls-empty-content-type")) : undefined;
  if (unreadable) {
    ctx.respond.fail(res, format, spineError("INVALID_RESOURCE", `Resource is invalid: ${unreadable}`));
    return;
  }
  // A fault on the XML path: an XML create is answered as created, with a Location, and nothing is kept.
  if (!(sentAs === "xml" && ctx.has("nrls-xml-not-stored"))) ctx.store.put(stored, facts.nhsNumber);
  if (business) {
    ctx.respond.fail(res, format, business);
    return;
  }

  // A fault in what Location names: another pointer (a decoy the sandbox keeps), not the one just made.
  const shownId = ctx.has("nrls-location-unresolvable") ? randomUUID() : ctx.has("nrls-location-names-another") ? decoyOf(ctx, stored, facts.nhsNumber) : id;
  // Documented variants: a Location relative to the request URL (it fails NRLS-CRT-07, yet must be readable), and an
  // id percent-encoded in the query.
  const queryId = ctx.has("nrls-location-id-encoded") ? shownId.replace(/-/g, "%2D") : shownId;
  const location = ctx.has("nrls-location-path-id") ? `${baseUrl}/DocumentReference/${shownId}`
    : ctx.has("nrls-location-relative") ? `DocumentReference?_id=${queryId}` : `${baseUrl}/DocumentReference?_id=${queryId}`;
  const outcome = spineOutcome(
    ctx.has("nrls-wrong-created-code") ? "warning" : "information",
    "informational",
    "RESOURCE_CREATED",
    "New resource created",
    ctx.has("nrls-wrong-diagnostics") ? "Created" : "Successfully created resource DocumentReference",
    ctx.has("nrls-no-message-id") ? "created" : randomUUID(),
  );
  const body = ctx.has("nrls-bundle-body") ? { resourceType: "Bundle", type: "transaction-response", entry: [] } : outcome;
  ctx.respond.send(res, format, ctx.has("nrls-create-200") ? 200 : 201, body, ctx.has("nrls-no-location") ? {} : { Location: location });
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

/** What the store needs of a pointer no rule was checked on (a fault's): its patient and organisations as sent. */
function laxFacts(pointer: Json): { nhsNumber: string; custodianOds: string; authorOds: string } {
  const last = (ref: unknown) => String((ref as { reference?: unknown } | undefined)?.reference ?? "").split("/").pop() ?? "";
  return { nhsNumber: last(pointer.subject), custodianOds: last(pointer.custodian), authorOds: last((pointer.author as unknown[] | undefined)?.[0]) };
}

/** The one decoy pointer of the fault that names it in every Location: another masterIdentifier, never removed. */
function decoyOf(ctx: NrlsContext, like: StoredPointer, nhsNumber: string): string {
  const id = "spine-assure-decoy-pointer";
  if (!ctx.store.get(id)) ctx.store.put({ ...structuredClone(like), id, masterIdentifier: { system: "urn:ietf:rfc:3986", value: "urn:uuid:00000000-0000-4000-8000-000000000000" } }, nhsNumber);
  return id;
}
