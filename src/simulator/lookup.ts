// Id lookups shared by the SCIM handlers, answering Seismic's 404 for unknown ids.

import { ScimError } from "./http.js";
import type { GroupRecord, TenantState, UserRecord } from "./state.js";

export function findUser(state: TenantState, id: string): UserRecord {
  const u = state.users.get(id.toLowerCase());
  if (u === undefined) throw new ScimError(404, `User ${id} not found`);
  return u;
}

export function findGroup(state: TenantState, id: string): GroupRecord {
  const g = state.groups.get(id.toLowerCase());
  if (g === undefined) throw new ScimError(404, `Group ${id} not found`);
  return g;
}
