// The Reporting API's view of platform roles and group membership: a copy taken at start-up and
// then only on demand or once it is older than the configured lag, because Seismic refreshes
// Reporting data "no less than every 24 hours". Roles are serialised once per
// snapshot; the membership table (≈ 500,000 rows at 100,000 users) keeps only references and
// is serialised on its first request, so a simulator that is never asked for it pays little.

import type { PlatformRole, RoleAssignment, TenantState, UserRecord } from "./state.js";

/** A row of the `groupMembers` table (groupId, groupName, userId). */
export interface GroupMemberRow {
  groupId: string;
  groupName: string;
  userId: string;
}

export class ReportingSnapshot {
  roles: readonly PlatformRole[] = [];
  assignments: readonly RoleAssignment[] = [];
  rolesJson = "[]";
  assignmentsJson = "[]";
  /** Each group's id, name and members when the snapshot was taken. */
  private members: { id: string; name: string; users: readonly UserRecord[] }[] = [];
  private membersRows: { rows: GroupMemberRow[]; json: string } | undefined;
  private takenAt = 0;
  private version = -1;

  private readonly state: TenantState;
  private readonly lagMs: number | undefined;

  constructor(state: TenantState, lagMs: number | undefined) {
    this.state = state;
    this.lagMs = lagMs;
  }

  refresh(now: number): void {
    this.roles = this.state.platformRoles.map((r) => ({ ...r }));
    this.assignments = this.state.roleAssignments.map((a) => ({ ...a }));
    this.rolesJson = JSON.stringify(this.roles);
    this.assignmentsJson = JSON.stringify(this.assignments);
    this.members = this.state
      .groupArray()
      .map((g) => ({ id: g.id, name: g.displayName, users: [...g.members] }));
    this.membersRows = undefined;
    this.takenAt = now;
    this.version = this.state.reportingVersion;
  }

  /** The `groupMembers` rows of this snapshot and their JSON, built on first use. */
  groupMembers(): { rows: readonly GroupMemberRow[]; json: string } {
    if (!this.membersRows) {
      const rows: GroupMemberRow[] = [];
      for (const g of this.members) {
        for (const u of g.users) rows.push({ groupId: g.id, groupName: g.name, userId: u.id });
      }
      this.membersRows = { rows, json: JSON.stringify(rows) };
    }
    return this.membersRows;
  }

  /** Called before serving: retakes the snapshot when the lag has passed and data changed. */
  maybeRefresh(now: number): void {
    if (this.lagMs === undefined || this.version === this.state.reportingVersion) return;
    if (now - this.takenAt >= this.lagMs) this.refresh(now);
  }
}
