// e-RS Professional Sessions: A001 create, A002 select role, A003 delete, and A004 reference data to show whether a
// session is usable. Sources: nhs/ers-2018-04_explore_endpoint_a001.md … a004.md, nhs/ers-2018-04_explore_models.md,
// SOURCE-NOTES §2. Statuses: 201/200/204 on success; 422 with eRS-OperationOutcome-1 for validation; 403 otherwise.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Directory, ErsPermission, ErsUser } from "../../../sandbox/directory.ts";
import { readBody, reply, replyJson } from "../../../sandbox/http.ts";
import { SESSION_TYPE } from "../../../src/spine/ers.ts";
import { ersOutcome } from "./outcome.ts";
import type { Switches } from "../../../src/api-module.ts";
import type { ErsSwitch } from "../variants.ts";


interface Session {
  id: string;
  token: string;
  user: ErsUser;
  permission: ErsPermission | null;
}

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
  const sessions = new Map<string, Session>();
  const has = (f: ErsSwitch) => opts.switches.has(f);
  const forbidden = (res: ServerResponse, why: string) => replyJson(res, 403, ersOutcome("forbidden", "FORBIDDEN", "Forbidden", why));
  const invalid = (res: ServerResponse, code: string, display: string, why: string) => {
    // A code outside every eRS-APIErrorCode-1 version: the binding is an example one (a documented variant).
    const body = has("ers-422-unlisted-code") ? ersOutcome("required", "PAS_NOT_RESPONDING", "PAS not responding", why) : ersOutcome("required", code, display, why);
    if (has("ers-outcome-text")) (body.issue as { details: Record<string, unknown> }[])[0]!.details.text = display;
    if (has("ers-outcome-version")) ((body.issue as { details: { coding: Record<string, unknown>[] } }[])[0]!.details.coding[0]!).version = "1.0.0";
    replyJson(res, has("ers-validation-400") ? 400 : 422, body);
  };
  const notJson = (res: ServerResponse) =>
    has("ers-non-json-500")
      ? reply(res, 500, "java.lang.IllegalStateException", { "Content-Type": "text/plain" })
      : replyJson(res, 400, ersOutcome("structure", "INVALID_VALUE", "Invalid value", "The request body is not valid JSON"));

  const view = (s: Session) => {
    const user: Record<string, unknown> = {
      identifier: s.user.identifier, firstName: s.user.firstName, lastName: s.user.lastName, middleName: s.user.middleName,
      permissions: has("ers-no-permissions") ? [] : has("ers-bad-business-function") ? [...s.user.permissions.slice(0, -1), { ...s.user.permissions.at(-1)!, businessFunction: "DOCTOR" }] : s.user.permissions,
    };
    // The list of business functions has grown since 2018 (a documented variant): one more, last, so flows keep the first.
    if (has("ers-new-business-function")) user.permissions = [...(user.permissions as unknown[]), { ...s.user.permissions[0]!, businessFunction: "NEW_BUSINESS_FUNCTION" }];
    // Members whose value is null left out (a documented variant).
    if (has("ers-null-members-omitted") && user.middleName === null) delete user.middleName;
    if (has("ers-no-last-name")) delete user.lastName;
    const out: Record<string, unknown> = { typeInfo: SESSION_TYPE, id: has("ers-empty-id") ? "" : s.id, token: has("ers-token-altered") ? s.token.toLowerCase() : s.token, user, permission: s.permission };
    if (has("ers-no-user")) delete out.user;
    if (has("ers-no-type-info")) delete out.typeInfo;
    if (has("ers-null-members-omitted") && out.permission === null) delete out.permission;
    return out;
  };
  const send = (res: ServerResponse, status: number, s: Session) => {
    if (has("ers-text-json")) reply(res, status, JSON.stringify(view(s)), { "Content-Type": "text/json" });
    else replyJson(res, status, view(s));
  };
  const parse = (body: string): { ok: true; value: unknown } | { ok: false } => {
    try {
      return { ok: true, value: JSON.parse(body) as unknown };
    } catch {
      return { ok: false };
    }
  };

  /** `path` is what follows the e-RS base URL. Returns false when the path is not e-RS's. */
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    const m = /^\/v1\/ProfessionalSession(?:\/([^/]+))?$/.exec(path);
    const vs = /^\/v1\/ValueSet\/([^/]+)$/.exec(path);
    if (!m && (!vs || opts.withoutA004)) return false;
    const body = await readBody(req);
    const asid = req.headers["xapi_asid"];
    if ((typeof asid !== "string" || !opts.directory.ers.asids.includes(asid)) && !has("ers-asid-unchecked")) {
      forbidden(res, "XAPI_ASID is missing or not authorised for e-RS");
      return true;
    }
    if (m && !m[1]) {
      if (req.method !== "POST") {
        reply(res, 405, undefined, { Allow: "POST" });
        return true;
      }
      const input = parse(body);
      if (!input.ok) {
        notJson(res);
        return true;
      }
      const token = input.value && typeof input.value === "object" ? (input.value as Record<string, unknown>).token : undefined;
      if (typeof token !== "string" || token.trim() === "") {
        invalid(res, "MISSING_VALUE", "Missing value", "token is required");
        return true;
      }
      const user = opts.directory.ers.users.find((u) => u.token === token.trim()) ?? (has("ers-any-token") ? opts.directory.ers.users[0] : undefined);
      if (!user) {
        if (has("ers-unknown-token-422")) invalid(res, "INVALID_VALUE", "Invalid value", "The smartcard token is not valid");
        else forbidden(res, "The smartcard token is not valid");
        return true;
      }
      const session: Session = { id: `pro-xapi-session_${randomUUID()}`, token: token.trim(), user, permission: has("ers-permission-preselected") ? (user.permissions[0] ?? null) : null };
      sessions.set(session.id, session);
      if (sessions.size > opts.maxSessions) sessions.delete(sessions.keys().next().value!);
      send(res, has("ers-create-200") ? 200 : 201, session);
      return true;
    }
    const key = req.headers["http_x_session_key"];
    const session = typeof key === "string" ? sessions.get(key) : undefined;
    if (m) {
      if (!session || session.id !== m[1]) {
        // Any 4xx refuses a dead session (a documented variant answers 405).
        if (!session && has("ers-dead-session-other-4xx")) replyJson(res, 405, ersOutcome("forbidden", "FORBIDDEN", "Forbidden", "The session has ended"));
        else forbidden(res, "HTTP_X_SESSION_KEY does not name a live session for this path");
        return true;
      }
      if (req.method === "PUT") {
        const input = parse(body);
        if (!input.ok) {
          notJson(res);
          return true;
        }
        const wanted = (input.value as { permission?: Partial<ErsPermission> } | null)?.permission;
        if (!wanted || typeof wanted !== "object") {
          invalid(res, "MISSING_VALUE", "Missing value", "permission is required to select a role");
          return true;
        }
        const held = session.user.permissions.find((p) => p.businessFunction === wanted.businessFunction && p.orgIdentifier === wanted.orgIdentifier);
        if (!held) {
          forbidden(res, "The user does not hold that permission");
          return true;
        }
        if (!has("ers-select-role-ignored")) session.permission = held;
        if (has("ers-select-role-bare")) replyJson(res, 200, { permission: session.permission });
        else send(res, has("ers-select-role-201") ? 201 : 200, session);
        return true;
      }
      if (req.method === "DELETE") {
        if (!has("ers-delete-keeps-session")) sessions.delete(session.id);
        if (has("ers-delete-200")) send(res, 200, session);
        else reply(res, 204, undefined);
        return true;
      }
      reply(res, 405, undefined, { Allow: "PUT, DELETE" });
      return true;
    }
    // A004: reference data needs a session with a role selected.
    if (req.method !== "GET") {
      reply(res, 405, undefined, { Allow: "GET" });
      return true;
    }
    if (session && !session.permission && has("ers-a004-404-before-role")) {
      reply(res, 404, undefined);
      return true;
    }
    if (!session || !session.permission) {
      forbidden(res, session ? "The session has no role selected" : "HTTP_X_SESSION_KEY does not name a live session");
      return true;
    }
    if (vs![1] !== "SPECIALTY") {
      replyJson(res, 404, ersOutcome("not-found", "REFERENCE_NOT_FOUND", "Reference not found", `No value set ${vs![1]}`));
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
