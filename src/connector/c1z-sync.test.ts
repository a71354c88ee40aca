// The connector through the Baton runtime: a full in-process sync into a c1z (services, codec,
// trait checks, page tokens, Cleanup), read back and compared with the simulator, with the exact
// number of Seismic API calls the sync needs.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { C1zReader } from "../baton/c1z/reader.js";
import { C1zStore } from "../baton/c1z/store.js";
import { tempDir } from "../baton/c1z/test-support/temp-dir.js";
import { connectorClients, inProcessTransport } from "../baton/sync/clients.js";
import { runSync } from "../baton/sync/syncer.js";
import { ManualTimers } from "./test-support/manual-timers.js";
import { closeAll, connectTo, startSim } from "./test-support/sim-connector.js";

afterEach(closeAll);

describe("full sync into a c1z", () => {
  it("stores every resource and grant the simulator holds, in the calls it needs", async () => {
    const sim = await startSim({ users: 150, groups: 12, seed: 9 });
    // The walk's clock never moves, so whether the directory takes over the walk of /Users never
    // depends on how slow the machine is (under load it once did, and the counts with it).
    const h = connectTo(sim, {}, { directory: { timers: new ManualTimers() } });
    const file = join(tempDir("seismic-sync-"), "sync.c1z");
    const store = await C1zStore.open(file);
    const result = await runSync(connectorClients(inProcessTransport(h.connector)), store, {
      concurrency: 4,
    });
    await store.save();
    expect(result.warnings).toEqual([]);

    const reader = await C1zReader.open(file);
    try {
      const users = sim.state.users();
      const groups = sim.state.groups();
      const byType = (t: string) => reader.resources().filter((r) => r.id?.resourceType === t);
      expect(byType("user")).toHaveLength(users.length);
      expect(byType("group")).toHaveLength(groups.length);
      expect(byType("license").map((r) => r.id?.resource)).toEqual([
        "Business",
        "Premium",
        "Partner",
      ]);
      const live = sim.state.platformRoles().filter((r) => !r.isDeleted);
      expect(byType("platform_role")).toHaveLength(live.length);

      const grants = reader.grants();
      const ofType = (t: string) =>
        grants.filter((g) => g.entitlement?.id.startsWith(`${t}:`)).length;
      expect(ofType("group")).toBe(sim.state.membershipCount());
      const roleHolders = users.reduce(
        (n, u) =>
          n +
          new Set(
            ((u.roles as { value: string }[] | undefined) ?? [])
              .map((r) => r.value)
              .filter((v) => !["Business", "Premium", "Partner"].includes(v)),
          ).size,
        0,
      );
      expect(ofType("role")).toBe(roleHolders);
      const ids = new Set(users.map((u) => u.id as string));
      expect(ofType("platform_role")).toBe(
        new Set(
          sim.state
            .roleAssignments()
            .filter((a) => ids.has(a.assigneeId))
            .map((a) => `${a.roleId}/${a.assigneeId}`),
        ).size,
      );
      expect(reader.entitlement("role:Field%20Sales%3A%20EMEA:assigned")).toBeDefined();

      // The sync's row counts, cached in v1_sync_runs.stats as the Go SDK caches them.
      const run = reader.syncs().find((s) => s.syncId === reader.syncId());
      const types = ["group", "license", "platform_role", "role", "user"];
      const stats = JSON.parse(run?.stats ?? "{}");
      expect(stats).toEqual({
        resource_types: 5,
        resources: reader.resources().length,
        entitlements: reader.entitlements().length,
        grants: grants.length,
        resources_by_resource_type: Object.fromEntries(types.map((t) => [t, byType(t).length])),
        grants_by_resource_type: Object.fromEntries(
          types.filter((t) => ofType(t) > 0).map((t) => [t, ofType(t)]),
        ),
      });
    } finally {
      reader.close();
    }

    // Token, validate, 2 user pages, 1 group page, members (1 per 100, and one more to confirm
    // the end after a full page), 2 Reporting tables.
    const calls = sim.state.calls();
    const memberCalls = sim.state
      .groups()
      .reduce(
        (n, g) => n + Math.floor((sim.state.groupMemberIds(g.id as string) ?? []).length / 100) + 1,
        0,
      );
    expect(calls.get("POST /tenants/{tenant}/connect/token")).toBe(1);
    expect(calls.get("GET /scim/v2/Users")).toBe(1 + 2);
    expect(calls.get("GET /scim/v2/Groups")).toBe(1);
    expect(calls.get("GET /scim/v2/Groups/{id}/Users")).toBe(memberCalls);
    expect(calls.get("GET /reporting/v2/roles")).toBe(1);
    expect(calls.get("GET /reporting/v2/userRoleAssignments")).toBe(1);
    expect(sim.state.totalCalls()).toBe(1 + 3 + 1 + memberCalls + 2);
  });
});
