// The same sync with the simulator's faults on (server errors, dropped connections, 429 bursts,
// short token lifetime) ends with exactly the rows of a clean sync.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { C1zReader } from "../baton/c1z/reader.js";
import { C1zStore } from "../baton/c1z/store.js";
import { tempDir } from "../baton/c1z/test-support/temp-dir.js";
import { connectorClients, inProcessTransport } from "../baton/sync/clients.js";
import { runSync } from "../baton/sync/syncer.js";
import type { SimulatorOptions } from "../simulator/index.js";
import { closeAll, connectTo, startSim } from "./test-support/sim-connector.js";

afterEach(closeAll);

async function syncRows(options: SimulatorOptions): Promise<{ rows: string[]; retries: number }> {
  const sim = await startSim({ users: 150, groups: 12, seed: 17, ...options });
  const h = connectTo(sim);
  const file = join(tempDir("seismic-faults-"), "sync.c1z");
  const store = await C1zStore.open(file);
  await runSync(connectorClients(inProcessTransport(h.connector)), store, {
    concurrency: 4,
    sleep: async () => {},
  });
  await store.save();
  const reader = await C1zReader.open(file);
  try {
    const rows = [
      ...reader
        .resources()
        .map((r) => `r ${r.id?.resourceType}:${r.id?.resource} ${r.displayName}`),
      ...reader.entitlements().map((e) => `e ${e.id}`),
      ...reader.grants().map((g) => `g ${g.id}`),
    ].sort();
    return { rows, retries: h.connector.stats().retries };
  } finally {
    reader.close();
  }
}

describe("faults", () => {
  it("end with exactly the rows of a clean sync", async () => {
    const clean = await syncRows({});
    expect(clean.retries).toBe(0);
    const faulty = await syncRows({
      tokenLifetimeSeconds: 2,
      faults: {
        seed: 3,
        serverErrorRate: 0.15,
        dropRate: 0.05,
        burst429: { every: 10, length: 2 },
      },
    });
    expect(faulty.retries).toBeGreaterThan(0);
    expect(faulty.rows).toEqual(clean.rows);
  });
});
