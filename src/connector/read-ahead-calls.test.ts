// Under a rate limit every page the sync will ask for is fetched ahead of it (the /Users grid,
// the /Groups grid, each group's first member page and the member pages after it) and the
// listings wait for those calls to go out first. None of that may cost a call or a row: the
// throttled sync makes exactly the calls of an unthrottled one, endpoint by endpoint, and stores
// the same resources and grants. The tenant's group listing spans two pages and some groups have
// several hundred members, so every kind of page ahead is exercised.
import { afterEach, describe, expect, it } from "vitest";
import { closeAll, connectTo, startSim, syncedIds } from "./test-support/sim-connector.js";

afterEach(closeAll);

const TENANT = { users: 900, groups: 130, seed: 11 };

describe("pages fetched ahead under a rate limit", () => {
  it("cost no call and no row", async () => {
    const plainSim = await startSim(TENANT);
    const plain = await syncedIds(connectTo(plainSim, { rateLimit: 0 }).connector);
    const plainCalls = Object.fromEntries(plainSim.state.calls());

    const limitedSim = await startSim({
      ...TENANT,
      latencyMs: 2,
      rateLimit: { limit: 10_000, windowMs: 60_000, otherClients: 0 },
    });
    const h = connectTo(limitedSim, { rateLimit: 10_000 });
    const limited = await syncedIds(h.connector);
    const limitedCalls = Object.fromEntries(limitedSim.state.calls());

    // The tenant needs what the test is about: a second /Groups page and long member listings.
    expect(plainCalls["GET /scim/v2/Groups"]).toBe(2);
    expect(plainCalls["GET /scim/v2/Groups/{id}/Users"]).toBeGreaterThan(TENANT.groups);
    expect(limitedCalls).toEqual(plainCalls);
    expect(limitedSim.state.rateLimited()).toBe(0);
    expect(limited.warnings).toEqual([]);
    expect(limited.resources).toEqual(plain.resources);
    expect(limited.grants).toEqual(plain.grants);
    expect(limited.grants.filter((g) => g.startsWith("group:"))).toHaveLength(
      limitedSim.state.membershipCount(),
    );
  });
});
