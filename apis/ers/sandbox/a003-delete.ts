// A003 Delete Professional Session (DELETE /v1/ProfessionalSession/{id}): 204 with no body; the id is dead afterwards
// (nhs/ers-2018-04_explore_endpoint_a003.md).
import type { ServerResponse } from "node:http";
import { reply } from "../../../sandbox/http.ts";
import type { ErsContext } from "./context.ts";
import type { Session } from "./session-store.ts";

export function deleteSession(ctx: ErsContext, res: ServerResponse, session: Session): void {
  if (!ctx.has("ers-delete-keeps-session")) ctx.sessions.end(session.id);
  if (ctx.has("ers-delete-200")) ctx.respond.session(res, 200, session);
  else reply(res, 204, undefined);
}
