// Variant discovery against the simulator's dialects over real HTTP: the preferred call when the
// tenant answers it, the alternative when it answers like a missing route, settled once per
// memory (one refused call, then straight to the choice), logged once at info, and a missing
// object still reported as missing rather than taken for a missing route.
import { afterEach, describe, expect, it } from "vitest";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../simulator/index.js";
import { createSeismicClient, type SeismicClient } from "../client.js";
import type { SeismicError } from "../errors.js";
import { RecordingLogger } from "../test-support/fake-seismic.js";
import { allGroupMemberIds, groupMembersPage } from "./group-members.js";
import { withProjection } from "./listing-parameters.js";
import { readPlatformRoleTables } from "./reporting-tables.js";
import { TenantVariants } from "./tenant-variants.js";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

async function setup(options: SimulatorOptions) {
  const sim = await startSimulator({
    users: 120,
    groups: 5,
    seed: 11,
    rateLimit: false,
    ...options,
  });
  open.push(sim);
  const client = createSeismicClient({
    tenant: sim.tenant,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    delegationUserId: sim.delegationUserId,
    apiUrl: sim.apiUrl,
    authUrl: sim.authUrl,
    rateLimit: false,
  });
  open.push(client);
  const logger = new RecordingLogger();
  return { sim, client, logger, variants: new TenantVariants(logger) };
}

const chosenLogs = (logger: RecordingLogger) =>
  logger.calls
    .filter((e) => e.level === "info" && "variant" in (e.fields as object))
    .map((e) => [
      (e.fields as { variant: string }).variant,
      (e.fields as { chosen: string }).chosen,
    ]);

async function everyGroupsMembers(sim: Simulator, client: SeismicClient, variants: TenantVariants) {
  for (const g of sim.state.groups()) {
    const ids = await allGroupMemberIds(client, variants, g.id as string);
    expect(ids).toEqual(sim.state.groupMemberIds(g.id as string));
  }
}

describe("group members", () => {
  it("uses the members endpoint when the tenant has it", async () => {
    const { sim, client, logger, variants } = await setup({});
    await everyGroupsMembers(sim, client, variants);
    expect(variants.choice("groupMembers")).toBe("members-endpoint");
    expect(sim.state.calls().get("GET /scim/v2/Groups/{id}")).toBeUndefined();
    expect(chosenLogs(logger)).toEqual([
      ["listingParameters", "projection"],
      ["groupMembers", "members-endpoint"],
    ]);
    expect(variants.inlineGroups).toBe(0);
  });

  it.each([
    ["inline-members", 404],
    ["members-405", 405],
  ] as const)(
    "the %s dialect: one refused call, then every group's inline members",
    async (dialect, status) => {
      const { sim, client, logger, variants } = await setup({ dialect });
      await everyGroupsMembers(sim, client, variants);
      expect(sim.state.calls().get("GET /scim/v2/Groups/{id}/Users")).toBe(1);
      expect(sim.state.calls().get("GET /scim/v2/Groups/{id}")).toBe(sim.state.groupCount());
      expect(variants.settled()).toContainEqual(
        expect.objectContaining({
          key: "groupMembers",
          choice: "inline-members",
          reason: `GET /scim/v2/Groups/{groupId}/Users answered ${status} for a group that exists`,
        }),
      );
      expect(chosenLogs(logger).filter(([k]) => k === "groupMembers")).toEqual([
        ["groupMembers", "inline-members"],
      ]);
      expect(variants.inlineGroups).toBe(sim.state.groupCount());
      variants.warnInlineMembers();
      expect(logger.calls.filter((e) => e.level === "warn").map((e) => e.fields)).toEqual([
        expect.objectContaining({ groups: sim.state.groupCount() }),
      ]);
    },
  );

  it("a group that does not exist is not found, and settles nothing", async () => {
    const { client, variants } = await setup({ dialect: "inline-members" });
    const error = (await groupMembersPage(
      client,
      variants,
      "00000000-0000-4000-8000-000000000000",
      {
        startIndex: 1,
        count: 100,
      },
    ).catch((e: unknown) => e)) as SeismicError;
    expect(error.code).toBe("not_found");
    expect(variants.choice("groupMembers")).toBeUndefined();
  });
});

describe("listing parameters", () => {
  it("a strict server: one 400 naming the parameter, then never sent again", async () => {
    const { sim, client, logger, variants } = await setup({ dialect: "strict-parameters" });
    for (let i = 0; i < 3; i++) {
      const page = await withProjection(variants, (omitProjection) =>
        client.listGroups({ excludedAttributes: "members", omitProjection }),
      );
      expect(page.Resources).toHaveLength(5);
    }
    await everyGroupsMembers(sim, client, variants);
    // 1 refused + 3 listings; then one member page per group without attributes.
    expect(sim.state.calls().get("GET /scim/v2/Groups")).toBe(4);
    expect(variants.choice("listingParameters")).toBe("no-projection");
    expect(chosenLogs(logger)[0]).toEqual(["listingParameters", "no-projection"]);
    expect(variants.settled().find((v) => v.key === "listingParameters")?.reason).toContain(
      "'excludedAttributes' is not supported",
    );
  });

  it("a 400 about something else is not taken for a refused parameter", async () => {
    const { client, variants } = await setup({});
    await expect(
      withProjection(variants, (omitProjection) =>
        client.listUsers({ filter: "nosuch eq 1", omitProjection }),
      ),
    ).rejects.toMatchObject({ code: "bad_request" });
    expect(variants.choice("listingParameters")).toBeUndefined();
  });
});

describe("Reporting tables", () => {
  it("reads /roles and /userRoleAssignments when the tenant has them", async () => {
    const { sim, client, variants } = await setup({});
    const tables = await readPlatformRoleTables(client, variants);
    expect(tables.names).toBe("roles");
    expect(tables.roles.map((r) => r.id)).toEqual(sim.state.platformRoles().map((r) => r.id));
    expect(tables.assignments).toHaveLength(sim.state.roleAssignments().length);
  });

  it("falls back to the entitlement names, once, and remembers them", async () => {
    const { sim, client, variants } = await setup({ dialect: "entitlement-roles" });
    for (let i = 0; i < 2; i++) {
      const tables = await readPlatformRoleTables(client, variants);
      expect(tables.names).toBe("entitlementRoles");
      expect(tables.roles.map((r) => r.id)).toEqual(sim.state.platformRoles().map((r) => r.id));
      expect(tables.assignments.map((a) => a.assigneeId)).toEqual(
        sim.state.roleAssignments().map((a) => a.assigneeId),
      );
    }
    const calls = sim.state.calls();
    expect(calls.get("GET /reporting/v2/roles")).toBe(1);
    expect(calls.get("GET /reporting/v2/userRoleAssignments")).toBeUndefined();
    expect(calls.get("GET /reporting/v2/entitlementRoles")).toBe(2);
    expect(calls.get("GET /reporting/v2/userEntitlementRoleAssignments")).toBe(2);
    expect(variants.settled()[0]).toMatchObject({
      key: "reportingTables",
      choice: "entitlementRoles",
      reason: "GET /reporting/v2/roles answered 404",
    });
  });

  it("a 403 is the scope, not a missing table: no fallback", async () => {
    const { sim, variants } = await setup({
      grantedScopes: ["seismic.user.view", "seismic.user.manage"],
    });
    const limited = createSeismicClient({
      tenant: sim.tenant,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      delegationUserId: sim.delegationUserId,
      apiUrl: sim.apiUrl,
      authUrl: sim.authUrl,
      scopes: ["seismic.user.view"],
      rateLimit: false,
    });
    open.push(limited);
    await expect(readPlatformRoleTables(limited, variants)).rejects.toMatchObject({
      code: "permission_denied",
      scope: "seismic.reporting",
    });
    expect(sim.state.calls().get("GET /reporting/v2/entitlementRoles")).toBeUndefined();
  });
});
