// Generates a deterministic tenant from a seed: users, groups, memberships and platform roles with
// Seismic's real-world quirks (locked users, NonSeismic accounts, licences only in roles[], a
// custom Learning role with a colon, empty and very large groups). Separate PRNG streams per
// concern keep users stable when only the group count changes.

import {
  CUSTOM_LEARNING_ROLES,
  LEARNING_ROLES,
  LICENCES,
  PLATFORM_ROLES,
  SYSTEM_ADMINISTRATOR,
} from "./catalog.js";
import {
  COUNTRIES,
  DEPARTMENTS,
  FAMILY_NAMES,
  FUNCTIONS,
  GIVEN_NAMES,
  GROUP_NAMES,
  LANGUAGES,
  LOCATIONS,
  ORGANIZATIONS,
  TIMEZONES,
  TITLES,
} from "./names.js";
import { Prng } from "./prng.js";
import type { GroupRecord, TenantState, UserRecord } from "./state.js";

export interface SeedOptions {
  seed: number;
  users: number;
  groups: number;
  /** Id given to the delegated user (the first seeded user); default: its seeded GUID. */
  delegationUserId: string | undefined;
  /** Whether the delegated user holds the System Administrator platform role (default true). */
  delegatedUserAdmin?: boolean;
}

export const EMAIL_DOMAIN = "acme.example";

// Seeded timestamps live in a fixed range so the same seed renders the same meta dates.
const T0 = Date.UTC(2019, 0, 1);
const T1 = Date.UTC(2025, 5, 1);
const T2 = Date.UTC(2025, 8, 1);

/** Fills `state` with the seeded tenant and returns the delegated user's id. */
export function seedTenant(state: TenantState, o: SeedOptions): string {
  const users = seedUsers(state, o);
  seedGroups(state, o, users);
  seedPlatformRoles(state, o.seed, users, o.delegatedUserAdmin ?? true);
  return (users[0] as UserRecord).id;
}

const stream = (seed: number, k: number): Prng => new Prng((seed * 31 + k * 0x9e3779b9) >>> 0);

function learningRole(rng: Prng): string {
  return rng.weighted<string>([
    [LEARNING_ROLES[3], 70],
    [LEARNING_ROLES[2], 10],
    [LEARNING_ROLES[1], 8],
    [LEARNING_ROLES[0], 4],
    [CUSTOM_LEARNING_ROLES[0], 6],
    [CUSTOM_LEARNING_ROLES[1], 2],
  ]);
}

/** userType and roles[] in the shapes real tenants show. */
function licenceShape(rng: Prng): Pick<UserRecord, "userType" | "roles"> {
  if (rng.chance(0.05)) {
    // System or external accounts: no licence; some are Learning-only users.
    return { userType: "NonSeismic", roles: rng.chance(0.5) ? ["Learner"] : undefined };
  }
  const lic = rng.weighted<string>([
    [LICENCES[0], 55],
    [LICENCES[1], 30],
    [LICENCES[2], 15],
  ]);
  const shape = rng.next();
  if (shape < 0.65) return { userType: lic, roles: [lic, learningRole(rng)] };
  if (shape < 0.8)
    return { userType: undefined, roles: rng.chance(0.7) ? [lic, learningRole(rng)] : [lic] };
  if (shape < 0.95) return { userType: lic, roles: undefined };
  return { userType: lic, roles: [lic] };
}

function seedUsers(state: TenantState, o: SeedOptions): UserRecord[] {
  const rng = stream(o.seed, 1);
  const out: UserRecord[] = new Array(o.users);
  for (let i = 0; i < o.users; i++) {
    const id = rng.guid();
    const [given, givenAscii] = rng.pick(GIVEN_NAMES);
    const [family, familyAscii] = rng.pick(FAMILY_NAMES);
    const noName = rng.chance(0.01);
    const email = `${givenAscii}.${familyAscii}.${i + 1}@${EMAIL_DOMAIN}`;
    const created = T0 + Math.floor(rng.next() * (T1 - T0));
    const lastModified = created + Math.floor(rng.next() * (T2 - created));
    const country = rng.pick(COUNTRIES);
    const department = rng.pick(DEPARTMENTS);
    const user: UserRecord = {
      id,
      userName: email,
      externalId: rng.chance(0.8) ? `E${100000 + i}` : undefined,
      givenName: noName ? undefined : given,
      familyName: noName ? undefined : family,
      email,
      active: !rng.chance(0.05),
      title: rng.chance(0.9) ? rng.pick(TITLES) : undefined,
      ...licenceShape(rng),
      preferredLanguage: rng.pick(LANGUAGES),
      timezone: rng.pick(TIMEZONES),
      department,
      organization: rng.pick(ORGANIZATIONS),
      costCenter: `CC-${rng.int(1000, 1099)}`,
      extended: {
        hireDate: new Date(created - rng.int(0, 400) * 86_400_000).toISOString().slice(0, 10),
        location: rng.pick(LOCATIONS),
        creatorType: "Scim",
        ssoId: email,
      },
      custom: {
        Employee_ID: String(100000 + i),
        Country: country,
        Cost_Center: `CC-${rng.int(1000, 1099)}`,
        Function: rng.pick(FUNCTIONS),
        Worker_Status: rng.weighted<string>([
          ["Active", 90],
          ["Leave", 7],
          ["Terminated", 3],
        ]),
      },
      created,
      lastModified,
      groups: new Set(),
    };
    out[i] = user;
  }
  // The delegated user: an active Premium System Administrator with Learning Admin.
  const admin = out[0] as UserRecord;
  if (o.delegationUserId !== undefined) admin.id = o.delegationUserId;
  admin.active = true;
  admin.userType = "Premium";
  admin.roles = ["Premium", "Admin"];
  admin.title = "Seismic Administrator";
  for (const u of out) state.addUser(u);
  return out;
}

/** Group sizes: ~8% empty, ~5% with several hundred members, the rest around a mean chosen so
 * that the tenant has about five memberships per user. */
function groupSize(rng: Prng, i: number, groups: number, users: number): number {
  if (i === 1) return 0;
  if (i === 2) return Math.min(users, rng.int(300, 700));
  const r = rng.next();
  if (r < 0.08) return 0;
  if (r < 0.13) return Math.min(users, rng.int(300, 700));
  const mean = Math.max(1, Math.round((users * 5 - 0.05 * groups * 500) / (0.87 * groups)));
  return Math.min(users, rng.int(1, 2 * mean));
}

function seedGroups(state: TenantState, o: SeedOptions, users: UserRecord[]): void {
  const rng = stream(o.seed, 2);
  const n = users.length;
  const scratch: number[] = [];
  for (let i = 0; i < o.groups; i++) {
    const base = GROUP_NAMES[i % GROUP_NAMES.length] as string;
    const round = Math.floor(i / GROUP_NAMES.length);
    const created = T0 + Math.floor(rng.next() * (T1 - T0));
    const group: GroupRecord = {
      id: rng.guid(),
      displayName: round === 0 ? base : `${base} ${round + 1}`,
      externalId: rng.chance(0.5) ? `grp-${1000 + i}` : undefined,
      created,
      lastModified: created + Math.floor(rng.next() * (T2 - created)),
      members: new Set(),
    };
    const k = groupSize(rng, i, o.groups, n);
    for (const idx of sample(rng, n, k, scratch)) {
      const u = users[idx] as UserRecord;
      group.members.add(u);
      u.groups.add(group);
    }
    state.addGroup(group);
  }
}

/** k distinct indices out of n: rejection for small k, a partial shuffle otherwise. */
function sample(rng: Prng, n: number, k: number, scratch: number[]): Iterable<number> {
  if (k * 4 < n) {
    const picked = new Set<number>();
    while (picked.size < k) picked.add(Math.floor(rng.next() * n));
    return picked;
  }
  scratch.length = n;
  for (let i = 0; i < n; i++) scratch[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng.next() * (n - i));
    const t = scratch[i] as number;
    scratch[i] = scratch[j] as number;
    scratch[j] = t;
  }
  return scratch.slice(0, k);
}

function seedPlatformRoles(
  state: TenantState,
  seed: number,
  users: UserRecord[],
  delegatedUserAdmin: boolean,
): void {
  const rng = stream(seed, 3);
  const iso = (t: number): string => new Date(t).toISOString();
  state.platformRoles = PLATFORM_ROLES.map((r) => {
    const created = T0 + Math.floor(rng.next() * (T1 - T0) * 0.2);
    return {
      id: rng.guid(),
      roleName: r.roleName,
      roleDescription: r.roleDescription,
      isPredefined: r.isPredefined,
      isDeleted: r.isDeleted,
      createdAt: iso(created),
      modifiedAt: iso(created + Math.floor(rng.next() * (T1 - created))),
    };
  });
  for (const [u, user] of users.entries()) {
    for (const [r, role] of state.platformRoles.entries()) {
      const seedRole = PLATFORM_ROLES[r];
      const forced = u === 0 && role.roleName === SYSTEM_ADMINISTRATOR;
      // A non-admin delegated user simply lacks the forced assignment (no draw either way, so
      // the rest of the tenant is the same as with an admin).
      if (forced && !delegatedUserAdmin) continue;
      if (role.isDeleted || !(forced || rng.chance(seedRole?.share ?? 0))) continue;
      const at = user.created + Math.floor(rng.next() * (T2 - user.created));
      state.roleAssignments.push({
        id: rng.guid(),
        roleId: role.id,
        roleName: role.roleName,
        assigneeId: user.id,
        assignedAt: iso(at),
        modifiedAt: iso(at),
      });
    }
  }
}
