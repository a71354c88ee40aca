import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { anyIs } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { GrantExpandableSchema } from "../../gen/c1/connector/v2/annotation_grant_pb.js";
import { ResourceSchema } from "../../gen/c1/connector/v2/resource_pb.js";
import { C1zError } from "./c1z-error.js";
import { C1zReader } from "./reader.js";
import { C1zStore } from "./store.js";
import { fixture, grant, group, memberEntitlement, user } from "./test-support/fixtures.js";
import { tempDir } from "./test-support/temp-dir.js";
import { workingDbPath } from "./working-db.js";

const DAY = 24 * 60 * 60 * 1000;

async function writeFullSync(store: C1zStore): Promise<string> {
  const f = fixture();
  const syncId = store.startSync("full");
  store.putResourceTypes(syncId, f.resourceTypes);
  store.putResources(syncId, f.resources);
  store.putEntitlements(syncId, f.entitlements);
  store.putGrants(syncId, f.grants);
  store.endSync(syncId);
  return syncId;
}

describe("C1zStore", () => {
  it("starts new for a missing or zero-length file and refuses foreign files", async () => {
    const dir = tempDir();
    const missing = await C1zStore.open(join(dir, "a.c1z"));
    expect(missing.origin).toBe("new");
    await missing.discard();

    writeFileSync(join(dir, "empty.c1z"), "");
    const empty = await C1zStore.open(join(dir, "empty.c1z"));
    expect(empty.origin).toBe("new");
    await empty.discard();

    writeFileSync(join(dir, "notes.txt"), "hello");
    await expect(C1zStore.open(join(dir, "notes.txt"))).rejects.toThrow(
      "not a c1z file (expected C1ZF header)",
    );
    expect(existsSync(workingDbPath(join(dir, "notes.txt")))).toBe(false);
  });

  it("upserts on (external_id, sync_id): one row, the newest data", async () => {
    const store = await C1zStore.open(join(tempDir(), "sync.c1z"));
    const syncId = store.startSync("full");
    store.putResources(syncId, [user("alice", "Alice")]);
    store.putResources(syncId, [user("alice", "Alice Liddell")]);
    expect(store.counts(syncId).resources).toBe(1);
    expect(store.resource(syncId, { resourceType: "user", resource: "alice" })?.displayName).toBe(
      "Alice Liddell",
    );

    // Grants refresh data and both expansion columns.
    const f = fixture();
    const expandable = f.grants[1];
    if (!expandable) throw new Error("fixture");
    store.putGrants(syncId, [expandable]);
    const plain = { ...expandable, annotations: [] };
    store.putGrants(syncId, [plain]);
    expect(store.counts(syncId).grants).toBe(1);
    expect(store.grantsAfter(syncId, 0, 10, { needsExpansion: true })).toHaveLength(0);
    const stored = store.grant(syncId, expandable.id);
    expect(stored?.annotations.some((a) => anyIs(a, GrantExpandableSchema))).toBe(false);

    // The same external id in another sync is another row.
    const other = store.startSync("partial");
    store.putResources(other, [user("alice", "Alice")]);
    expect(store.counts(other).resources).toBe(1);
    expect(store.counts(syncId).resources).toBe(1);
    await store.discard();
  });

  it("refuses messages without the ids their rows are keyed on", async () => {
    const store = await C1zStore.open(join(tempDir(), "sync.c1z"));
    const syncId = store.startSync("full");
    let err: unknown;
    try {
      store.putResources(syncId, [create(ResourceSchema, { displayName: "no id" })]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(C1zError);
    expect((err as C1zError).message).toMatch(/resource "no id" without a full id/);
    await store.discard();
  });

  it("commits a page and its checkpoint together, or neither", async () => {
    const store = await C1zStore.open(join(tempDir(), "sync.c1z"));
    const syncId = store.startSync("full");
    store.transaction(() => {
      store.putResources(syncId, [user("a", "A")]);
      store.setSyncToken(syncId, "page-1");
    });
    expect(() =>
      store.transaction(() => {
        store.putResources(syncId, [user("b", "B")]);
        store.setSyncToken(syncId, "page-2");
        throw new Error("connector failed");
      }),
    ).toThrow("connector failed");
    expect(store.counts(syncId).resources).toBe(1);
    expect(store.latestUnfinishedSync("full")?.syncToken).toBe("page-1");
    await store.discard();
  });

  it("resumes an abandoned sync from the working database, with its rows and token", async () => {
    const file = join(tempDir(), "sync.c1z");
    const first = await C1zStore.open(file);
    const syncId = first.startSync("full");
    first.putResourceTypes(syncId, fixture().resourceTypes);
    first.putResources(syncId, fixture().resources);
    first.setSyncToken(syncId, '{"phase":"resources"}');
    first.abandon();
    expect(existsSync(file)).toBe(false);
    expect(existsSync(workingDbPath(file))).toBe(true);

    const second = await C1zStore.open(file);
    expect(second.origin).toBe("resumed");
    const resumed = second.latestUnfinishedSync("full");
    expect(resumed).toMatchObject({ syncId, syncToken: '{"phase":"resources"}' });
    expect(second.counts(syncId)).toEqual({
      resourceTypes: 2,
      resources: 4,
      entitlements: 0,
      grants: 0,
    });
    expect(second.latestUnfinishedSync("resources_only")).toBeUndefined();
    second.endSync(syncId);
    await second.save();
    expect(existsSync(workingDbPath(file))).toBe(false);
  });

  it("does not resume a sync that started 7 days ago or more", async () => {
    const file = join(tempDir(), "sync.c1z");
    const t0 = new Date("2025-03-01T12:00:00Z").getTime();
    let now = t0;
    const store = await C1zStore.open(file, { now: () => new Date(now) });
    const syncId = store.startSync("full");
    now = t0 + 6 * DAY;
    expect(store.latestUnfinishedSync("full")?.syncId).toBe(syncId);
    now = t0 + 7 * DAY;
    expect(store.latestUnfinishedSync("full")).toBeUndefined();
    await store.discard();
  });

  it("keeps previous syncs when a saved file is opened for the next sync", async () => {
    const file = join(tempDir(), "sync.c1z");
    const first = await C1zStore.open(file);
    const one = await writeFullSync(first);
    await first.save();

    const second = await C1zStore.open(file);
    expect(second.origin).toBe("unpacked");
    expect(second.latestUnfinishedSync("full")).toBeUndefined();
    const two = await writeFullSync(second);
    await second.save();

    const reader = await C1zReader.open(file);
    try {
      expect(reader.syncs().map((s) => s.syncId)).toEqual([one, two]);
      expect(reader.syncId()).toBe(two);
    } finally {
      reader.close();
    }
  });

  it("cleanup keeps the newest 2 full syncs, counting a running one, and vacuums", async () => {
    // Every reading of the clock is one second later, so syncs order by time.
    let now = new Date("2025-01-01T00:00:00Z").getTime();
    const tick = () => {
      now += 1000;
      return new Date(now);
    };
    const store = await C1zStore.open(join(tempDir(), "sync.c1z"), { now: tick });
    const a = await writeFullSync(store);
    const partial = store.startSync("partial", a);
    store.putResources(partial, [group("p", "P")]);
    store.endSync(partial);
    const b = await writeFullSync(store);
    const c = await writeFullSync(store);
    const running = store.startSync("full");

    // With the running sync counted, only c is kept among the finished ones.
    expect(store.cleanupSyncs(2, running)).toEqual([a, b, partial]);
    expect(store.syncRuns().map((r) => r.syncId)).toEqual([c, running]);
    expect(store.counts(a)).toEqual({ resourceTypes: 0, resources: 0, entitlements: 0, grants: 0 });
    expect(store.counts(c).grants).toBe(3);

    store.endSync(running);
    expect(store.cleanupSyncs(2)).toEqual([]);
    const d = await writeFullSync(store);
    expect(store.cleanupSyncs()).toEqual([c]);
    expect(store.syncRuns().map((r) => r.syncId)).toEqual([running, d]);
    await store.discard();
  });

  it("pages through stored rows in store order, with filters", async () => {
    const store = await C1zStore.open(join(tempDir(), "sync.c1z"));
    const syncId = await writeFullSync(store);
    const ids: string[] = [];
    for (let after = 0; ; ) {
      const page = store.resourcesAfter(syncId, after, 3);
      if (page.length === 0) break;
      ids.push(...page.map((r) => r.resource.id?.resource ?? ""));
      after = page[page.length - 1]?.rowId ?? after;
    }
    expect(ids).toEqual(["alice", "bob", "eng", "backend"]);
    expect(
      store.resourcesOfType(syncId, "group", 0, 10).map((r) => r.resource.displayName),
    ).toEqual(["Engineering", "Backend"]);
    expect(
      store.resourcesAfter(syncId, 0, 10, { parent: { resourceType: "group", resource: "eng" } }),
    ).toHaveLength(1);
    expect(
      store
        .resourcesAfter(syncId, 0, 10, { excludeResourceTypeIds: ["user"] })
        .map((r) => r.resource.id?.resource),
    ).toEqual(["eng", "backend"]);
    expect(store.resourceTypes(syncId).map((t) => t.id)).toEqual(["user", "group"]);
    expect(store.entitlement(syncId, "group:eng:member")?.slug).toBe("member");
    expect(
      store.entitlementsAfter(syncId, 0, 10, {
        resource: { resourceType: "group", resource: "backend" },
      }),
    ).toHaveLength(1);
    const expandable = store.grantsAfter(syncId, 0, 10, { needsExpansion: true });
    expect(expandable.map((g) => g.grant.id)).toEqual(["group:eng:member:group:backend"]);
    expect(store.grantsAfter(syncId, 0, 10, { entitlementId: "group:eng:member" })).toHaveLength(2);
    expect(
      store.grantsAfter(syncId, 0, 10, { principal: { resourceType: "user", resource: "bob" } }),
    ).toHaveLength(1);
    await store.discard();
  });

  it("refuses a second writer on the same output while the first is open", async () => {
    const file = join(tempDir(), "sync.c1z");
    const first = await C1zStore.open(file);
    first.startSync("full");
    const err = await C1zStore.open(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(C1zError);
    expect((err as C1zError).code).toBe("locked");
    first.abandon();
    const again = await C1zStore.open(file);
    expect(again.latestUnfinishedSync("full")).toBeDefined();
    await again.discard();
  });

  it("refuses use after save, and keeps the working database in a temp dir when asked", async () => {
    const dir = tempDir();
    const work = tempDir("c1z-work-");
    const file = join(dir, "sync.c1z");
    const store = await C1zStore.open(file, { tempDir: work });
    expect(store.workingDbPath.startsWith(work)).toBe(true);
    await writeFullSync(store);
    await store.save();
    expect(() => store.startSync("full")).toThrow(/closed/);
    expect(readdirSync(work)).toEqual([]);
    expect(readdirSync(dir)).toEqual(["sync.c1z"]);
  });

  it("leaves the previous file byte-identical when save fails, and the working db for resume", async () => {
    const dir = tempDir();
    const file = join(dir, "sync.c1z");
    const first = await C1zStore.open(file);
    await writeFullSync(first);
    await first.save();
    const before = readFileSync(file);

    const second = await C1zStore.open(file);
    const syncId = second.startSync("full");
    second.putResources(syncId, [group("new", "New")]);
    // Compression fails (here: it is cancelled) after the store closed its database.
    const controller = new AbortController();
    controller.abort(new Error("interrupted"));
    await expect(second.save({ signal: controller.signal })).rejects.toThrow();
    expect(readFileSync(file)).toEqual(before);
    expect(readdirSync(dir).filter((n) => n.includes(".tmp-"))).toEqual([]);
    expect(existsSync(second.workingDbPath)).toBe(true);

    const third = await C1zStore.open(file);
    expect(third.latestUnfinishedSync("full")?.syncId).toBe(syncId);
    await third.discard();
  });

  it("ignores and clears a temporary file left by a crash during a previous save", async () => {
    const dir = tempDir();
    const file = join(dir, "sync.c1z");
    const first = await C1zStore.open(file);
    const syncId = await writeFullSync(first);
    await first.save();
    writeFileSync(`${file}.tmp-deadbeef0000`, "half-written c1z");

    const store = await C1zStore.open(file);
    expect(store.latestFinishedSync(["full"])?.syncId).toBe(syncId);
    expect(readdirSync(dir).filter((n) => n.includes(".tmp-"))).toEqual([]);
    await store.discard();
  });

  it("records parent sync ids and the supports_diff marker", async () => {
    const store = await C1zStore.open(join(tempDir(), "sync.c1z"));
    const full = await writeFullSync(store);
    store.markSupportsDiff(full);
    const partial = store.startSync("partial", full);
    expect(store.syncRun(partial)).toMatchObject({ type: "partial", parentSyncId: full });
    expect(store.syncRun(full)?.supportsDiff).toBe(true);
    expect(() => store.setSyncToken("nope", "x")).toThrow(/no sync with id nope/);
    // A grant on a resource of another type still gets its own row.
    const r = group("x", "X");
    store.putGrants(partial, [grant(memberEntitlement(r), user("u", "U"))]);
    expect(store.counts(partial).grants).toBe(1);
    await store.discard();
  });
});
