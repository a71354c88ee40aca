// The Reporting API calls the client makes: platform (entitlement) roles and their assignments,
// under either pair of table names Seismic documents, and group memberships (the opt-in
// membership source). Reporting data is refreshed at least every 24 h and is not paginated.
import { ENDPOINTS } from "./endpoints.js";
import {
  type GroupMemberRow,
  GroupMemberTable,
  type PlatformRole,
  PlatformRoleTable,
  type UserRoleAssignment,
  UserRoleAssignmentTable,
} from "./models.js";
import type { RequestPipeline } from "./request.js";

/**
 * Which pair of table names to read: `roles` (`/roles` + `/userRoleAssignments`) or
 * `entitlementRoles` (`/entitlementRoles` + `/userEntitlementRoleAssignments`).
 */
export type ReportingTableNames = "roles" | "entitlementRoles";

const TABLES = {
  roles: { roles: ENDPOINTS.listPlatformRoles, assignments: ENDPOINTS.listUserRoleAssignments },
  entitlementRoles: {
    roles: ENDPOINTS.listEntitlementRoles,
    assignments: ENDPOINTS.listUserEntitlementRoleAssignments,
  },
} as const;

/** Reporting operations over a {@link RequestPipeline}; always authenticated with OAuth. */
export class ReportingApi {
  readonly #http: RequestPipeline;

  constructor(http: RequestPipeline) {
    this.#http = http;
  }

  listPlatformRoles(
    signal?: AbortSignal,
    names: ReportingTableNames = "roles",
  ): Promise<PlatformRole[]> {
    return this.#http.json({ endpoint: TABLES[names].roles, signal }, PlatformRoleTable);
  }

  listUserRoleAssignments(
    signal?: AbortSignal,
    names: ReportingTableNames = "roles",
  ): Promise<UserRoleAssignment[]> {
    return this.#http.json(
      { endpoint: TABLES[names].assignments, signal },
      UserRoleAssignmentTable,
    );
  }

  listGroupMemberRows(signal?: AbortSignal): Promise<GroupMemberRow[]> {
    return this.#http.json({ endpoint: ENDPOINTS.listGroupMemberRows, signal }, GroupMemberTable);
  }
}
