// e-RS Professional Sessions: A001 create, A002 select role, A003 delete, and A004 reference data to show whether a
// session is usable. Sources: nhs/ers-2018-04_explore_endpoint_a001.md … a004.md, nhs/ers-2018-04_explore_models.md,
// SOURCE-NOTES §2. Statuses: 201/200/204 on success; 422 with eRS-OperationOutcome-1 for validation; 403 otherwise.
// This module routes: XAPI_ASID first, then the session key, then each endpoint's own module.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Directory } from "../../../sandbox/directory.ts";
import { readBody, reply, replyJson } from "../../../sandbox/http.ts";
import type { Switches } from "../../../src/api-module.ts";
import type { ErsSwitch } from "../variants.ts";
import { createSession } from "./a001-create.ts";
import { selectRole } from "./a002-select-role.ts";
import { deleteSession } from "./a003-delete.ts";
import { referenceData } from "./a004-reference-data.ts";
import type { ErsContext } from "./context.ts";
import { ersOutcome } from "./outcome.ts";
import { ersResponder } from "./respond.ts";
import { SessionStore } from "./session-store.ts";

export interface ErsOptions {
  directory: Directory;
  /** The named faults and documented variants switched on (faults.ts, variants.ts). */
  switches: Switches<ErsSwitch>;
  /** Sessions kept at most; the oldest go first. */
  maxSessions: number;
  /** Leave out A004 (an optional endpoint), as a target without it would: its path is then a 404. */
  withoutA004?: boolean;
}

export function ersHandler(opts: ErsOptions) {
  const has = (f: ErsSwitch) => opts.switches.has(f);
  const ctx: ErsContext = { sessions: new SessionStore(opts.maxSessions), directory: opts.directory, has, respond: ersResponder(has) };

  /** `path` is what follows the e-RS base URL. Returns false when the path is not e-RS's. */
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    const m = /^\/v1\/ProfessionalSession(?:\/([^/]+))?$/.exec(path);
    const vs = /^\/v1\/ValueSet\/([^/]+)$/.exec(path);
    if (!m && (!vs || opts.withoutA004)) return false;
    const body = await readBody(req);
    const asid = req.headers["xapi_asid"];
    if ((typeof asid !== "string" || !opts.directory.ers.asids.includes(asid)) && !has("ers-asid-unchecked")) {
      ctx.respond.forbidden(res, "XAPI_ASID is missing or not authorised for e-RS");
      return true;
    }
    if (m && !m[1]) {
      if (req.method === "POST") createSession(ctx, res, body);
      else reply(res, 405, undefined, { Allow: "POST" });
      return true;
    }
    const key = req.headers["http_x_session_key"];
    const session = typeof key === "string" ? ctx.sessions.get(key) : undefined;
    if (m) {
      if (!session || session.id !== m[1]) {
        // Any 4xx refuses a dead session (a documented variant answers 405).
        if (!session && has("ers-dead-session-other-4xx")) replyJson(res, 405, ersOutcome("forbidden", "FORBIDDEN", "Forbidden", "The session has ended"));
        else ctx.respond.forbidden(res, "HTTP_X_SESSION_KEY does not name a live session for this path");
      } else if (req.method === "PUT") selectRole(ctx, res, session, body);
      else if (req.method === "DELETE") deleteSession(ctx, res, session);
      else reply(res, 405, undefined, { Allow: "PUT, DELETE" });
      return true;
    }
    // A fault in state: reference data still served to a session A003 ended.
    const forA004 = session ?? (has("ers-a004-after-a003") && typeof key === "string" ? ctx.sessions.endedSession(key) : undefined);
    if (req.method === "GET") referenceData(ctx, res, forA004, vs![1]!);
    else reply(res, 405, undefined, { Allow: "GET" });
    return true;
  };
}
