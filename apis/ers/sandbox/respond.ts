// How the e-RS simulator answers: the ProfessionalSession as the model gives it (bent by the faults and documented
// variants switched on), eRS-OperationOutcome-1 errors, and the request body read as JSON.
import type { ServerResponse } from "node:http";
import { reply, replyJson } from "../../../sandbox/http.ts";
import { SESSION_TYPE } from "../../../src/spine/ers.ts";
import type { ErsPermission } from "../../../sandbox/directory.ts";
import type { ErsSwitch } from "../variants.ts";
import { ersOutcome } from "./outcome.ts";
import type { Session } from "./session-store.ts";

export interface ErsResponder {
  /** The user's permissions as the session shows them: what a client may select. */
  permissionsShown(s: Session): ErsPermission[];
  /** The session as the model gives it. */
  session(res: ServerResponse, status: number, s: Session): void;
  forbidden(res: ServerResponse, why: string): void;
  /** A validation error: 422 with its eRS-APIErrorCode-1 code. */
  invalid(res: ServerResponse, code: string, display: string, why: string): void;
  notJson(res: ServerResponse): void;
}

export function ersResponder(has: (f: ErsSwitch) => boolean): ErsResponder {
  // What the session shows is what it honours: a permission shown (a new business function, a bad one) can be selected.
  const permissionsShown = (s: Session): ErsPermission[] => {
    const listed = has("ers-no-permissions") ? [] : has("ers-bad-business-function") ? [...s.user.permissions.slice(0, -1), { ...s.user.permissions.at(-1)!, businessFunction: "DOCTOR" }] : s.user.permissions;
    // The list of business functions has grown since 2018 (a documented variant): one more, last, so flows keep the first.
    return has("ers-new-business-function") ? [...listed, { ...s.user.permissions[0]!, businessFunction: "NEW_BUSINESS_FUNCTION" }] : listed;
  };
  const view = (s: Session) => {
    const user: Record<string, unknown> = {
      identifier: s.user.identifier, firstName: s.user.firstName, lastName: s.user.lastName, middleName: s.user.middleName,
      permissions: permissionsShown(s),
    };
    // Members whose value is null left out (a documented variant).
    if (has("ers-null-members-omitted") && user.middleName === null) delete user.middleName;
    if (has("ers-no-last-name")) delete user.lastName;
    const out: Record<string, unknown> = { typeInfo: SESSION_TYPE, id: has("ers-empty-id") ? "" : s.id, token: has("ers-token-altered") ? s.token.toLowerCase() : s.token, user, permission: s.permission };
    if (has("ers-no-user")) delete out.user;
    if (has("ers-no-type-info")) delete out.typeInfo;
    if (has("ers-null-members-omitted") && out.permission === null) delete out.permission;
    return out;
  };
  return {
    permissionsShown,
    session(res, status, s) {
      if (has("ers-text-json")) reply(res, status, JSON.stringify(view(s)), { "Content-Type": "text/json" });
      else replyJson(res, status, view(s));
    },
    forbidden: (res, why) => replyJson(res, 403, ersOutcome("forbidden", "FORBIDDEN", "Forbidden", why)),
    invalid(res, code, display, why) {
      // A code outside every eRS-APIErrorCode-1 version: the binding is an example one (a documented variant).
      const body = has("ers-422-unlisted-code") ? ersOutcome("required", "PAS_NOT_RESPONDING", "PAS not responding", why) : ersOutcome("required", code, display, why);
      if (has("ers-outcome-text")) (body.issue as { details: Record<string, unknown> }[])[0]!.details.text = display;
      if (has("ers-outcome-version")) ((body.issue as { details: { coding: Record<string, unknown>[] } }[])[0]!.details.coding[0]!).version = "1.0.0";
      replyJson(res, has("ers-validation-400") ? 400 : 422, body);
    },
    notJson: (res) =>
      has("ers-non-json-500")
        ? reply(res, 500, "java.lang.IllegalStateException", { "Content-Type": "text/plain" })
        : replyJson(res, 400, ersOutcome("structure", "INVALID_VALUE", "Invalid value", "The request body is not valid JSON")),
  };
}

/** The body read as JSON; `ok: false` when it is not JSON at all. */
export function parseJson(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false };
  }
}
