// A001 Create Professional Session (POST /v1/ProfessionalSession): the smartcard token logs its user in; the new
// session has no role selected (nhs/ers-2018-04_explore_endpoint_a001.md).
import type { ServerResponse } from "node:http";
import type { ErsContext } from "./context.ts";
import { parseJson } from "./respond.ts";

export function createSession(ctx: ErsContext, res: ServerResponse, body: string): void {
  const input = parseJson(body);
  if (!input.ok) {
    ctx.respond.notJson(res);
    return;
  }
  const token = input.value && typeof input.value === "object" ? (input.value as Record<string, unknown>).token : undefined;
  if (typeof token !== "string" || token.trim() === "") {
    ctx.respond.invalid(res, "MISSING_VALUE", "Missing value", "token is required");
    return;
  }
  const smartcardShaped = /^AQIC[^@#]*@[^#]*#$/.test(token.trim());
  const user = ctx.directory.ers.users.find((u) => u.token === token.trim()) ?? (ctx.has("ers-any-token") || (ctx.has("ers-odd-token-accepted") && !smartcardShaped) ? ctx.directory.ers.users[0] : undefined);
  if (!user) {
    if (ctx.has("ers-unknown-token-422")) ctx.respond.invalid(res, "INVALID_VALUE", "Invalid value", "The smartcard token is not valid");
    else ctx.respond.forbidden(res, "The smartcard token is not valid");
    return;
  }
  // A fault in state: the token's live session, role and all, handed back instead of a new one.
  const existing = ctx.has("ers-second-create-keeps-role") ? ctx.sessions.withRole(token.trim()) : undefined;
  const session = existing ?? ctx.sessions.open(token.trim(), user, ctx.has("ers-permission-preselected") ? (user.permissions[0] ?? null) : null);
  ctx.respond.session(res, ctx.has("ers-create-200") ? 200 : 201, session);
}
