// `doctor` against the simulator over real HTTP: it passes on the default tenant and on every
// dialect (reporting which variant each answers), and fails with the right fix on each broken
// setup: a wrong secret, a missing scope, a locked or non-admin delegated user, missing
// membership routes, an unreachable API. The write check leaves the test user as it found it.
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../seismic/test-support/fake-seismic.js";
import { caller, getToken } from "../../simulator/harness.js";
import { DIALECT_NAMES, type Simulator, type SimulatorOptions } from "../../simulator/index.js";
import type { SeismicConnectorConfig } from "../config.js";
import { closeAll, RecordingLogger, simConfig, startSim } from "../test-support/sim-connector.js";
import type { CheckResult } from "./check.js";
import { renderJson, renderTable } from "./render.js";
import { type DoctorReport, runDoctor } from "./run-doctor.js";

afterEach(closeAll);

async function doctor(
  options: SimulatorOptions = {},
  overrides: Partial<SeismicConnectorConfig> = {},
  writeCheck?: (sim: Simulator) => { groupId: string; userId: string; role: string },
): Promise<{ sim: Simulator; report: DoctorReport; row: (id: string) => CheckResult }> {
  // The rate limit on, so answers carry X-Seismic-Remaining-Calls.
  const sim = await startSim({
    users: 30,
    groups: 4,
    seed: 11,
    rateLimit: { limit: 600, windowMs: 60_000 },
    ...options,
  });
  const report = await runDoctor(simConfig(sim, overrides), {
    logger: new RecordingLogger(),
    client: { backoff: { baseDelayMs: 1, maxDelayMs: 5 } },
    ...(writeCheck ? { writeCheck: writeCheck(sim) } : {}),
  });
  const row = (id: string) => {
    const r = report.checks.find((c) => c.id === id);
    if (!r) throw new Error(`no check ${id} in ${report.checks.map((c) => c.id).join(", ")}`);
    return r;
  };
  return { sim, report, row };
}

const failures = (report: DoctorReport) =>
  report.checks.filter((c) => c.status === "fail").map((c) => c.id);

/** A test user and a group it is not in. */
function testTarget(sim: Simulator) {
  const group = sim.state
    .groups()
    .map((g) => g.id as string)
    .find((id) => (sim.state.groupMemberIds(id) ?? []).length > 0) as string;
  const members = sim.state.groupMemberIds(group) ?? [];
  const userId = sim.state
    .users()
    .map((u) => u.id as string)
    .find((u) => !members.includes(u) && u !== sim.delegationUserId) as string;
  return { groupId: group, userId, role: "Learner" };
}

describe("doctor on a healthy tenant", () => {
  it("passes, with every check ok except the write check it was not asked for", async () => {
    const { report, row } = await doctor();
    expect(report.ok).toBe(true);
    expect(failures(report)).toEqual([]);
    expect(report.checks.filter((c) => c.status !== "ok").map((c) => c.id)).toEqual([
      "variant:membershipWrites",
    ]);
    expect(row("variant:groupMembers").detail).toMatch(/^members-endpoint/);
    expect(row("variant:reportingTables").detail).toMatch(/^roles/);
    expect(row("variant:listingParameters").detail).toMatch(/^projection/);
    expect(row("delegated-admin").status).toBe("ok");
    expect(row("rate-budget").detail).toMatch(/^\d+ of 600 calls left in the rolling window$/);
    const table = renderTable(report);
    expect(table).toMatch(/^CHECK +STATUS +DETAIL\n/);
    expect(table).toMatch(/Ready: a sync and provisioning should work\.\n$/);
    expect(JSON.parse(renderJson(report))).toEqual(report);
  });

  it("--write-check: grants and revokes a membership and a role, leaving the user as found", async () => {
    let target: ReturnType<typeof testTarget> | undefined;
    const { sim, report, row } = await doctor({}, {}, (s) => {
      target = testTarget(s);
      return target;
    });
    if (!target) throw new Error("no target");
    expect(report.ok).toBe(true);
    expect(row("variant:membershipWrites")).toMatchObject({ status: "ok" });
    expect(row("variant:membershipWrites").detail).toMatch(/^per-user: did not hold it/);
    expect(row("write:role").status).toBe("ok");
    expect(sim.state.groupMemberIds(target.groupId)).not.toContain(target.userId);
    const writes = [...sim.state.calls()].filter(([k]) => /^(POST|DELETE|PATCH) \/scim/.test(k));
    expect(Object.fromEntries(writes)).toEqual({
      "POST /scim/v2/Users/{id}/Groups/{groupId}": 1,
      "DELETE /scim/v2/Users/{id}/Groups/{groupId}": 1,
      "PATCH /scim/v2/Users/{id}": 2,
    });
  });

  it("--write-check on a member holding the role: revokes and grants back", async () => {
    const sim = await startSim({ users: 30, groups: 4, seed: 11 });
    const group = sim.state
      .groups()
      .map((g) => g.id as string)
      .find((id) => (sim.state.groupMemberIds(id) ?? []).length > 0) as string;
    const member = (sim.state.groupMemberIds(group) ?? [])[0] as string;
    const roles = sim.state.user(member)?.roles;
    const role =
      ((roles as { value: string }[] | undefined) ?? [])
        .map((r) => r.value)
        .find((v) => !["Business", "Premium", "Partner"].includes(v)) ?? "Learner";
    const before = sim.state.groupMemberIds(group);
    const report = await runDoctor(simConfig(sim), {
      logger: new RecordingLogger(),
      writeCheck: { groupId: group, userId: member, role },
    });
    expect(report.ok, JSON.stringify(report.checks)).toBe(true);
    expect(report.checks.find((c) => c.id === "variant:membershipWrites")?.detail).toMatch(
      /held it already: revoked and granted back/,
    );
    expect(new Set(sim.state.groupMemberIds(group))).toEqual(new Set(before));
    expect(sim.state.user(member)?.roles).toEqual(expect.arrayContaining(roles as object[]));
  });
});

describe("doctor on each dialect", () => {
  const expected: Record<string, Record<string, RegExp>> = {
    "inline-members": { "variant:groupMembers": /^inline-members/ },
    "members-405": { "variant:groupMembers": /^inline-members.*answered 405/ },
    "entitlement-roles": { "variant:reportingTables": /^entitlementRoles.*roles answered 404/ },
    "no-active": { "variant:userActive": /carry no active/ },
    "strict-parameters": { "variant:listingParameters": /^no-projection/ },
  };

  it.each(DIALECT_NAMES)("%s: passes and names the variant", async (dialect) => {
    const { report, row } = await doctor({ dialect });
    expect(failures(report)).toEqual([]);
    expect(report.ok).toBe(true);
    for (const [id, pattern] of Object.entries(expected[dialect] ?? {})) {
      expect(row(id).detail).toMatch(pattern);
    }
  });

  it("no-member-routes with --write-check: fails naming group-replace, and passes with it", async () => {
    const broken = await doctor({ dialect: "no-member-routes" }, {}, testTarget);
    expect(failures(broken.report)).toEqual(["variant:membershipWrites"]);
    expect(broken.row("variant:membershipWrites").fix).toContain(
      "--seismic-membership-writes group-replace",
    );
    expect(broken.row("write:role").status).toBe("ok");
    const fixed = await doctor(
      { dialect: "no-member-routes" },
      { membershipWrites: "group-replace" },
      testTarget,
    );
    expect(fixed.report.ok).toBe(true);
    expect(fixed.row("variant:membershipWrites").detail).toMatch(/^group-replace: /);
  });
});

describe("doctor on a broken setup", () => {
  it("a wrong secret: credentials fail naming the secret flag; nothing else is attempted", async () => {
    const { report, row } = await doctor({}, { clientSecret: "wrong-SECRET-42" });
    expect(report.ok).toBe(false);
    expect(row("credentials").status).toBe("fail");
    expect(row("credentials").detail).toContain("invalid_client");
    expect(row("credentials").fix).toContain("--seismic-client-secret");
    expect(row("delegated-user").status).toBe("skip");
    expect(JSON.stringify(report)).not.toContain("wrong-SECRET-42");
  });

  it.each([
    ["seismic.reporting", ["seismic.user.view", "seismic.user.manage"]],
    ["seismic.user.manage", ["seismic.user.view", "seismic.reporting"]],
  ])("a missing %s scope: that scope fails with the fix", async (scope, granted) => {
    const { report, row } = await doctor({ grantedScopes: granted });
    expect(report.ok).toBe(false);
    expect(row(`scope:${scope}`)).toMatchObject({
      status: "fail",
      fix: expect.stringContaining(`add ${scope} to the app registration`),
    });
  });

  it("a missing reporting scope with platform roles left out: passes", async () => {
    const { report, row } = await doctor(
      { grantedScopes: ["seismic.user.view", "seismic.user.manage"] },
      { skipPlatformRoles: true },
    );
    expect(report.ok, JSON.stringify(failures(report))).toBe(true);
    expect(row("scope:seismic.reporting").status).toBe("skip");
  });

  it("a locked delegated user: the delegated-user check fails with the unlock fix", async () => {
    const sim = await startSim({ users: 30, groups: 4, seed: 11 });
    const call = caller(sim, await getToken(sim));
    await call("PATCH", `/scim/v2/Users/${sim.delegationUserId}`, {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: [{ op: "replace", path: "active", value: false }],
    });
    const report = await runDoctor(simConfig(sim), { logger: new RecordingLogger() });
    expect(report.ok).toBe(false);
    const row = report.checks.find((c) => c.id === "delegated-user");
    expect(row).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("user is locked"),
    });
    expect(row?.fix).toMatch(/unlock the delegated user/);
  });

  it("a delegated user who is not a System Administrator: fails with the fix; writes are refused", async () => {
    const { report, row } = await doctor({ delegatedUserAdmin: false }, {}, testTarget);
    expect(report.ok).toBe(false);
    expect(row("delegated-admin")).toMatchObject({
      status: "fail",
      fix: expect.stringContaining("System Administrator"),
    });
    expect(row("variant:membershipWrites").status).toBe("fail");
    expect(row("variant:membershipWrites").detail).toContain("403");
  });

  it("an unreachable API: the API check fails naming --seismic-api-url", async () => {
    const port = await freePort();
    const { report, row } = await doctor({}, { apiUrl: `http://127.0.0.1:${port}` });
    expect(report.ok).toBe(false);
    expect(row("reachable:api")).toMatchObject({
      status: "fail",
      fix: "check --seismic-api-url and the network",
    });
    expect(row("reachable:auth").status).toBe("ok");
  });
});
