import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import type { Grant } from "../../gen/c1/connector/v2/grant_pb.js";
import { C1zError } from "./c1z-error.js";
import { readEnvelope } from "./envelope.js";
import {
  DEFERRABLE_GRANT_INDEXES,
  GrantIndexDeferral,
  MIN_DEFERRED_LOAD,
  shouldDefer,
} from "./grant-index-deferral.js";
import { C1zReader } from "./reader.js";
import { SCHEMA, TABLES } from "./schema.js";
import { C1zStore } from "./store.js";
import { grant, group, memberEntitlement, user } from "./test-support/fixtures.js";
import { insertSyncRun, writeRawC1z } from "./test-support/raw-c1z.js";
import { tempDir } from "./test-support/temp-dir.js";

const eng = group("eng", "Engineering");
const engMember = memberEntitlement(eng);

/** `count` membership grants of distinct users, numbered from `from`. */
function grants(count: number, from = 0): Grant[] {
  return Array.from({ length: count }, (_, i) => grant(engMember, user(`u${from + i}`, "U")));
}

function indexNames(db: DatabaseSync): string[] {
  return db
    .prepare("select name from sqlite_master where type = 'index' and tbl_name = ? order by name")
    .all(TABLES.grants)
    .map((row) => String(row.name));
}

/** Every index the schema declares on the grant table, by name. */
const ALL_GRANT_INDEXES = (SCHEMA.find((t) => t.name === TABLES.grants)?.indexes ?? [])
  .map((sql) => /index if not exists (\w+) on/.exec(sql)?.[1] ?? "")
  .sort();

/** The grant indexes inside a saved c1z, read without completing its schema. */
async function savedGrantIndexes(file: string): Promise<string[]> {
  const path = join(tempDir(), "unpacked.sqlite");
  await readEnvelope(file, path);
  const db = new DatabaseSync(path);
  try {
    return indexNames(db);
  } finally {
    db.close();
  }
}

describe("shouldDefer", () => {
  it("waits for a load large enough, and large against what the table held", () => {
    expect(shouldDefer(MIN_DEFERRED_LOAD - 1, 0)).toBe(false);
    expect(shouldDefer(MIN_DEFERRED_LOAD, 0)).toBe(true);
    // Two earlier syncs of 700,000 grants: a 100,000-grant load is not worth a rebuild of all.
    expect(shouldDefer(100_000, 1_400_000)).toBe(false);
    expect(shouldDefer(140_000, 1_400_000)).toBe(true);
  });

  it("defers the four non-unique, non-partial grant indexes", () => {
    expect(DEFERRABLE_GRANT_INDEXES.map((i) => i.name).sort()).toEqual([
      "idx_grants_entitlement_id_principal_id_v1",
      "idx_grants_entitlement_sync_grant_v1",
      "idx_grants_principal_id_v1",
      "idx_grants_resource_type_id_resource_id_v1",
    ]);
  });
});

describe("C1zStore with a large grant load", () => {
  it("drops the deferrable indexes mid-load; a reopened working database gets them back", async () => {
    const file = join(tempDir(), "sync.c1z");
    const store = await C1zStore.open(file);
    const syncId = store.startSync("full");
    store.putResources(syncId, [eng]);
    const batch = MIN_DEFERRED_LOAD / 2;
    for (let from = 0; from < 3 * batch; from += batch)
      store.putGrants(syncId, grants(batch, from));
    const workingDb = store.workingDbPath;
    store.abandon();

    // What a killed sync leaves: the rows committed, the deferrable indexes gone.
    const left = new DatabaseSync(workingDb);
    const present = indexNames(left);
    const rows = left.prepare(`select count(*) as n from ${TABLES.grants}`).get()?.n;
    left.close();
    expect(rows).toBe(3 * batch);
    expect(present).toEqual(
      ALL_GRANT_INDEXES.filter((n) => !DEFERRABLE_GRANT_INDEXES.some((d) => d.name === n)),
    );

    const resumed = await C1zStore.open(file);
    expect(resumed.origin).toBe("resumed");
    resumed.endSync(syncId);
    await resumed.save();
    expect(await savedGrantIndexes(file)).toEqual(ALL_GRANT_INDEXES);
  });

  it("rebuilds them before grants are read, and saves a c1z that has them all", async () => {
    const file = join(tempDir(), "sync.c1z");
    const store = await C1zStore.open(file);
    const syncId = store.startSync("full");
    store.putResources(syncId, [eng]);
    store.putGrants(syncId, grants(MIN_DEFERRED_LOAD + 1));
    // A read in the middle of the load: answered from the rebuilt indexes.
    expect(store.counts(syncId).grants).toBe(MIN_DEFERRED_LOAD + 1);
    store.putGrants(syncId, grants(MIN_DEFERRED_LOAD, MIN_DEFERRED_LOAD + 1));
    store.endSync(syncId);
    await store.save();

    expect(await savedGrantIndexes(file)).toEqual(ALL_GRANT_INDEXES);
    const reader = await C1zReader.open(file);
    try {
      const stored = reader.grants({ entitlementId: engMember.id });
      expect(stored).toHaveLength(2 * MIN_DEFERRED_LOAD + 1);
      expect(new Set(stored.map((g) => g.principal?.id?.resource)).size).toBe(
        2 * MIN_DEFERRED_LOAD + 1,
      );
    } finally {
      reader.close();
    }
  });

  it("keeps the indexes of a load small against the grants the file already holds", async () => {
    const file = join(tempDir(), "sync.c1z");
    const held = 110_000;
    await writeRawC1z(file, (db) => {
      insertSyncRun(db, {
        syncId: "old",
        type: "full",
        startedAt: "2026-12-01 00:00:00",
        endedAt: "2026-12-01 00:10:00",
      });
      const insert = db.prepare(
        `insert into ${TABLES.grants} (resource_type_id, resource_id, entitlement_id, ` +
          "principal_resource_type_id, principal_resource_id, external_id, data, sync_id, " +
          "discovered_at) values ('group', 'eng', 'group:eng:member', 'user', ?, ?, x'', 'old', " +
          "'2026-12-01 00:00:00')",
      );
      db.exec("begin");
      for (let i = 0; i < held; i++) insert.run(`u${i}`, `g${i}`);
      db.exec("commit");
    });

    const store = await C1zStore.open(file);
    const syncId = store.startSync("full");
    store.putResources(syncId, [eng]);
    // Above the minimum, but short of a tenth of what the table holds: no rebuild of 110,000 rows.
    store.putGrants(syncId, grants(held / 10 - 1));
    const workingDb = store.workingDbPath;
    store.abandon();
    const left = new DatabaseSync(workingDb);
    expect(indexNames(left)).toEqual(ALL_GRANT_INDEXES);
    left.close();
  });

  it("rebuilds after a rollback that undid an earlier rebuild", async () => {
    const file = join(tempDir(), "sync.c1z");
    const store = await C1zStore.open(file);
    const syncId = store.startSync("full");
    store.putResources(syncId, [eng]);
    store.putGrants(syncId, grants(MIN_DEFERRED_LOAD));
    expect(() =>
      store.transaction(() => {
        // The read rebuilds inside this transaction; the rollback takes the rebuild back out.
        store.counts(syncId);
        throw new Error("page refused");
      }),
    ).toThrow("page refused");
    store.endSync(syncId);
    await store.save();
    expect(await savedGrantIndexes(file)).toEqual(ALL_GRANT_INDEXES);
  });

  it("names the working database and the temporary directory when a rebuild cannot sort", () => {
    // SQLite fails this way when no temporary directory it tries is writable.
    const executed: string[] = [];
    const db = {
      prepare: () => ({ get: () => ({ n: 0 }) }),
      exec(sql: string) {
        if (sql.startsWith("create")) throw new Error("unable to open database file");
        executed.push(sql);
      },
    } as unknown as DatabaseSync;
    const deferral = new GrantIndexDeferral(db, "/data/sync.c1z.work.sqlite");
    deferral.adding(MIN_DEFERRED_LOAD);
    expect(executed).toHaveLength(DEFERRABLE_GRANT_INDEXES.length);
    let caught: unknown;
    try {
      deferral.restore();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(C1zError);
    expect((caught as C1zError).code).toBe("unwritable");
    expect((caught as C1zError).message).toBe(
      "/data/sync.c1z.work.sqlite: cannot rebuild the grant indexes (unable to open database " +
        "file); SQLite sorts them in $SQLITE_TMPDIR, else $TMPDIR, else /var/tmp or /tmp: give " +
        "one of them room (about 70 MB per 700,000 grants) and run the sync again, it resumes",
    );
    // Still owed: the next rebuild tries again.
    expect(deferral.deferred).toBe(true);
  });

  it("defers once per session: a load read in its middle keeps its indexes afterwards", () => {
    const executed: string[] = [];
    const db = {
      prepare: () => ({ get: () => ({ n: 0 }) }),
      exec: (sql: string) => executed.push(sql),
    } as unknown as DatabaseSync;
    const deferral = new GrantIndexDeferral(db, "/data/sync.c1z.work.sqlite");
    deferral.adding(MIN_DEFERRED_LOAD);
    deferral.restore();
    deferral.adding(MIN_DEFERRED_LOAD);
    deferral.restore();
    expect(executed.map((sql) => sql.split(" ")[0])).toEqual([
      ...DEFERRABLE_GRANT_INDEXES.map(() => "drop"),
      ...DEFERRABLE_GRANT_INDEXES.map(() => "create"),
    ]);
    expect(deferral.deferred).toBe(false);
  });
});
