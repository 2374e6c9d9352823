// e-RS Professional Sessions: A001 create, A002 select role, A003 delete, and A004 reference data to show whether a
// session is usable. Sources: nhs/ers-2018-04_explore_endpoint_a001.md … a004.md, nhs/ers-2018-04_explore_models.md.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Directory, ErsPermission, ErsUser } from "../directory.ts";
import { readBody, reply, replyJson } from "../http.ts";
import { ersOutcome } from "./outcome.ts";

export const SESSION_TYPE = "uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession";

interface Session {
  id: string;
  token: string;
  user: ErsUser;
  permission: ErsPermission | null;
}

export interface ErsOptions {
  directory: Directory;
  faults: ReadonlySet<string>;
  /** Sessions kept at most; the oldest go first. */
  maxSessions: number;
}

export function ersHandler(opts: ErsOptions) {
  const sessions = new Map<string, Session>();
  const forbidden = (res: ServerResponse, why: string) => replyJson(res, 403, ersOutcome("forbidden", "FORBIDDEN", "Forbidden", why));

  const view = (s: Session) => {
    if (opts.faults.has("ers-no-user")) return { typeInfo: SESSION_TYPE, id: s.id, token: s.token, permission: s.permission };
    return {
      typeInfo: SESSION_TYPE,
      id: opts.faults.has("ers-empty-id") ? "" : s.id,
      token: s.token,
      user: { identifier: s.user.identifier, firstName: s.user.firstName, lastName: s.user.lastName, middleName: s.user.middleName, permissions: s.user.permissions },
      permission: s.permission,
    };
  };

  /** `path` is what follows the e-RS base URL. Returns false when the path is not e-RS's. */
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    const asid = req.headers["xapi_asid"];
    const m = /^\/v1\/ProfessionalSession(?:\/([^/]+))?$/.exec(path);
    const vs = /^\/v1\/ValueSet\/([^/]+)$/.exec(path);
    if (!m && !vs) return false;
    const body = await readBody(req);
    if (typeof asid !== "string" || !opts.directory.ers.asids.includes(asid)) {
      forbidden(res, "XAPI_ASID is missing or not authorised for e-RS");
      return true;
    }
    if (m && !m[1] && req.method === "POST") {
      let input: unknown;
      try {
        input = JSON.parse(body);
      } catch {
        replyJson(res, 400, ersOutcome("structure", "INVALID_VALUE", "Invalid value", "The request body is not valid JSON"));
        return true;
      }
      const token = input && typeof input === "object" ? (input as Record<string, unknown>).token : undefined;
      if (typeof token !== "string" || token.trim() === "") {
        replyJson(res, 422, ersOutcome("required", "MISSING_VALUE", "Missing value", "token is required"));
        return true;
      }
      const user = opts.directory.ers.users.find((u) => u.token === token.trim());
      if (!user) {
        forbidden(res, "The smartcard token is not valid");
        return true;
      }
      const session: Session = { id: `pro-xapi-session_${randomUUID()}`, token: token.trim(), user, permission: null };
      sessions.set(session.id, session);
      if (sessions.size > opts.maxSessions) sessions.delete(sessions.keys().next().value!);
      replyJson(res, opts.faults.has("ers-create-200") ? 200 : 201, view(session));
      return true;
    }
    const key = req.headers["http_x_session_key"];
    const session = typeof key === "string" ? sessions.get(key) : undefined;
    if (m && m[1]) {
      if (!session || session.id !== m[1]) {
        forbidden(res, "HTTP_X_SESSION_KEY does not name a live session for this path");
        return true;
      }
      if (req.method === "PUT") {
        let wanted: Partial<ErsPermission> | undefined;
        try {
          wanted = (JSON.parse(body) as { permission?: Partial<ErsPermission> }).permission;
        } catch {
          replyJson(res, 400, ersOutcome("structure", "INVALID_VALUE", "Invalid value", "The request body is not valid JSON"));
          return true;
        }
        const held = session.user.permissions.find((p) => p.businessFunction === wanted?.businessFunction && p.orgIdentifier === wanted?.orgIdentifier);
        if (!held) {
          forbidden(res, "The user does not hold that permission");
          return true;
        }
        session.permission = held;
        replyJson(res, 200, view(session));
        return true;
      }
      if (req.method === "DELETE") {
        sessions.delete(session.id);
        reply(res, 204, undefined);
        return true;
      }
      reply(res, 405, undefined, { Allow: "PUT, DELETE" });
      return true;
    }
    // A004: reference data needs a session with a role selected.
    if (!session || !session.permission) {
      forbidden(res, "The session has no role selected");
      return true;
    }
    if (vs![1] !== "SPECIALTY") {
      replyJson(res, 404, ersOutcome("not-found", "REFERENCE_NOT_FOUND", "Reference not found"));
      return true;
    }
    replyJson(res, 200, {
      resourceType: "ValueSet", id: "SPECIALTY", url: "http://fhir.nhs.net/ValueSet/ers-specialty-1", status: "active",
      meta: { profile: ["http://fhir.nhs.net/StructureDefinition/ers-valueset-1"] },
      codeSystem: { system: "http://fhir.nhs.net/ValueSet/ers-specialty-1", concept: [{ code: "CARDIOLOGY", display: "Cardiology" }, { code: "DERMATOLOGY", display: "Dermatology" }] },
    });
    return true;
  };
}
