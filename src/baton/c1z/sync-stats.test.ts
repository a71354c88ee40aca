import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ResourceType_Trait } from "../../gen/c1/connector/v2/resource_pb.js";
import { C1zReader } from "./reader.js";
import { C1zStore } from "./store.js";
import { encodeSyncStats } from "./sync-stats.js";
import { fixture, resourceType } from "./test-support/fixtures.js";
import { tempDir } from "./test-support/temp-dir.js";

/** The stats column of every sync in `file`, by sync id. */
async function storedStats(file: string): Promise<Map<string, string | undefined>> {
  const reader = await C1zReader.open(file);
  try {
    return new Map(reader.syncs().map((s) => [s.syncId, s.stats]));
  } finally {
    reader.close();
  }
}

describe("v1_sync_runs.stats", () => {
  it("holds Go's SyncStats JSON, computed from the stored rows when the sync ends", async () => {
    const file = join(tempDir(), "sync.c1z");
    const f = fixture();
    const store = await C1zStore.open(file);
    const full = store.startSync("full");
    // A third type with no rows still gets its 0, as Go pre-fills every catalogued type.
    store.putResourceTypes(full, [
      ...f.resourceTypes,
      resourceType("app", "App", ResourceType_Trait.APP),
    ]);
    store.putResources(full, f.resources);
    store.putEntitlements(full, f.entitlements);
    store.putGrants(full, f.grants);
    // The same rows written twice are still counted once (the rows, not the writes).
    store.putGrants(full, f.grants);
    expect(store.latestFinishedSync()).toBeUndefined();
    store.endSync(full);

    const resourcesOnly = store.startSync("resources_only");
    store.putResourceTypes(resourcesOnly, f.resourceTypes);
    store.putResources(resourcesOnly, f.resources);
    store.putEntitlements(resourcesOnly, f.entitlements);
    store.endSync(resourcesOnly);
    const unfinished = store.startSync("partial");
    await store.save();

    const stats = await storedStats(file);
    expect(stats.get(full)).toBe(
      '{"resource_types":3,"resources":4,"entitlements":2,"grants":3,' +
        '"resources_by_resource_type":{"app":0,"group":2,"user":2},' +
        '"grants_by_resource_type":{"group":3}}',
    );
    // Go counts no entitlements or grants for a resources-only sync.
    expect(stats.get(resourcesOnly)).toBe(
      '{"resource_types":2,"resources":4,"resources_by_resource_type":{"group":2,"user":2}}',
    );
    expect(stats.get(unfinished)).toBeUndefined();
  });

  it("keeps the first stats when a finished sync is ended again", async () => {
    const file = join(tempDir(), "sync.c1z");
    const f = fixture();
    const store = await C1zStore.open(file);
    const syncId = store.startSync("full");
    store.putResourceTypes(syncId, f.resourceTypes);
    store.endSync(syncId);
    store.putResources(syncId, f.resources);
    store.endSync(syncId);
    await store.save();
    expect((await storedStats(file)).get(syncId)).toBe(
      '{"resource_types":2,"resources_by_resource_type":{"group":0,"user":0}}',
    );
  });

  it("writes JSON as Go's encoding/json does: keys sorted as strings, HTML characters escaped", () => {
    const text = encodeSyncStats({
      resourceTypes: 0,
      resources: 0,
      entitlements: 0,
      grants: 12,
      resourcesByResourceType: {},
      grantsByResourceType: { b: 1, "10": 2, "9": 3, "a<&>": 6 },
    });
    expect(text).toBe(
      '{"grants":12,"grants_by_resource_type":{"10":2,"9":3,"a\\u003c\\u0026\\u003e":6,"b":1}}',
    );
    expect(JSON.parse(text).grants_by_resource_type["a<&>"]).toBe(6);
  });
});
