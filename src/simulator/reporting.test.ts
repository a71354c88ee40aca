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
