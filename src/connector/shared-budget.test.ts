// Another integration spends part of the tenant's rate-limit budget: the connector sees it in
// Seismic's X-Seismic-Remaining-Calls, leaves those calls to it, and a sync that needs more than
// one window's worth of what is left still gets no 429 and stores every row. The window is
// shortened (simulator and client alike) so the sync spans several windows in a few seconds.
import { afterEach, describe, expect, it } from "vitest";
import { closeAll, connectTo, startSim, syncedIds } from "./test-support/sim-connector.js";

afterEach(closeAll);

const WINDOW_MS = 1_500;

describe("a rate-limit budget shared with another client", () => {
  it("syncs without a 429, leaving the other client its calls", async () => {
    const sim = await startSim({
      users: 600,
      groups: 12,
      seed: 4,
      latencyMs: 5,
      rateLimit: { limit: 30, windowMs: WINDOW_MS, otherClients: 10 },
    });
    const h = connectTo(sim, { rateLimit: 30 }, { rateLimitWindowMs: WINDOW_MS });
    const synced = await syncedIds(h.connector);

    expect(sim.state.rateLimited()).toBe(0);
    expect(h.connector.stats().rateLimited).toBe(0);
    // More calls than one window leaves us (30 − 10 − a reserve of 1).
    expect(h.connector.stats().calls).toBeGreaterThan(2 * 19);
    // The other client's calls are seen, though the figure may read low: a call of ours admitted
    // before the measured one but counted by Seismic after it (or cancelled before it was sent)
    // counts as ours. The limiter holds those in its own count and keeps the calls in flight in
    // reserve, so the window is never overspent (no 429 above); only this figure is off by them.
    expect(h.connector.stats().externalCalls).toBeGreaterThan(0);
    expect(h.connector.stats().externalCalls).toBeLessThan(20);
    expect(sim.otherClientCalls()).toBeGreaterThan(10);
    expect(synced.warnings).toEqual([]);
    expect(synced.grants.filter((g) => g.startsWith("group:"))).toHaveLength(
      sim.state.membershipCount(),
    );
    expect(synced.resources.filter((r) => r.startsWith("user:"))).toHaveLength(600);
  });
});
