// Tests of the simulator: Reporting roles and assignments served from a lagging snapshot, over real HTTP where it matters.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Call, caller, getToken } from "./harness.js";
import { type Simulator, startSimulator } from "./index.js";

type Row = Record<string, unknown>;

let clock = Date.UTC(2026, 0, 1);
let sim: Simulator;
let call: Call;

beforeAll(async () => {
  sim = await startSimulator({
    users: 300,
    groups: 3,
    rateLimit: false,
    reportingLagMs: 86_400_000,
    tokenLifetimeSeconds: 30 * 86_400,
    now: () => clock,
  });
  call = caller(sim, await getToken(sim));
});
afterAll(() => sim.close());

describe("GET /reporting/v2/roles", () => {
  it("returns every platform role as an unpaginated JSON array", async () => {
    const res = await call("GET", "/reporting/v2/roles");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const roles = res.body as Row[];
    expect(roles).toEqual(sim.state.platformRoles());
    expect(roles).toHaveLength(8);
    for (const r of roles) {
      expect(Object.keys(r)).toEqual([
        "id",
        "roleName",
        "roleDescription",
        "isPredefined",
        "isDeleted",
        "createdAt",
        "modifiedAt",
      ]);
    }
    expect(roles.find((r) => r.roleName === "System Administrator")).toMatchObject({
      isPredefined: true,
      isDeleted: false,
    });
    expect(roles.filter((r) => r.isDeleted)).toHaveLength(1);
  });

  it("answers CSV when asked with Accept: text/csv", async () => {
    const res = await call("GET", "/reporting/v2/roles", undefined, { accept: "text/csv" });
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const lines = String(res.body).trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "id,roleName,roleDescription,isPredefined,isDeleted,createdAt,modifiedAt",
    );
    expect(lines).toHaveLength(9);
  });
});

describe("GET /reporting/v2/userRoleAssignments", () => {
  it("returns the assignments, including the delegated user's System Administrator role", async () => {
    const res = await call("GET", "/reporting/v2/userRoleAssignments");
    expect(res.status).toBe(200);
    const rows = res.body as Row[];
    expect(rows).toEqual(sim.state.roleAssignments());
    expect(Object.keys(rows[0] as Row)).toEqual([
      "id",
      "roleId",
      "roleName",
      "assigneeId",
      "assignedAt",
      "modifiedAt",
    ]);
    expect(rows).toContainEqual(
      expect.objectContaining({
        assigneeId: sim.delegationUserId,
        roleName: "System Administrator",
      }),
    );
  });

  it("serves a stale snapshot until the lag passes or a refresh is asked for", async () => {
    const victim = sim.state.roleAssignments().find((a) => a.assigneeId !== sim.delegationUserId)
      ?.assigneeId as string;
    expect((await call("DELETE", `/scim/v2/Users/${victim}`)).status).toBe(204);
    const ids = async (): Promise<unknown[]> =>
      ((await call("GET", "/reporting/v2/userRoleAssignments")).body as Row[]).map(
        (a) => a.assigneeId,
      );
    expect(await ids()).toContain(victim);
    clock += 86_399_999;
    expect(await ids()).toContain(victim);
    clock += 1;
    expect(await ids()).not.toContain(victim);
  });

  it("refreshReporting() takes a snapshot at once", async () => {
    const victim = sim.state.roleAssignments().find((a) => a.assigneeId !== sim.delegationUserId)
      ?.assigneeId as string;
    await call("DELETE", `/scim/v2/Users/${victim}`);
    expect(
      ((await call("GET", "/reporting/v2/userRoleAssignments")).body as Row[]).length,
    ).toBeGreaterThan(sim.state.roleAssignments().length);
    sim.refreshReporting();
    expect((await call("GET", "/reporting/v2/userRoleAssignments")).body).toEqual(
      sim.state.roleAssignments(),
    );
  });
});

describe("GET /reporting/v2/groupMembers", () => {
  const live = (): [string, string][] =>
    sim.state
      .groups()
      .flatMap((g) =>
        (sim.state.groupMemberIds(g.id as string) ?? []).map(
          (u) => [g.id as string, u] as [string, string],
        ),
      );
  const served = async (): Promise<[string, string][]> =>
    ((await call("GET", "/reporting/v2/groupMembers")).body as Row[]).map(
      (r) => [r.groupId, r.userId] as [string, string],
    );

  it("returns one row per membership with the group's name, unpaginated", async () => {
    sim.refreshReporting();
    const res = await call("GET", "/reporting/v2/groupMembers");
    expect(res.status).toBe(200);
    const rows = res.body as Row[];
    expect(rows.length).toBe(sim.state.membershipCount());
    expect(rows.length).toBeGreaterThan(0);
    expect(Object.keys(rows[0] as Row)).toEqual(["groupId", "groupName", "userId"]);
    const names = new Map(sim.state.groups().map((g) => [g.id, g.displayName]));
    for (const r of rows) expect(r.groupName).toBe(names.get(r.groupId as string));
    expect(await served()).toEqual(live());
    const csv = await call("GET", "/reporting/v2/groupMembers", undefined, { accept: "text/csv" });
    const lines = String(csv.body).trimEnd().split("\r\n");
    expect(lines[0]).toBe("groupId,groupName,userId");
    expect(lines).toHaveLength(rows.length + 1);
  });

  it("shows a membership change only after the lag passes", async () => {
    sim.refreshReporting();
    // The seed leaves the second group empty.
    const group = sim.state.groups()[1]?.id as string;
    const outsider = sim.state
      .users()
      .map((u) => u.id as string)
      .find((u) => !sim.state.groupMemberIds(group)?.includes(u)) as string;
    const added = await call("POST", `/scim/v2/Users/${outsider}/Groups/${group}`);
    expect(added.status, JSON.stringify(added.body)).toBe(204);
    expect(await served()).not.toContainEqual([group, outsider]);
    clock += 86_400_000;
    expect(await served()).toContainEqual([group, outsider]);
    expect(await served()).toEqual(live());
  });
});
