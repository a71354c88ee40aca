// The Reporting API's view of platform roles: a copy taken at start-up and then only on demand
// or once it is older than the configured lag, because Seismic refreshes Reporting data "no less
// than every 24 hours". Serialised once per snapshot, so serving it is cheap.

import type { PlatformRole, RoleAssignment, TenantState } from "./state.js";

export class ReportingSnapshot {
  roles: readonly PlatformRole[] = [];
  assignments: readonly RoleAssignment[] = [];
  rolesJson = "[]";
  assignmentsJson = "[]";
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
    this.takenAt = now;
    this.version = this.state.reportingVersion;
  }

  /** Called before serving: retakes the snapshot when the lag has passed and data changed. */
  maybeRefresh(now: number): void {
    if (this.lagMs === undefined || this.version === this.state.reportingVersion) return;
    if (now - this.takenAt >= this.lagMs) this.refresh(now);
  }
}
