// Seismic's scopes never override the delegated user's own permissions (Seismic's OAuth docs):
// a token with seismic.user.manage still cannot manage users when its user is not a System
// Administrator. The API origin applies that to SCIM writes made with an OAuth token; the static
// SCIM token is an administrator's own credential and passes.

import { SYSTEM_ADMINISTRATOR } from "./catalog.js";
import { gatewayReply, type Reply } from "./http.js";
import type { Access } from "./router.js";
import type { TenantState } from "./state.js";
import type { TokenStore } from "./tokens.js";

/** Whether `userId` holds the System Administrator platform role (live state, not Reporting's). */
export function isSystemAdministrator(state: TenantState, userId: string): boolean {
  const admin = state.platformRoles.find(
    (r) => r.roleName === SYSTEM_ADMINISTRATOR && !r.isDeleted,
  );
  if (admin === undefined) return false;
  return state.roleAssignments.some((a) => a.roleId === admin.id && a.assigneeId === userId);
}

/** A 403 for a write whose token's user is not a System Administrator; undefined otherwise. */
export function refuseNonAdminWrite(
  authorization: string | undefined,
  access: Access,
  tokens: TokenStore,
  state: TenantState,
): Reply | undefined {
  if (access !== "write") return undefined;
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  const info = token === undefined ? undefined : tokens.verify(token);
  if (info?.userId === undefined || isSystemAdministrator(state, info.userId)) return undefined;
  return gatewayReply(
    403,
    `Forbidden: user ${info.userId} does not have permission to manage users and groups.`,
  );
}
