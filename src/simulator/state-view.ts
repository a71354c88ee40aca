// Read access to the live tenant for tests and benchmarks. Lists render on request (a full
// users() at 100,000 users is the caller's choice); counts and single lookups are O(1).

import { type Json, renderGroup, renderUser } from "./render.js";
import type { PlatformRole, RoleAssignment, TenantState } from "./state.js";

export interface SimulatorStateView {
  /** Every user as GET /scim/v2/Users/{id} would return it, in list order. */
  users(): Json[];
  user(id: string): Json | undefined;
  /** Whether the user is locked, even when the tenant does not render `active`. */
  userLocked(id: string): boolean | undefined;
  userCount(): number;
  /** Every group as GET /scim/v2/Groups/{id} returns it (with `members`). */
  groups(): Json[];
  group(id: string): Json | undefined;
  groupCount(): number;
  /** Member ids in membership order; undefined for an unknown group. */
  groupMemberIds(groupId: string): string[] | undefined;
  /** Ids of the groups a user is in; undefined for an unknown user. */
  userGroupIds(userId: string): string[] | undefined;
  /** Total number of memberships in the tenant. */
  membershipCount(): number;
  /** Live platform roles (Reporting serves a snapshot of these). */
  platformRoles(): PlatformRole[];
  /** Live platform role assignments. */
  roleAssignments(): RoleAssignment[];
  /** Calls per endpoint, e.g. "GET /scim/v2/Users/{id}" -> 3, on both origins, faulted ones included. */
  calls(): Map<string, number>;
  /** Sum of calls(). */
  totalCalls(): number;
  /** 429 answers served (window and burst). */
  rateLimited(): number;
  tokensIssued(): number;
}

/** `userActive` false renders users without `active`, as the API then does. */
export function createStateView(
  state: TenantState,
  baseUrl: () => string,
  userActive = true,
): SimulatorStateView {
  return {
    users: () => state.userArray().map((u) => renderUser(u, baseUrl(), userActive)),
    user: (id) => {
      const u = state.users.get(id.toLowerCase());
      return u === undefined ? undefined : renderUser(u, baseUrl(), userActive);
    },
    userLocked: (id) => {
      const u = state.users.get(id.toLowerCase());
      return u === undefined ? undefined : !u.active;
    },
    userCount: () => state.users.size,
    groups: () => state.groupArray().map((g) => renderGroup(g, baseUrl(), true)),
    group: (id) => {
      const g = state.groups.get(id.toLowerCase());
      return g === undefined ? undefined : renderGroup(g, baseUrl(), true);
    },
    groupCount: () => state.groups.size,
    groupMemberIds: (id) => {
      const g = state.groups.get(id.toLowerCase());
      return g === undefined ? undefined : [...g.members].map((u) => u.id);
    },
    userGroupIds: (id) => {
      const u = state.users.get(id.toLowerCase());
      return u === undefined ? undefined : [...u.groups].map((g) => g.id);
    },
    membershipCount: () => {
      let n = 0;
      for (const g of state.groups.values()) n += g.members.size;
      return n;
    },
    platformRoles: () => state.platformRoles.map((r) => ({ ...r })),
    roleAssignments: () => state.roleAssignments.map((a) => ({ ...a })),
    calls: () => new Map(state.calls),
    totalCalls: () => {
      let n = 0;
      for (const c of state.calls.values()) n += c;
      return n;
    },
    rateLimited: () => state.rateLimited,
    tokensIssued: () => state.tokensIssued,
  };
}
