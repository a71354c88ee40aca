// Compares a c1z written by the baton-seismic binary, read back with our C1zReader, with the
// simulator's live state: every user (display name, status, email, login, profile), every group
// with exactly its members, every role, platform role and licence with exactly its holders, and
// nothing else. The expectations are derived from the simulator's SCIM JSON and the mapping the
// README's "What it syncs" describes, not from the connector's code.
import { expect } from "vitest";
import { has, pick } from "../../src/baton/annotations.js";
import { C1zReader } from "../../src/baton/c1z/reader.js";
import { EntitlementImmutableSchema } from "../../src/gen/c1/connector/v2/annotation_entitlement_pb.js";
import {
  GroupTraitSchema,
  LicenseProfileTraitSchema,
  RoleTraitSchema,
  UserTrait_Status_Status,
  UserTraitSchema,
} from "../../src/gen/c1/connector/v2/annotation_trait_pb.js";
import type { Entitlement } from "../../src/gen/c1/connector/v2/entitlement_pb.js";
import type { Grant } from "../../src/gen/c1/connector/v2/grant_pb.js";
import { type Resource, Status_ResourceStatus } from "../../src/gen/c1/connector/v2/resource_pb.js";
import type { Simulator } from "../../src/simulator/index.js";

export type Json = Record<string, unknown>;

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const CUSTOM = "urn:ietf:params:scim:schemas:extension:seismic:2.0:User";
const EXTENDED = "urn:ietf:params:scim:schemas:extension:seismic:2.0:UserExtendedProperty";
export const LICENCES = ["Business", "Premium", "Partner"];
export const DEFAULT_LEARNING_ROLES = ["Admin", "Creator", "Manager", "Learner"];
export const CUSTOM_ROLE = "Field Sales: EMEA";

/** A user's `roles[]` values. */
export function roleValues(u: Json): string[] {
  return ((u.roles as { value: string }[] | undefined) ?? []).map((r) => r.value);
}

/** The licence a simulator user holds: userType when set (NonSeismic: none), else roles[]. */
export function expectedLicence(u: Json): string | undefined {
  if (typeof u.userType === "string" && u.userType !== "") {
    return LICENCES.includes(u.userType) ? u.userType : undefined;
  }
  return roleValues(u).find((r) => LICENCES.includes(r));
}

/**
 * The resource id of a role value: `%`, `:`, `/`, `\` and white space percent-encoded, so the
 * colon-joined Baton ids stay unambiguous. The simulator's role values only hold letters,
 * spaces and `:`, for which this is exactly encodeURIComponent.
 */
export function roleId(value: string): string {
  return encodeURIComponent(value);
}

/** Everything one sync wrote, read back with our reader. */
export interface C1zContent {
  resourceTypes: string[];
  resources: Resource[];
  entitlements: Entitlement[];
  grants: Grant[];
}

export async function readC1z(file: string): Promise<C1zContent> {
  const reader = await C1zReader.open(file);
  try {
    return {
      resourceTypes: reader.resourceTypes().map((t) => t.id),
      resources: reader.resources(),
      entitlements: reader.entitlements(),
      grants: reader.grants(),
    };
  } finally {
    reader.close();
  }
}

const ofType = (c: C1zContent, type: string) =>
  c.resources.filter((r) => r.id?.resourceType === type);

/** Grant ids of the c1z on entitlements of `type`, sorted. */
export function grantIds(c: C1zContent, type: string): string[] {
  return c.grants
    .filter((g) => g.entitlement?.resource?.id?.resourceType === type)
    .map((g) => g.id)
    .sort();
}

/** Principal ids of the grants of one entitlement, sorted. */
export function holders(c: C1zContent, entitlementId: string): string[] {
  return c.grants
    .filter((g) => g.entitlement?.id === entitlementId)
    .map((g) => g.principal?.id?.resource ?? "")
    .sort();
}

/** Asserts one user resource against the simulator's SCIM user. */
export function expectUser(r: Resource, u: Json): void {
  const id = u.id as string;
  const name = u.name as Json | undefined;
  const email = (u.emails as { value: string; primary?: boolean }[]).find((e) => e.primary)?.value;
  const enterprise = (u[ENTERPRISE] as Json | undefined) ?? {};
  const meta = u.meta as Json;
  expect(r.displayName, id).toBe((name?.formatted as string | undefined) ?? u.userName);
  // A tenant that does not render `active` leaves the status unspecified, never enabled.
  const enabled = u.active === true;
  const known = typeof u.active === "boolean";
  expect(r.status?.status, id).toBe(
    !known
      ? Status_ResourceStatus.UNSPECIFIED
      : enabled
        ? Status_ResourceStatus.ENABLED
        : Status_ResourceStatus.DISABLED,
  );
  const trait = pick(r.annotations, UserTraitSchema);
  expect(trait, id).toBeDefined();
  expect(
    trait?.emails.map((e) => ({ address: e.address, isPrimary: e.isPrimary })),
    id,
  ).toEqual([{ address: email, isPrimary: true }]);
  expect(trait?.login, id).toBe(u.userName);
  expect(trait?.status?.status, id).toBe(
    !known
      ? UserTrait_Status_Status.UNSPECIFIED
      : enabled
        ? UserTrait_Status_Status.ENABLED
        : UserTrait_Status_Status.DISABLED,
  );
  expect(r.createdAt?.seconds, id).toBe(
    BigInt(Math.floor(Date.parse(meta.created as string) / 1000)),
  );
  // The profile: the user trait's fields (absent in Seismic => absent here) and every custom and
  // extended attribute, flat.
  const profile = r.profile ?? {};
  expect(trait?.profile, id).toEqual(profile);
  const expected: Json = {
    userName: u.userName,
    email,
    givenName: name?.givenName,
    familyName: name?.familyName,
    title: u.title,
    department: enterprise.department,
    organization: enterprise.organization,
    costCenter: enterprise.costCenter,
    userType: u.userType,
    preferredLanguage: u.preferredLanguage,
    timezone: u.timezone,
    externalId: u.externalId,
    active: u.active,
    lastModified: meta.lastModified,
  };
  for (const [k, v] of Object.entries((u[CUSTOM] as Json | undefined) ?? {})) {
    expected[`custom.${k}`] = v;
  }
  for (const [k, v] of Object.entries((u[EXTENDED] as Json | undefined) ?? {})) {
    expected[`extended.${k}`] = v;
  }
  const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, profile[k]]));
  expect(actual, id).toEqual(expected);
}

export interface CompareOptions {
  /** Check platform roles and their assignments (default true). */
  platformRoles?: boolean;
  /** The c1z was synced with platform roles left out: no platform_role type at all. */
  platformRolesLeftOut?: boolean;
}

/** Asserts that the c1z holds exactly the simulator's tenant. */
export function expectC1zMatchesSimulator(
  c: C1zContent,
  sim: Simulator,
  options: CompareOptions = {},
): void {
  const users = sim.state.users();
  const groups = sim.state.groups();
  const userIds = new Set(users.map((u) => u.id as string));

  expect([...c.resourceTypes].sort()).toEqual(
    [
      "group",
      "license",
      ...(options.platformRolesLeftOut ? [] : ["platform_role"]),
      "role",
      "user",
    ].sort(),
  );
  if (options.platformRolesLeftOut) {
    expect(c.resources.filter((r) => r.id?.resourceType === "platform_role")).toEqual([]);
    expect(c.entitlements.filter((e) => e.resource?.id?.resourceType === "platform_role")).toEqual(
      [],
    );
    expect(c.grants.filter((g) => g.entitlement?.id?.startsWith("platform_role:"))).toEqual([]);
    options = { ...options, platformRoles: false };
  }
  // No stray resource types among the resources.
  expect(new Set(c.resources.map((r) => r.id?.resourceType)).size <= c.resourceTypes.length).toBe(
    true,
  );

  // Users: every one, and nothing else.
  const userRows = ofType(c, "user");
  expect(userRows.map((r) => r.id?.resource).sort()).toEqual([...userIds].sort());
  const byId = new Map(users.map((u) => [u.id as string, u]));
  for (const r of userRows) expectUser(r, byId.get(r.id?.resource ?? "") as Json);

  // Groups, each with one `member` entitlement granted to exactly its members.
  const groupRows = ofType(c, "group");
  expect(groupRows.map((r) => r.id?.resource).sort()).toEqual(
    groups.map((g) => g.id as string).sort(),
  );
  const expectedGroupGrants: string[] = [];
  for (const g of groups) {
    const id = g.id as string;
    const row = groupRows.find((r) => r.id?.resource === id);
    expect(row?.displayName).toBe(g.displayName);
    expect(has(row?.annotations ?? [], GroupTraitSchema), id).toBe(true);
    expect(row?.profile?.displayName).toBe(g.displayName);
    expect(row?.profile?.externalId).toBe(g.externalId);
    const members = sim.state.groupMemberIds(id) ?? [];
    expect(holders(c, `group:${id}:member`), `members of ${g.displayName}`).toEqual(
      [...members].sort(),
    );
    for (const m of members) expectedGroupGrants.push(`group:${id}:member:user:${m}`);
  }
  expect(grantIds(c, "group")).toEqual(expectedGroupGrants.sort());

  // Roles: the default Learning roles plus every non-licence roles[] value, with their holders.
  const roleHolders = new Map<string, string[]>(DEFAULT_LEARNING_ROLES.map((v) => [v, []]));
  for (const u of users) {
    for (const v of new Set(roleValues(u))) {
      if (LICENCES.includes(v)) continue;
      roleHolders.set(v, [...(roleHolders.get(v) ?? []), u.id as string]);
    }
  }
  const roleRows = ofType(c, "role");
  expect(roleRows.map((r) => r.id?.resource).sort()).toEqual(
    [...roleHolders.keys()].map(roleId).sort(),
  );
  const expectedRoleGrants: string[] = [];
  for (const [value, ids] of roleHolders) {
    const row = roleRows.find((r) => r.id?.resource === roleId(value));
    expect(row?.displayName).toBe(value);
    expect(has(row?.annotations ?? [], RoleTraitSchema), value).toBe(true);
    expect(holders(c, `role:${roleId(value)}:assigned`), `holders of ${value}`).toEqual(
      [...ids].sort(),
    );
    for (const u of ids) expectedRoleGrants.push(`role:${roleId(value)}:assigned:user:${u}`);
  }
  expect(grantIds(c, "role")).toEqual(expectedRoleGrants.sort());

  // Licences: userType, else the licence value in roles[]; NonSeismic holds none.
  const licenceRows = ofType(c, "license");
  expect(licenceRows.map((r) => r.id?.resource).sort()).toEqual([...LICENCES].sort());
  const expectedLicenceGrants: string[] = [];
  for (const l of LICENCES) {
    const row = licenceRows.find((r) => r.id?.resource === l);
    expect(pick(row?.annotations ?? [], LicenseProfileTraitSchema)?.entitlementIds).toEqual([
      `license:${l}:assigned`,
    ]);
    const ids = users.filter((u) => expectedLicence(u) === l).map((u) => u.id as string);
    expect(holders(c, `license:${l}:assigned`), `holders of ${l}`).toEqual(ids.sort());
    for (const u of ids) expectedLicenceGrants.push(`license:${l}:assigned:user:${u}`);
  }
  expect(grantIds(c, "license")).toEqual(expectedLicenceGrants.sort());

  // Platform roles (Reporting): live roles only, with their assignments to existing users.
  const liveRoles = sim.state.platformRoles().filter((r) => !r.isDeleted);
  const expectedPlatformGrants: string[] = [];
  if (options.platformRoles !== false) {
    const rows = ofType(c, "platform_role");
    expect(rows.map((r) => r.id?.resource).sort()).toEqual(liveRoles.map((r) => r.id).sort());
    const assignments = sim.state.roleAssignments();
    for (const role of liveRoles) {
      const row = rows.find((r) => r.id?.resource === role.id);
      expect(row?.displayName).toBe(role.roleName);
      const ids = [
        ...new Set(
          assignments
            .filter((a) => a.roleId === role.id && userIds.has(a.assigneeId))
            .map((a) => a.assigneeId),
        ),
      ];
      expect(
        holders(c, `platform_role:${role.id}:assigned`),
        `holders of ${role.roleName}`,
      ).toEqual(ids.sort());
      for (const u of ids)
        expectedPlatformGrants.push(`platform_role:${role.id}:assigned:user:${u}`);
    }
    expect(grantIds(c, "platform_role")).toEqual(expectedPlatformGrants.sort());
  }

  // Entitlements: one per group, role, platform role and licence; read-only ones immutable.
  const expectedEntitlements = [
    ...groups.map((g) => `group:${g.id}:member`),
    ...[...roleHolders.keys()].map((v) => `role:${roleId(v)}:assigned`),
    ...LICENCES.map((l) => `license:${l}:assigned`),
    ...(options.platformRoles === false
      ? []
      : liveRoles.map((r) => `platform_role:${r.id}:assigned`)),
  ].sort();
  const entitlements = c.entitlements.filter(
    (e) => options.platformRoles !== false || e.resource?.id?.resourceType !== "platform_role",
  );
  expect(entitlements.map((e) => e.id).sort()).toEqual(expectedEntitlements);
  for (const e of entitlements) {
    const readOnly = ["license", "platform_role"].includes(e.resource?.id?.resourceType ?? "");
    expect(has(e.annotations, EntitlementImmutableSchema), e.id).toBe(readOnly);
    expect(
      e.grantableTo.map((t) => t.id),
      e.id,
    ).toEqual(["user"]);
  }

  // Every grant is one of the above, with a consistent id, entitlement and principal.
  if (options.platformRoles !== false) {
    expect(c.grants.length).toBe(
      expectedGroupGrants.length +
        expectedRoleGrants.length +
        expectedLicenceGrants.length +
        expectedPlatformGrants.length,
    );
  }
  for (const g of c.grants) {
    expect(g.principal?.id?.resourceType, g.id).toBe("user");
    expect(g.id).toBe(`${g.entitlement?.id}:user:${g.principal?.id?.resource}`);
  }
}
