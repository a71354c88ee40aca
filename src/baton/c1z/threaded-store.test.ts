// The threaded store against the in-thread one. Its worker is compiled JavaScript, so these tests
// use the built `dist/` worker (the test script builds before vitest runs).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { c1zRows, rowsAsObject } from "../../../test/helpers/c1z-rows.js";
import { GrantSchema } from "../../gen/c1/connector/v2/grant_pb.js";
import { ResourceSchema } from "../../gen/c1/connector/v2/resource_pb.js";
import { C1zError } from "./c1z-error.js";
import { C1zStore, type SyncStore } from "./store.js";
import { fixture, user } from "./test-support/fixtures.js";
import { tempDir } from "./test-support/temp-dir.js";
import { ThreadedC1zStore } from "./threaded-store.js";
import { storeWorkerFile } from "./writer-thread.js";

const workerFile = new URL("../../../dist/src/baton/c1z/store-worker.js", import.meta.url);

function openThreaded(file: string): Promise<ThreadedC1zStore> {
  if (!existsSync(fileURLToPath(workerFile))) {
    throw new Error(`${fileURLToPath(workerFile)} is missing: run \`npm run build\` first`);
  }
  return ThreadedC1zStore.open(file, { workerFile });
}

/** A full sync of the fixture, written page by page with checkpoints, as the syncer does. */
function writeSync(store: SyncStore): string {
  const f = fixture();
  const syncId = store.startSync("full");
  store.transaction(() => {
    store.putResourceTypes(syncId, f.resourceTypes);
    store.setSyncToken(syncId, "types");
  });
  for (const r of f.resources) {
    store.transaction(() => {
      store.putResources(syncId, [r]);
      store.setSyncToken(syncId, `resource ${r.id?.resource}`);
    });
  }
  expect(store.resourcesAfter(syncId, 0, 1000).map((r) => r.resource.id)).toEqual(
    f.resources.map((r) => r.id),
  );
  store.transaction(() => {
    store.putEntitlements(syncId, f.entitlements);
    store.putGrants(syncId, f.grants);
    store.setSyncToken(syncId, "done");
  });
  expect(store.counts(syncId)).toEqual({
    resourceTypes: f.resourceTypes.length,
    resources: f.resources.length,
    entitlements: f.entitlements.length,
    grants: f.grants.length,
  });
  const byType = (types: (string | undefined)[]) => {
    const out: Record<string, number> = {};
    for (const t of types) out[t ?? ""] = (out[t ?? ""] ?? 0) + 1;
    return out;
  };
  const expectedByType = {
    resourcesByType: byType(f.resources.map((r) => r.id?.resourceType)),
    entitlementsByType: byType(f.entitlements.map((e) => e.resource?.id?.resourceType)),
    grantsByType: byType(f.grants.map((g) => g.entitlement?.resource?.id?.resourceType)),
  };
  expect(store.countsByType(syncId)).toEqual(expectedByType);
  store.markSupportsDiff(syncId);
  store.endSync(syncId);
  // Once ended, from the counts endSync stored: the same.
  expect(store.countsByType(syncId)).toEqual(expectedByType);
  store.cleanupSyncs(2);
  return syncId;
}

describe("ThreadedC1zStore", () => {
  it("is not used from the TypeScript sources, where there is no compiled worker", () => {
    expect(storeWorkerFile()).toBeUndefined();
  });

  it("stores the rows of the in-thread store, byte for byte", async () => {
    const dir = tempDir();
    const local = await C1zStore.open(join(dir, "local.c1z"));
    writeSync(local);
    await local.save();
    const threaded = await openThreaded(join(dir, "threaded.c1z"));
    writeSync(threaded);
    await threaded.save();
    const a = c1zRows(join(dir, "local.c1z"));
    expect(a.grants.size).toBeGreaterThan(2);
    expect(rowsAsObject(c1zRows(join(dir, "threaded.c1z")))).toEqual(rowsAsObject(a));
  });

  it("reads see earlier transactions, also past a prefetched page", async () => {
    const store = await openThreaded(join(tempDir(), "s.c1z"));
    try {
      const syncId = store.startSync("full");
      const users = Array.from({ length: 5 }, (_, i) => user(`u${i}`, `User ${i}`));
      store.putResources(syncId, users.slice(0, 2));
      const first = store.resourcesAfter(syncId, 0, 2);
      expect(first.map((r) => r.resource.id?.resource)).toEqual(["u0", "u1"]);
      // The next page was asked for ahead, while it was empty; writing resources drops it.
      store.putResources(syncId, users.slice(2));
      const next = store.resourcesAfter(syncId, first[1]?.rowId ?? 0, 2);
      expect(next.map((r) => r.resource.id?.resource)).toEqual(["u2", "u3"]);
      // Grants do not change resources: this page comes from the prefetch.
      store.putGrants(syncId, fixture().grants);
      const last = store.resourcesAfter(syncId, next[1]?.rowId ?? 0, 2);
      expect(last.map((r) => r.resource.id?.resource)).toEqual(["u4"]);
      expect(store.resourcesOfType(syncId, "user", 0, 10)).toHaveLength(5);
    } finally {
      store.abandon();
    }
  });

  it("a failed batch commits nothing, stops later ones, and is reported by the next call", async () => {
    const file = join(tempDir(), "s.c1z");
    const store = await openThreaded(file);
    const syncId = store.startSync("full");
    store.transaction(() => {
      store.putResources(syncId, [user("u0", "User 0")]);
      store.setSyncToken(syncId, "one");
    });
    // Resources are encoded on the worker: the bad one fails there, after this returns.
    store.transaction(() => {
      store.putResources(syncId, [user("u1", "User 1"), create(ResourceSchema, {})]);
      store.setSyncToken(syncId, "two");
    });
    store.transaction(() => {
      store.putResources(syncId, [user("u2", "User 2")]);
      store.setSyncToken(syncId, "three");
    });
    expect(() => store.counts(syncId)).toThrow(C1zError);
    expect(() => store.transaction(() => {})).toThrow(/without a full id/);
    store.abandon();

    const reopened = await C1zStore.open(file);
    try {
      expect(reopened.latestUnfinishedSync("full")?.syncToken).toBe("one");
      expect(reopened.counts(syncId).resources).toBe(1);
    } finally {
      reopened.abandon();
    }
  });

  it("refuses a grant without ids at once (grants are encoded on the calling thread)", async () => {
    const store = await openThreaded(join(tempDir(), "s.c1z"));
    try {
      const syncId = store.startSync("full");
      expect(() => store.putGrants(syncId, [create(GrantSchema, {})])).toThrow(C1zError);
      expect(store.counts(syncId).grants).toBe(0);
    } finally {
      store.abandon();
    }
  });

  it("abandon keeps what was posted, so the next open resumes from it", async () => {
    const file = join(tempDir(), "s.c1z");
    const store = await openThreaded(file);
    const syncId = store.startSync("full");
    for (let i = 0; i < 20; i++) {
      store.transaction(() => {
        store.putResources(syncId, [user(`u${i}`, `User ${i}`)]);
        store.setSyncToken(syncId, `page ${i}`);
      });
    }
    store.abandon();
    expect(() => store.counts(syncId)).toThrow(/closed/);

    const resumed = await openThreaded(file);
    try {
      expect(resumed.latestUnfinishedSync("full")).toMatchObject({ syncId, syncToken: "page 19" });
      expect(resumed.counts(syncId).resources).toBe(20);
    } finally {
      resumed.abandon();
    }
  });

  it("reports a locked file as the in-thread store does", async () => {
    const file = join(tempDir(), "s.c1z");
    const first = await openThreaded(file);
    try {
      await expect(openThreaded(file)).rejects.toMatchObject({ code: "locked" });
      await expect(C1zStore.open(file)).rejects.toMatchObject({ code: "locked" });
    } finally {
      first.abandon();
    }
  });
});
