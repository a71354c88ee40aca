// Sync against the simulator: every user, group, role, licence and platform role compared with
// the simulator's state, walking every page token, with the API calls each part costs.
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { has, pick } from "../baton/annotations.js";
import { EntitlementImmutableSchema } from "../gen/c1/connector/v2/annotation_entitlement_pb.js";
import {
  LicenseProfileTraitSchema,
  RoleTraitSchema,
  UserTrait_Status_Status,
  UserTraitSchema,
} from "../gen/c1/connector/v2/annotation_trait_pb.js";
import type { Grant } from "../gen/c1/connector/v2/grant_pb.js";
import { type Resource, Status_ResourceStatus } from "../gen/c1/connector/v2/resource_pb.js";
import type { Simulator } from "../simulator/index.js";
import {
  apiCallsSince,
  callsSince,
  closeAll,
  connectTo,
  type SimConnector,
  startSim,
  syncCtx,
  walk,
} from "./test-support/sim-connector.js";

type Json = Record<string, unknown>;
const LICENCES = ["Business", "Premium", "Partner"];

/** The licence the simulator's user holds: userType when set, else the licence in roles[]. */
function expectedLicence(u: Json): string | undefined {
  const roles = ((u.roles as { value: string }[] | undefined) ?? []).map((r) => r.value);
  if (typeof u.userType === "string") return LICENCES.includes(u.userType) ? u.userType : undefined;
  return roles.find((r) => LICENCES.includes(r));
}

const principals = (grants: Grant[]) => grants.map((g) => g.principal?.id?.resource ?? "").sort();

describe("sync against the simulator", () => {
  let sim: Simulator;
  let h: SimConnector;
  let users: Resource[];
  const ctx = syncCtx("sync-full");

  beforeAll(async () => {
    sim = await startSim({ users: 150, groups: 12, seed: 7 });
    h = connectTo(sim);
    const before = sim.state.calls();
    users = (await walk((p) => h.syncer("user").list(undefined, p, ctx))).items;
    // 150 users at count=100: two calls, never an extra empty page.
    expect(callsSince(sim, before).get("GET /scim/v2/Users")).toBe(2);
  });
  afterAll(closeAll);

  it("lists every user with status, email, login and profile", () => {
    const expected = sim.state.users();
    expect(users.map((u) => u.id?.resource)).toEqual(expected.map((u) => u.id));
    for (const [i, r] of users.entries()) {
      const u = expected[i] as Json;
      const trait = pick(r.annotations, UserTraitSchema);
      expect(trait).toBeDefined();
      expect(r.externalId?.id).toBe(u.id);
      const email = (u.emails as { value: string }[])[0]?.value;
      expect(trait?.emails).toEqual([expect.objectContaining({ address: email, isPrimary: true })]);
      expect(trait?.login).toBe(u.userName);
      expect(trait?.status?.status).toBe(
        u.active ? UserTrait_Status_Status.ENABLED : UserTrait_Status_Status.DISABLED,
      );
      expect(r.status?.status).toBe(
        u.active ? Status_ResourceStatus.ENABLED : Status_ResourceStatus.DISABLED,
      );
      const name = u.name as Json | undefined;
      expect(r.displayName).toBe((name?.formatted as string | undefined) ?? u.userName);
      const ent = u["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] as Json;
      const custom = u["urn:ietf:params:scim:schemas:extension:seismic:2.0:User"] as Json;
      const profile = r.profile ?? {};
      expect(trait?.profile).toEqual(profile);
      expect(profile.title).toBe(u.title);
      expect(profile.department).toBe(ent.department);
      expect(profile.organization).toBe(ent.organization);
      expect(profile.costCenter).toBe(ent.costCenter);
      expect(profile.userType).toBe(u.userType);
      expect(profile.preferredLanguage).toBe(u.preferredLanguage);
      expect(profile.timezone).toBe(u.timezone);
      expect(profile.externalId).toBe(u.externalId);
      for (const [k, v] of Object.entries(custom)) expect(profile[`custom.${k}`]).toBe(v);
      const meta = u.meta as Json;
      expect(r.createdAt?.seconds).toBe(
        BigInt(Math.floor(Date.parse(meta.created as string) / 1000)),
      );
      expect(profile.lastModified).toBe(meta.lastModified);
    }
    expect(users.some((r) => r.status?.status === Status_ResourceStatus.DISABLED)).toBe(true);
  });

  it("lists every group with exactly its members, walking every page", async () => {
    const groups = (await walk((p) => h.syncer("group").list(undefined, p, ctx))).items;
    expect(groups.map((g) => g.id?.resource).sort()).toEqual(
      sim.state
        .groups()
        .map((g) => g.id as string)
        .sort(),
    );
    for (const g of groups) expect(g.externalId?.id).toBe(g.id?.resource);
    const before = sim.state.calls();
    let expectedCalls = 0;
    const sizes: number[] = [];
    for (const g of groups) {
      const ents = await h.syncer("group").entitlements(g, { token: "", size: 0 }, ctx);
      expect(ents.items.map((e) => e.id)).toEqual([`group:${g.id?.resource}:member`]);
      const { items, pages } = await walk((p) => h.syncer("group").grants(g, p, ctx));
      const members = sim.state.groupMemberIds(g.id?.resource ?? "") ?? [];
      expect(principals(items)).toEqual([...members].sort());
      for (const grant of items) {
        expect(grant.id).toBe(
          `group:${g.id?.resource}:member:user:${grant.principal?.id?.resource}`,
        );
      }
      expect(pages).toBe(Math.max(1, Math.ceil(members.length / 100)));
      expectedCalls += Math.max(1, Math.ceil(members.length / 100));
      sizes.push(members.length);
    }
    expect(sizes).toContain(0);
    expect(Math.max(...sizes)).toBeGreaterThan(100);
    expect(callsSince(sim, before).get("GET /scim/v2/Groups/{id}/Users")).toBe(expectedCalls);
    expect(apiCallsSince(sim, before)).toBe(expectedCalls);
  });

  it("lists roles (defaults and custom, ids safe for ':' and spaces) with their holders at no API cost", async () => {
    const before = sim.state.calls();
    const roles = (await walk((p) => h.syncer("role").list(undefined, p, ctx))).items;
    const values = roles.map((r) => r.displayName);
    for (const v of ["Admin", "Creator", "Manager", "Learner", "Field Sales: EMEA"]) {
      expect(values).toContain(v);
    }
    for (const l of LICENCES) expect(values).not.toContain(l);
    const custom = roles.find((r) => r.displayName === "Field Sales: EMEA");
    expect(custom?.id?.resource).toBe("Field%20Sales%3A%20EMEA");
    expect(pick(custom?.annotations ?? [], RoleTraitSchema)).toBeDefined();
    const all = sim.state.users();
    for (const role of roles) {
      const ents = await h.syncer("role").entitlements(role, { token: "", size: 0 }, ctx);
      expect(ents.items[0]?.id).toBe(`role:${role.id?.resource}:assigned`);
      const { items } = await walk((p) => h.syncer("role").grants(role, p, ctx), 25);
      const holders = all
        .filter((u) =>
          ((u.roles as { value: string }[] | undefined) ?? []).some(
            (x) => x.value === role.displayName,
          ),
        )
        .map((u) => u.id as string);
      expect(principals(items)).toEqual(holders.sort());
    }
    expect(apiCallsSince(sim, before)).toBe(0);
  });

  it("lists licences from userType, else roles[], none for NonSeismic, at no API cost", async () => {
    const before = sim.state.calls();
    const licences = (await walk((p) => h.syncer("license").list(undefined, p, ctx))).items;
    expect(licences.map((l) => l.id?.resource)).toEqual(LICENCES);
    const all = sim.state.users();
    expect(all.some((u) => u.userType === undefined && expectedLicence(u) !== undefined)).toBe(
      true,
    );
    const nonSeismic = all.filter((u) => u.userType === "NonSeismic").map((u) => u.id as string);
    expect(nonSeismic.length).toBeGreaterThan(0);
    const held = new Set<string>();
    for (const l of licences) {
      const trait = pick(l.annotations, LicenseProfileTraitSchema);
      expect(trait?.entitlementIds).toEqual([`license:${l.id?.resource}:assigned`]);
      const ents = await h.syncer("license").entitlements(l, { token: "", size: 0 }, ctx);
      expect(has(ents.items[0]?.annotations ?? [], EntitlementImmutableSchema)).toBe(true);
      const { items } = await walk((p) => h.syncer("license").grants(l, p, ctx), 10);
      const expected = all
        .filter((u) => expectedLicence(u) === l.id?.resource)
        .map((u) => u.id as string);
      expect(principals(items)).toEqual(expected.sort());
      for (const id of principals(items)) held.add(id);
    }
    for (const id of nonSeismic) expect(held.has(id)).toBe(false);
    expect(apiCallsSince(sim, before)).toBe(0);
  });

  it("lists platform roles and their assignments with one Reporting call each", async () => {
    const before = sim.state.calls();
    const roles = (await walk((p) => h.syncer("platform_role").list(undefined, p, ctx))).items;
    const live = sim.state.platformRoles().filter((r) => !r.isDeleted);
    expect(roles.map((r) => r.id?.resource).sort()).toEqual(live.map((r) => r.id).sort());
    const assignments = sim.state.roleAssignments();
    for (const role of roles) {
      const ents = await h.syncer("platform_role").entitlements(role, { token: "", size: 0 }, ctx);
      const immutable = ents.items[0]?.annotations.find((a) =>
        anyUnpack(a, EntitlementImmutableSchema),
      );
      expect(immutable).toBeDefined();
      const { items } = await walk((p) => h.syncer("platform_role").grants(role, p, ctx));
      const expected = assignments
        .filter((a) => a.roleId === role.id?.resource)
        .map((a) => a.assigneeId);
      expect(principals(items)).toEqual([...new Set(expected)].sort());
    }
    const calls = callsSince(sim, before);
    expect(calls.get("GET /reporting/v2/roles")).toBe(1);
    expect(calls.get("GET /reporting/v2/userRoleAssignments")).toBe(1);
    expect(apiCallsSince(sim, before)).toBe(2);
  });

  it("gets one user and one group, and undefined for unknown ids", async () => {
    const [u] = users;
    const got = await h.syncer("user").get?.(u?.id as never, undefined, ctx);
    expect(got?.id?.resource).toBe(u?.id?.resource);
    const missing = "00000000-0000-4000-8000-000000000000";
    expect(
      await h
        .syncer("user")
        .get?.({ resourceType: "user", resource: missing } as never, undefined, ctx),
    ).toBeUndefined();
    const g = sim.state.groups()[0] as Json;
    const group = await h
      .syncer("group")
      .get?.({ resourceType: "group", resource: g.id } as never, undefined, ctx);
    expect(group?.displayName).toBe(g.displayName);
    expect(
      await h
        .syncer("group")
        .get?.({ resourceType: "group", resource: missing } as never, undefined, ctx),
    ).toBeUndefined();
  });
});
