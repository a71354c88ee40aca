// Whatever order a host lists resource types in, a sync pages /Users once: a host that takes the
// types in reverse (as the Go SDK's syncer does, roles before users) one call at a time makes no
// more Seismic calls than our one-shot and stores the same rows.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { C1zReader } from "../baton/c1z/reader.js";
import { C1zStore } from "../baton/c1z/store.js";
import { tempDir } from "../baton/c1z/test-support/temp-dir.js";
import type { Connector } from "../baton/connector.js";
import { resourceKey } from "../baton/ids.js";
import { connectorClients, inProcessTransport } from "../baton/sync/clients.js";
import { runSync } from "../baton/sync/syncer.js";
import { closeAll, connectTo, startSim } from "./test-support/sim-connector.js";

afterEach(closeAll);

const TENANT = { users: 350, groups: 12, seed: 9 };

/** Syncs `connector` into a new c1z; returns the simulator's calls and the stored ids. */
async function syncWith(connector: Connector, concurrency: number) {
  const file = join(tempDir("seismic-order-"), "sync.c1z");
  const store = await C1zStore.open(file);
  const result = await runSync(connectorClients(inProcessTransport(connector)), store, {
    concurrency,
  });
  await store.save();
  expect(result.warnings).toEqual([]);
  const reader = await C1zReader.open(file);
  try {
    return {
      resources: reader
        .resources()
        .map((r) => (r.id ? resourceKey(r.id) : ""))
        .sort(),
      grants: reader
        .grants()
        .map((g) => g.id)
        .sort(),
    };
  } finally {
    reader.close();
  }
}

describe("resource types in the Go SDK's order", () => {
  it("page /Users once and make no more calls than the one-shot", async () => {
    const forwardSim = await startSim(TENANT);
    const forward = connectTo(forwardSim);
    const oneShot = await syncWith(forward.connector, 4);
    const oneShotCalls = Object.fromEntries(forwardSim.state.calls());

    const reverseSim = await startSim(TENANT);
    const reverse = connectTo(reverseSim);
    const reversed: Connector = {
      ...reverse.connector,
      syncers: [...reverse.connector.syncers].reverse(),
    };
    expect(reversed.syncers[0]?.resourceType.id).toBe("license");
    expect(reversed.syncers.at(-1)?.resourceType.id).toBe("user");
    const hostDriven = await syncWith(reversed, 1);
    const hostCalls = Object.fromEntries(reverseSim.state.calls());

    // Validate's count=1 probe, then the 4 pages of 350 users, once.
    expect(oneShotCalls["GET /scim/v2/Users"]).toBe(1 + 4);
    expect(hostCalls).toEqual(oneShotCalls);
    expect(reverseSim.state.totalCalls()).toBeLessThanOrEqual(forwardSim.state.totalCalls());
    expect(hostDriven).toEqual(oneShot);
    expect(hostDriven.grants.length).toBeGreaterThan(reverseSim.state.membershipCount());
  });
});
