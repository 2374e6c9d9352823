// A002 Select Role (PUT /v1/ProfessionalSession/{id}): the permission chosen must be one the user holds — business
// function and organisation (nhs/ers-2018-04_explore_endpoint_a002.md).
import type { ServerResponse } from "node:http";
import type { ErsPermission } from "../../../sandbox/directory.ts";
import { replyJson } from "../../../sandbox/http.ts";
import type { ErsContext } from "./context.ts";
import { parseJson } from "./respond.ts";
import type { Session } from "./session-store.ts";

export function selectRole(ctx: ErsContext, res: ServerResponse, session: Session, body: string): void {
  const input = parseJson(body);
  if (!input.ok) {
    ctx.respond.notJson(res);
    return;
  }
  const wanted = (input.value as { permission?: Partial<ErsPermission> } | null)?.permission;
  if (!wanted || typeof wanted !== "object") {
    ctx.respond.invalid(res, "MISSING_VALUE", "Missing value", "permission is required to select a role");
    return;
  }
  const held = ctx.respond.permissionsShown(session).find((p) => p.businessFunction === wanted.businessFunction && (p.orgIdentifier === wanted.orgIdentifier || ctx.has("ers-permission-org-unchecked")));
  if (!held) {
    ctx.respond.forbidden(res, "The user does not hold that permission");
    return;
  }
  if (!ctx.has("ers-select-role-ignored")) session.permission = ctx.has("ers-grants-first-permission") ? ctx.respond.permissionsShown(session)[0] ?? held : held;
  if (ctx.has("ers-select-role-bare")) replyJson(res, 200, { permission: session.permission });
  else ctx.respond.session(res, ctx.has("ers-select-role-201") ? 201 : 200, session);
}
