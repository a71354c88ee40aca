// Tests of the simulator: each dialect switch changes exactly the call it is about, over real
// HTTP (members path 404/405, no per-user membership writes, the entitlement Reporting names,
// users without `active`, strict projection parameters, a delegated user who is not a System
// Administrator), and a preset is the sum of its switches.
import { afterEach, describe, expect, it } from "vitest";
import { DIALECT_NAMES, DIALECTS } from "./dialects.js";
import { caller, getToken, type ListBody, type Res } from "./harness.js";
import { type Simulator, type SimulatorOptions, startSimulator } from "./index.js";
import { resolveOptions } from "./options.js";

const open: Simulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function start(options: SimulatorOptions) {
  const sim = await startSimulator({ users: 30, groups: 4, seed: 3, rateLimit: false, ...options });
  open.push(sim);
  return { sim, call: caller(sim, await getToken(sim)) };
}

/** A group with members and a user who is not one of them. */
function groupAndOutsider(sim: Simulator): { group: string; user: string } {
  const group = sim.state
    .groups()
    .map((g) => g.id as string)
    .find((id) => (sim.state.groupMemberIds(id) ?? []).length > 0) as string;
  const members = sim.state.groupMemberIds(group) ?? [];
  const user = sim.state
    .users()
    .map((u) => u.id as string)
    .find((u) => !members.includes(u)) as string;
  return { group, user };
}

describe("dialect presets", () => {
  it("resolve to their switches, and an explicit switch wins", () => {
    expect(resolveOptions({ dialect: "legacy" })).toMatchObject({
      groupMembersEndpoint: "missing",
      memberWriteRoutes: false,
      reportingTables: "entitlementRoles",
      userActive: false,
      strictParameters: true,
    });
    expect(resolveOptions({ dialect: "legacy", userActive: true }).userActive).toBe(true);
    expect(resolveOptions({}).groupMembersEndpoint).toBe("serve");
    expect(() => resolveOptions({ dialect: "nope" as never })).toThrow(
      /unknown dialect 'nope' \(known: default, inline-members/,
    );
    expect(DIALECT_NAMES).toEqual(Object.keys(DIALECTS));
  });
});

describe("dialect switches over HTTP", () => {
  it("groupMembersEndpoint: missing answers 404, not-allowed 405; inline members still served", async () => {
    for (const [mode, status] of [
      ["missing", 404],
      ["not-allowed", 405],
    ] as const) {
      const { sim, call } = await start({ groupMembersEndpoint: mode });
      const { group } = groupAndOutsider(sim);
      expect((await call("GET", `/scim/v2/Groups/${group}/Users`)).status).toBe(status);
      const g = (await call("GET", `/scim/v2/Groups/${group}`)).body as Res;
      expect((g.members as Res[]).map((m) => m.value)).toEqual(sim.state.groupMemberIds(group));
      // The user's groups listing is a separate endpoint and stays.
      const member = sim.state.groupMemberIds(group)?.[0] as string;
      expect((await call("GET", `/scim/v2/Users/${member}/Groups`)).status).toBe(200);
    }
  });

  it("memberWriteRoutes: false makes POST and DELETE /Users/{u}/Groups/{g} answer 404; group PUT still writes", async () => {
    const { sim, call } = await start({ memberWriteRoutes: false });
    const { group, user } = groupAndOutsider(sim);
    const before = sim.state.groupMemberIds(group) ?? [];
    expect((await call("POST", `/scim/v2/Users/${user}/Groups/${group}`)).status).toBe(404);
    expect((await call("DELETE", `/scim/v2/Users/${before[0]}/Groups/${group}`)).status).toBe(404);
    expect(sim.state.groupMemberIds(group)).toEqual(before);
    const g = (await call("GET", `/scim/v2/Groups/${group}`)).body as Res;
    const put = await call("PUT", `/scim/v2/Groups/${group}`, {
      ...g,
      members: [...before, user].map((value) => ({ value })),
    });
    expect(put.status).toBe(200);
    expect(sim.state.groupMemberIds(group)).toEqual([...before, user]);
  });

  it("reportingTables: entitlementRoles serves the older names and 404s the newer", async () => {
    const { sim, call } = await start({ reportingTables: "entitlementRoles" });
    expect((await call("GET", "/reporting/v2/roles")).status).toBe(404);
    expect((await call("GET", "/reporting/v2/userRoleAssignments")).status).toBe(404);
    const roles = await call("GET", "/reporting/v2/entitlementRoles");
    expect(roles.body).toEqual(sim.state.platformRoles());
    const assignments = await call("GET", "/reporting/v2/userEntitlementRoleAssignments");
    expect(assignments.body).toEqual(sim.state.roleAssignments());
    const { call: plain } = await start({});
    expect((await plain("GET", "/reporting/v2/entitlementRoles")).status).toBe(404);
  });

  it("userActive: false leaves `active` out of every user, listing and single", async () => {
    const { sim, call } = await start({ userActive: false });
    const page = (await call("GET", "/scim/v2/Users?count=100")).body as ListBody;
    expect(page.Resources).toHaveLength(30);
    expect(page.Resources.some((u) => "active" in u)).toBe(false);
    const one = (await call("GET", `/scim/v2/Users/${sim.delegationUserId}`)).body as Res;
    expect("active" in one).toBe(false);
    // The tenant still knows who is locked.
    expect(sim.state.users().some((u) => sim.state.userLocked(u.id as string))).toBe(true);
  });

  it("strictParameters: attributes and excludedAttributes get a 400 naming them", async () => {
    const { call } = await start({ strictParameters: true });
    const a = await call("GET", "/scim/v2/Users?attributes=id");
    expect(a.status).toBe(400);
    expect(a.body).toMatchObject({
      scimType: "invalidValue",
      detail: "The query parameter 'attributes' is not supported",
    });
    const e = await call("GET", "/scim/v2/Groups?excludedAttributes=members");
    expect(e.status).toBe(400);
    expect((e.body as Res).detail).toContain("excludedAttributes");
    expect((await call("GET", "/scim/v2/Groups?count=1")).status).toBe(200);
  });

  it("delegatedUserAdmin: false refuses SCIM writes with 403 but serves reads", async () => {
    const { sim, call } = await start({ delegatedUserAdmin: false });
    const { group, user } = groupAndOutsider(sim);
    expect((await call("GET", "/scim/v2/Users?count=1")).status).toBe(200);
    const post = await call("POST", `/scim/v2/Users/${user}/Groups/${group}`);
    expect(post.status).toBe(403);
    expect(JSON.stringify(post.body)).toContain("does not have permission");
    const admins = sim.state
      .roleAssignments()
      .filter((a) => a.roleName === "System Administrator")
      .map((a) => a.assigneeId);
    expect(admins).not.toContain(sim.delegationUserId);
    // The rest of the tenant is the seed's: same users as with an admin delegated user.
    const { sim: admin } = await start({});
    expect(admin.state.users().map((u) => u.id)).toEqual(sim.state.users().map((u) => u.id));
  });
});
