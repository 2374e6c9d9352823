// A004 Retrieve Reference Data (GET /v1/ValueSet/{valueSetId}): needs a live session with a role selected — which is
// how the suites show whether a session is usable (nhs/ers-2018-04_explore_endpoint_a004.md).
import type { ServerResponse } from "node:http";
import { reply, replyJson } from "../../../sandbox/http.ts";
import type { ErsContext } from "./context.ts";
import { ersOutcome } from "./outcome.ts";
import type { Session } from "./session-store.ts";

export function referenceData(ctx: ErsContext, res: ServerResponse, session: Session | undefined, valueSetId: string): void {
  if (session && !session.permission && ctx.has("ers-a004-404-before-role")) {
    reply(res, 404, undefined);
    return;
  }
  if (!session || !session.permission) {
    ctx.respond.forbidden(res, session ? "The session has no role selected" : "HTTP_X_SESSION_KEY does not name a live session");
    return;
  }
  if (valueSetId !== "SPECIALTY") {
    replyJson(res, 404, ersOutcome("not-found", "REFERENCE_NOT_FOUND", "Reference not found", `No value set ${valueSetId}`));
    return;
  }
  replyJson(res, 200, {
    resourceType: "ValueSet", id: "SPECIALTY", url: "http://fhir.nhs.net/ValueSet/ers-specialty-1", status: "active",
    meta: { profile: ["http://fhir.nhs.net/StructureDefinition/ers-valueset-1"] },
    codeSystem: { system: "http://fhir.nhs.net/ValueSet/ers-specialty-1", concept: [{ code: "CARDIOLOGY", display: "Cardiology" }, { code: "DERMATOLOGY", display: "Dermatology" }] },
  });
}
