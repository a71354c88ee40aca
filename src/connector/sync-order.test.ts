// Whatever order a host lists resource types in, a sync pages /Users once: a host that takes the
// types in reverse (as the Go SDK's syncer does, roles before users) one call at a time makes no
// more Seismic calls than our one-shot and stores the same rows.
import { afterEach, describe, expect, it } from "vitest";
import type { Connector } from "../baton/connector.js";
import { closeAll, connectTo, startSim, syncedIds } from "./test-support/sim-connector.js";

afterEach(closeAll);

const TENANT = { users: 350, groups: 12, seed: 9 };

describe("resource types in the Go SDK's order", () => {
  it("page /Users once and make no more calls than the one-shot", async () => {
    const forwardSim = await startSim(TENANT);
    const forward = connectTo(forwardSim);
    const oneShot = await syncedIds(forward.connector, 4);
    const oneShotCalls = Object.fromEntries(forwardSim.state.calls());

    const reverseSim = await startSim(TENANT);
    const reverse = connectTo(reverseSim);
    const reversed: Connector = {
      ...reverse.connector,
      syncers: [...reverse.connector.syncers].reverse(),
    };
    expect(reversed.syncers[0]?.resourceType.id).toBe("license");
    expect(reversed.syncers.at(-1)?.resourceType.id).toBe("user");
    const hostDriven = await syncedIds(reversed, 1);
    const hostCalls = Object.fromEntries(reverseSim.state.calls());
    expect(hostDriven.warnings).toEqual([]);

    // Validate's count=1 probe, then the 4 pages of 350 users, once.
    expect(oneShotCalls["GET /scim/v2/Users"]).toBe(1 + 4);
    expect(hostCalls).toEqual(oneShotCalls);
    expect(reverseSim.state.totalCalls()).toBeLessThanOrEqual(forwardSim.state.totalCalls());
    expect(hostDriven).toEqual(oneShot);
    expect(hostDriven.grants.length).toBeGreaterThan(reverseSim.state.membershipCount());
  });
});
