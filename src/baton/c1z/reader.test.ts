import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { anyIs, anyUnpack } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { GrantExpandableSchema } from "../../gen/c1/connector/v2/annotation_grant_pb.js";
import { GrantSchema } from "../../gen/c1/connector/v2/grant_pb.js";
import { ResourceSchema, ResourceTypeSchema } from "../../gen/c1/connector/v2/resource_pb.js";
import { C1zError } from "./c1z-error.js";
import { C1Z_V3_MAGIC } from "./envelope.js";
import { C1zReader } from "./reader.js";
import { C1zStore } from "./store.js";
import { fixture, grant, group, memberEntitlement, user } from "./test-support/fixtures.js";
import { insertSyncRun, writeRawC1z } from "./test-support/raw-c1z.js";
import { tempDir } from "./test-support/temp-dir.js";

async function openError(file: string, options = {}): Promise<C1zError> {
  const err = await C1zReader.open(file, options).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(C1zError);
  return err as C1zError;
}

describe("C1zReader", () => {
  it("reads back every message the writer stored", async () => {
    const file = join(tempDir(), "sync.c1z");
    const f = fixture();
    const store = await C1zStore.open(file);
    const syncId = store.startSync("full");
    store.putResourceTypes(syncId, f.resourceTypes);
    store.putResources(syncId, f.resources);
    store.putEntitlements(syncId, f.entitlements);
    store.putGrants(syncId, f.grants);
    store.endSync(syncId);
    await store.save();

    const reader = await C1zReader.open(file);
    try {
      expect(reader.resourceTypes().map((t) => toBinary(ResourceTypeSchema, t))).toEqual(
        f.resourceTypes.map((t) => toBinary(ResourceTypeSchema, t)),
      );
      expect(reader.resources().map((r) => r.id?.resource)).toEqual([
        "alice",
        "bob",
        "eng",
        "backend",
      ]);
      expect(reader.resources({ resourceTypeId: "group" }).map((r) => r.displayName)).toEqual([
        "Engineering",
        "Backend",
      ]);
      expect(
        reader.entitlements({ resource: { resourceType: "group", resource: "eng" } }),
      ).toHaveLength(1);
      const grants = reader.grants();
      expect(grants.map((g) => g.id)).toEqual(f.grants.map((g) => g.id));
      const expandable = grants[1]?.annotations.filter((a) => anyIs(a, GrantExpandableSchema));
      expect(expandable).toHaveLength(1);
      expect(reader.grants({ entitlementId: "group:backend:member" }).map((g) => g.id)).toEqual([
        "group:backend:member:user:bob",
      ]);
      expect(
        reader.grants({ principal: { resourceType: "user", resource: "alice" } }),
      ).toHaveLength(1);
      expect(reader.resource({ resourceType: "group", resource: "backend" })?.displayName).toBe(
        "Backend",
      );
      expect(reader.resource({ resourceType: "group", resource: "nope" })).toBeUndefined();
      expect(reader.entitlement("group:eng:member")?.resource?.id?.resource).toBe("eng");
      expect(reader.grant("group:eng:member:group:backend")?.annotations).toHaveLength(1);
      expect(reader.grant("nope")).toBeUndefined();
      expect(reader.stats()).toMatchObject({
        syncId,
        counts: { resourceTypes: 2, resources: 4, entitlements: 2, grants: 3 },
        resourcesByType: { group: 2, user: 2 },
        grantsByType: { group: 3 },
      });
    } finally {
      reader.close();
    }
  });

  it("shows the latest finished sync even when a newer one is unfinished", async () => {
    const file = join(tempDir(), "sync.c1z");
    const store = await C1zStore.open(file);
    const done = store.startSync("full");
    store.putResources(done, [user("old", "Finished")]);
    store.endSync(done);
    const running = store.startSync("full");
    store.putResources(running, [user("new", "Unfinished")]);
    await store.save();

    const reader = await C1zReader.open(file);
    try {
      expect(reader.syncId()).toBe(done);
      expect(reader.resources().map((r) => r.displayName)).toEqual(["Finished"]);
      expect(reader.syncs().map((s) => [s.syncId, s.endedAt !== undefined])).toEqual([
        [done, true],
        [running, false],
      ]);
    } finally {
      reader.close();
    }

    const explicit = await C1zReader.open(file, { syncId: running });
    try {
      expect(explicit.resources().map((r) => r.displayName)).toEqual(["Unfinished"]);
    } finally {
      explicit.close();
    }
    expect((await openError(file, { syncId: "2NoSuchSyncId0000000000000" })).code).toBe(
      "unknown-sync",
    );
  });

  it("falls back to the latest unfinished sync when none finished", async () => {
    const file = join(tempDir(), "sync.c1z");
    const store = await C1zStore.open(file);
    const running = store.startSync("full");
    store.putResources(running, [user("u", "Only")]);
    await store.save();
    const reader = await C1zReader.open(file);
    try {
      expect(reader.syncId()).toBe(running);
      expect(reader.resources()).toHaveLength(1);
    } finally {
      reader.close();
    }
  });

  it("reads resources from the latest full sync and the rest from the latest finished one", async () => {
    const file = join(tempDir(), "sync.c1z");
    const eng = group("eng", "Engineering");
    const ent = memberEntitlement(eng);
    await writeRawC1z(file, (db) => {
      insertSyncRun(db, {
        syncId: "1aaaaaaaaaaaaaaaaaaaaaaaaaa",
        type: "full",
        startedAt: "2025-01-01 10:00:00",
        endedAt: "2025-01-01 10:05:00.5",
      });
      insertSyncRun(db, {
        syncId: "1bbbbbbbbbbbbbbbbbbbbbbbbbb",
        type: "partial",
        startedAt: "2025-01-02 10:00:00",
        endedAt: "2025-01-02 10:01:00",
        parentSyncId: "1aaaaaaaaaaaaaaaaaaaaaaaaaa",
      });
      const putResource = (syncId: string, name: string) =>
        db
          .prepare(
            "insert into v1_resources (resource_type_id, external_id, data, sync_id, discovered_at) " +
              "values ('group', ?, ?, ?, '2025-01-01 10:00:00')",
          )
          .run(`group:${name}`, toBinary(ResourceSchema, group(name, name)), syncId);
      putResource("1aaaaaaaaaaaaaaaaaaaaaaaaaa", "from-full");
      putResource("1bbbbbbbbbbbbbbbbbbbbbbbbbb", "from-partial");
      // As the Go writer stores it: GrantExpandable only in the expansion column.
      const g = grant(ent, group("backend", "Backend"));
      db.prepare(
        "insert into v1_grants (resource_type_id, resource_id, entitlement_id, " +
          "principal_resource_type_id, principal_resource_id, external_id, expansion, " +
          "needs_expansion, data, sync_id, discovered_at) values " +
          "('group', 'eng', ?, 'group', 'backend', ?, ?, 1, ?, ?, '2025-01-02 10:00:00')",
      ).run(
        ent.id,
        g.id,
        toBinary(
          GrantExpandableSchema,
          create(GrantExpandableSchema, {
            entitlementIds: ["group:backend:member"],
            shallow: true,
          }),
        ),
        toBinary(GrantSchema, g),
        "1bbbbbbbbbbbbbbbbbbbbbbbbbb",
      );
    });

    const reader = await C1zReader.open(file);
    try {
      expect(reader.resourcesSyncId()).toBe("1aaaaaaaaaaaaaaaaaaaaaaaaaa");
      expect(reader.syncId()).toBe("1bbbbbbbbbbbbbbbbbbbbbbbbbb");
      expect(reader.resources().map((r) => r.displayName)).toEqual(["from-full"]);
      const [stored] = reader.grants();
      const annotation = stored?.annotations.find((a) => anyIs(a, GrantExpandableSchema));
      expect(annotation && anyUnpack(annotation, GrantExpandableSchema)).toMatchObject({
        entitlementIds: ["group:backend:member"],
        shallow: true,
      });
    } finally {
      reader.close();
    }
  });

  it("explains files it cannot read, in one line", async () => {
    const dir = tempDir();
    expect(await openError(join(dir, "missing.c1z"))).toMatchObject({
      code: "not-found",
      message: `${join(dir, "missing.c1z")}: no such file`,
    });
    writeFileSync(join(dir, "text.c1z"), "hello");
    expect((await openError(join(dir, "text.c1z"))).message).toBe(
      `${join(dir, "text.c1z")}: not a c1z file (expected C1ZF header)`,
    );
    writeFileSync(join(dir, "v3.c1z"), Buffer.concat([C1Z_V3_MAGIC, Buffer.alloc(8)]));
    expect((await openError(join(dir, "v3.c1z"))).message).toBe(
      `${join(dir, "v3.c1z")}: v3 (Pebble) c1z files are not supported; re-sync with this connector`,
    );
  });

  it("removes its unpacked copy on close, and on a failed open", async () => {
    const dir = tempDir();
    const scratch = tempDir("c1z-scratch-");
    const file = join(dir, "sync.c1z");
    const store = await C1zStore.open(file);
    store.endSync(store.startSync("full"));
    await store.save();
    const reader = await C1zReader.open(file, { tempDir: scratch });
    expect(readdirSync(scratch)).toHaveLength(1);
    reader.close();
    reader.close();
    expect(readdirSync(scratch)).toEqual([]);

    writeFileSync(join(dir, "bad.c1z"), "C1ZF\u0000garbage");
    await openError(join(dir, "bad.c1z"), { tempDir: scratch });
    expect(readdirSync(scratch)).toEqual([]);
  });
});
