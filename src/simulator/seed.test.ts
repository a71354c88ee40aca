// Tests of the simulator: the seeded tenant's determinism and real-world shape, and option checks, over real HTTP where it matters.
import { describe, expect, it } from "vitest";
import type { Res } from "./harness.js";
import { resolveOptions } from "./options.js";
import type { Json } from "./render.js";
import { renderGroup, renderUser } from "./render.js";
import { seedTenant } from "./seed.js";
import { TenantState } from "./state.js";

function tenant(seed: number, users = 2000, groups = 40, delegationUserId?: string) {
  const state = new TenantState();
  const admin = seedTenant(state, { seed, users, groups, delegationUserId });
  const u = state.userArray().map((x) => renderUser(x, "http://x"));
  const g = state.groupArray().map((x) => renderGroup(x, "http://x", true));
  return { state, admin, users: u, groups: g };
}

const share = (users: Json[], pred: (u: Res) => boolean): number =>
  users.filter(pred).length / users.length;

describe("seeded tenant", () => {
  const t = tenant(1);

  it("is the same for the same seed and different for another", () => {
    const again = tenant(1);
    expect(again.users).toEqual(t.users);
    expect(again.groups).toEqual(t.groups);
    expect(again.state.roleAssignments).toEqual(t.state.roleAssignments);
    expect(tenant(2).users[0]?.id).not.toBe(t.users[0]?.id);
  });

  it("keeps users stable when only the group count changes", () => {
    expect(tenant(1, 2000, 5).users).toEqual(t.users);
  });

  it("uses GUIDs and unique userNames", () => {
    for (const u of t.users)
      expect(u.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(t.users.map((u) => String(u.userName).toLowerCase())).size).toBe(2000);
  });

  it("has the real-world quirks", () => {
    expect(share(t.users, (u) => u.active === false)).toBeGreaterThan(0.03);
    expect(share(t.users, (u) => u.active === false)).toBeLessThan(0.07);
    expect(share(t.users, (u) => u.userType === "NonSeismic")).toBeGreaterThan(0.02);
    const roleValues = (u: Res): unknown[] =>
      ((u.roles as Res[] | undefined) ?? []).map((r) => r.value);
    const licences = ["Business", "Premium", "Partner"];
    expect(new Set(t.users.map((u) => u.userType))).toEqual(
      new Set([...licences, "NonSeismic", undefined]),
    );
    // licence only in roles[]
    expect(
      t.users.some(
        (u) =>
          u.userType === undefined && roleValues(u).some((r) => licences.includes(r as string)),
      ),
    ).toBe(true);
    // no roles attribute at all (not upgraded)
    expect(t.users.some((u) => u.roles === undefined)).toBe(true);
    const allRoles = new Set(t.users.flatMap(roleValues));
    for (const r of ["Admin", "Creator", "Manager", "Learner", "Field Sales: EMEA"])
      expect(allRoles).toContain(r);
    const names = t.users.map((u) => JSON.stringify(u.name ?? {})).join(" ");
    for (const s of ["Zoë", "Ólafur", "佐藤", "Петров", "محمد"]) expect(names).toContain(s);
    expect(t.users.some((u) => u.name === undefined)).toBe(true);
    const u0 = t.users[5] as Res;
    expect(u0).toHaveProperty([
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
      "department",
    ]);
    expect(u0).toHaveProperty([
      "urn:ietf:params:scim:schemas:extension:seismic:2.0:User",
      "Worker_Status",
    ]);
    expect(u0).toHaveProperty("preferredLanguage");
    expect(u0).toHaveProperty("timezone");
    expect(u0).toHaveProperty(["meta", "created"]);
  });

  it("has empty groups, groups of several hundred and about five memberships per user", () => {
    const sizes = t.groups.map((g) => (g.members as unknown[]).length);
    expect(sizes.filter((s) => s === 0).length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(300);
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(total / 2000).toBeGreaterThan(3);
    expect(total / 2000).toBeLessThan(7);
  });

  it("makes the delegated user an active Premium System Administrator", () => {
    const admin = t.users.find((u) => u.id === t.admin) as Res;
    expect(admin).toMatchObject({
      active: true,
      userType: "Premium",
      roles: [{ value: "Premium" }, { value: "Admin" }],
    });
    const sysadmin = t.state.platformRoles.find((r) => r.roleName === "System Administrator");
    expect(sysadmin?.isPredefined).toBe(true);
    expect(t.state.roleAssignments).toContainEqual(
      expect.objectContaining({ assigneeId: t.admin, roleId: sysadmin?.id }),
    );
    expect(t.state.platformRoles).toHaveLength(8);
    expect(new Set(t.state.roleAssignments.map((a) => a.roleName)).size).toBeGreaterThanOrEqual(6);
  });

  it("gives the delegated user a chosen id", () => {
    const id = "11111111-2222-4333-8444-555555555555";
    const custom = tenant(1, 50, 2, id);
    expect(custom.admin).toBe(id);
    expect(custom.users[0]?.id).toBe(id);
  });
});

describe("resolveOptions", () => {
  it("applies the documented defaults", () => {
    const o = resolveOptions();
    expect(o).toMatchObject({
      seed: 1,
      users: 200,
      groups: 20,
      host: "127.0.0.1",
      apiPort: 0,
      authPort: 0,
      tokenLifetimeSeconds: 3600,
      grantedScopes: ["seismic.user.view", "seismic.user.manage", "seismic.reporting"],
      rateLimit: { limit: 600, windowMs: 60_000 },
      membershipEndpoints: true,
      reportingLagMs: undefined,
      latencyMs: 0,
    });
  });

  it("names every bad option in one error", () => {
    expect(() =>
      resolveOptions({ users: 0, delegationUserId: "admin", rateLimit: { limit: 0, windowMs: 1 } }),
    ).toThrow(
      "Invalid simulator options: users must be an integer >= 1; delegationUserId must be a GUID (Seismic user ids are GUIDs); rateLimit.limit must be an integer >= 1",
    );
  });
});
