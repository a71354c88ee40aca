// The live tenant: users, groups, memberships and platform roles held compactly as records (SCIM
// JSON is rendered per request), plus the indexes that keep lookups and uniqueness O(1) at
// 100,000 users, and the call counters that tests and benchmarks read.

/** A user as stored; `render.ts` turns it into the SCIM resource. */
export interface UserRecord {
  id: string;
  userName: string;
  externalId: string | undefined;
  givenName: string | undefined;
  familyName: string | undefined;
  email: string;
  active: boolean;
  title: string | undefined;
  userType: string | undefined;
  preferredLanguage: string | undefined;
  timezone: string | undefined;
  /** undefined = the user has no `roles` attribute (a tenant not upgraded to platform roles). */
  roles: string[] | undefined;
  department: string | undefined;
  organization: string | undefined;
  costCenter: string | undefined;
  /** Seismic UserExtendedProperty extension (read-only through SCIM here). */
  extended: Record<string, string> | undefined;
  /** Tenant-defined custom properties (the Seismic User extension). */
  custom: Record<string, string> | undefined;
  created: number;
  lastModified: number;
  groups: Set<GroupRecord>;
}

export interface GroupRecord {
  id: string;
  displayName: string;
  externalId: string | undefined;
  created: number;
  lastModified: number;
  /** Insertion-ordered, so membership pages are stable. */
  members: Set<UserRecord>;
}

export interface PlatformRole {
  id: string;
  roleName: string;
  roleDescription: string;
  isPredefined: boolean;
  isDeleted: boolean;
  createdAt: string;
  modifiedAt: string;
}

export interface RoleAssignment {
  id: string;
  roleId: string;
  roleName: string;
  assigneeId: string;
  assignedAt: string;
  modifiedAt: string;
}

/** Thrown by state changes that break an invariant; the HTTP layer maps `kind` to a status. */
export class StateConflict extends Error {
  readonly kind: "uniqueness" | "member" | "notMember";

  constructor(kind: "uniqueness" | "member" | "notMember", message: string) {
    super(message);
    this.kind = kind;
  }
}

export class TenantState {
  readonly users = new Map<string, UserRecord>();
  readonly groups = new Map<string, GroupRecord>();
  private readonly userNames = new Map<string, UserRecord>();
  private readonly groupNames = new Map<string, GroupRecord>();
  private userList: UserRecord[] | undefined;
  private groupList: GroupRecord[] | undefined;
  platformRoles: PlatformRole[] = [];
  roleAssignments: RoleAssignment[] = [];
  /**
   * Bumped on every change that Reporting would show (role assignments, memberships), so a
   * lagging snapshot knows it is stale.
   */
  reportingVersion = 0;
  readonly calls = new Map<string, number>();
  rateLimited = 0;
  tokensIssued = 0;

  /** Users in creation order; cached until the next create or delete. */
  userArray(): readonly UserRecord[] {
    this.userList ??= [...this.users.values()];
    return this.userList;
  }

  groupArray(): readonly GroupRecord[] {
    this.groupList ??= [...this.groups.values()];
    return this.groupList;
  }

  userByName(userName: string): UserRecord | undefined {
    return this.userNames.get(userName.toLowerCase());
  }

  groupByName(displayName: string): GroupRecord | undefined {
    return this.groupNames.get(displayName.toLowerCase());
  }

  addUser(user: UserRecord): void {
    this.assertUserNameFree(user.userName, undefined);
    this.users.set(user.id, user);
    this.userNames.set(user.userName.toLowerCase(), user);
    this.userList = undefined;
  }

  /** userName is unique case-insensitively (SCIM's caseExact=false for userName). */
  assertUserNameFree(userName: string, self: UserRecord | undefined): void {
    const other = this.userNames.get(userName.toLowerCase());
    if (other !== undefined && other !== self) {
      throw new StateConflict("uniqueness", `userName '${userName}' is already in use`);
    }
  }

  renameUser(user: UserRecord, userName: string): void {
    this.assertUserNameFree(userName, user);
    this.userNames.delete(user.userName.toLowerCase());
    user.userName = userName;
    this.userNames.set(userName.toLowerCase(), user);
  }

  /** Permanent delete: the user leaves every group and loses its platform roles. */
  deleteUser(user: UserRecord): void {
    if (user.groups.size > 0) this.reportingVersion++;
    for (const g of user.groups) g.members.delete(user);
    user.groups.clear();
    this.users.delete(user.id);
    this.userNames.delete(user.userName.toLowerCase());
    this.userList = undefined;
    const before = this.roleAssignments.length;
    this.roleAssignments = this.roleAssignments.filter((a) => a.assigneeId !== user.id);
    if (this.roleAssignments.length !== before) this.reportingVersion++;
  }

  addGroup(group: GroupRecord): void {
    this.assertGroupNameFree(group.displayName, undefined);
    this.groups.set(group.id, group);
    this.groupNames.set(group.displayName.toLowerCase(), group);
    this.groupList = undefined;
  }

  assertGroupNameFree(displayName: string, self: GroupRecord | undefined): void {
    const other = this.groupNames.get(displayName.toLowerCase());
    if (other !== undefined && other !== self) {
      throw new StateConflict("uniqueness", `displayName '${displayName}' is already in use`);
    }
  }

  renameGroup(group: GroupRecord, displayName: string): void {
    this.assertGroupNameFree(displayName, group);
    this.groupNames.delete(group.displayName.toLowerCase());
    group.displayName = displayName;
    this.groupNames.set(displayName.toLowerCase(), group);
  }

  addMember(group: GroupRecord, user: UserRecord, now: number): void {
    if (group.members.has(user)) {
      throw new StateConflict("member", `User ${user.id} is already a member of group ${group.id}`);
    }
    group.members.add(user);
    user.groups.add(group);
    group.lastModified = now;
    this.reportingVersion++;
  }

  removeMember(group: GroupRecord, user: UserRecord, now: number): void {
    if (!group.members.has(user)) {
      throw new StateConflict("notMember", `User ${user.id} is not a member of group ${group.id}`);
    }
    group.members.delete(user);
    user.groups.delete(group);
    group.lastModified = now;
    this.reportingVersion++;
  }

  /** Replaces a group's whole membership (group PUT with `members`). */
  setMembers(group: GroupRecord, members: readonly UserRecord[], now: number): void {
    for (const u of group.members) u.groups.delete(group);
    group.members.clear();
    for (const u of members) {
      group.members.add(u);
      u.groups.add(group);
    }
    group.lastModified = now;
    this.reportingVersion++;
  }

  countCall(key: string): void {
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
  }
}
