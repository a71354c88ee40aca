/**
 * The c1z format, checked from the outside: the file is decompressed with node:zlib and opened
 * with node:sqlite directly, and compared with the Go SDK's c1z layout literally, without using
 * the writer's own schema definitions.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync, type SQLOutputValue } from "node:sqlite";
import { zstdDecompressSync } from "node:zlib";
import { fromBinary } from "@bufbuild/protobuf";
import { anyIs } from "@bufbuild/protobuf/wkt";
import { beforeAll, describe, expect, it } from "vitest";
import { GrantExpandableSchema } from "../../gen/c1/connector/v2/annotation_grant_pb.js";
import { EntitlementSchema } from "../../gen/c1/connector/v2/entitlement_pb.js";
import { GrantSchema } from "../../gen/c1/connector/v2/grant_pb.js";
import { ResourceSchema, ResourceTypeSchema } from "../../gen/c1/connector/v2/resource_pb.js";
import { zstdFrameContentSize } from "./envelope.js";
import { C1zStore } from "./store.js";
import { fixture } from "./test-support/fixtures.js";
import { tempDir } from "./test-support/temp-dir.js";

type Row = Record<string, SQLOutputValue>;

/** Go layout 2006-01-02 15:04:05.999999999: no zone, no trailing fractional zeros. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d*[1-9])?$/;

// [name, type, notnull, default, pk] per column, as the Go SDK creates them.
const COLUMNS: Record<string, [string, string, number, string | null, number][]> = {
  v1_resource_types: [
    ["id", "integer", 0, null, 1],
    ["external_id", "text", 1, null, 0],
    ["data", "blob", 1, null, 0],
    ["sync_id", "text", 1, null, 0],
    ["discovered_at", "datetime", 1, null, 0],
  ],
  v1_resources: [
    ["id", "integer", 0, null, 1],
    ["resource_type_id", "text", 1, null, 0],
    ["external_id", "text", 1, null, 0],
    ["parent_resource_type_id", "text", 0, null, 0],
    ["parent_resource_id", "text", 0, null, 0],
    ["data", "blob", 1, null, 0],
    ["sync_id", "text", 1, null, 0],
    ["discovered_at", "datetime", 1, null, 0],
  ],
  v1_entitlements: [
    ["id", "integer", 0, null, 1],
    ["resource_type_id", "text", 1, null, 0],
    ["resource_id", "text", 1, null, 0],
    ["external_id", "text", 1, null, 0],
    ["data", "blob", 1, null, 0],
    ["sync_id", "text", 1, null, 0],
    ["discovered_at", "datetime", 1, null, 0],
  ],
  v1_grants: [
    ["id", "integer", 0, null, 1],
    ["resource_type_id", "text", 1, null, 0],
    ["resource_id", "text", 1, null, 0],
    ["entitlement_id", "text", 1, null, 0],
    ["principal_resource_type_id", "text", 1, null, 0],
    ["principal_resource_id", "text", 1, null, 0],
    ["external_id", "text", 1, null, 0],
    ["expansion", "blob", 0, null, 0],
    ["needs_expansion", "integer", 1, "0", 0],
    ["data", "blob", 1, null, 0],
    ["sync_id", "text", 1, null, 0],
    ["discovered_at", "datetime", 1, null, 0],
  ],
  v1_sync_runs: [
    ["id", "integer", 0, null, 1],
    ["sync_id", "text", 1, null, 0],
    ["started_at", "datetime", 1, null, 0],
    ["ended_at", "datetime", 0, null, 0],
    ["sync_token", "text", 1, null, 0],
    ["sync_type", "text", 1, "'full'", 0],
    ["parent_sync_id", "text", 1, "''", 0],
    ["linked_sync_id", "text", 1, "''", 0],
    ["supports_diff", "integer", 1, "0", 0],
    ["grants_backfilled", "integer", 1, "0", 0],
    ["stats", "text", 0, null, 0],
    ["ingest_invariant_generation", "text", 1, "''", 0],
    ["ingest_invariant_coverage", "text", 1, "''", 0],
    ["ingest_invariant_mode", "text", 1, "''", 0],
  ],
  v1_assets: [
    ["id", "integer", 0, null, 1],
    ["external_id", "text", 1, null, 0],
    ["content_type", "text", 1, null, 0],
    ["data", "blob", 1, null, 0],
    ["sync_id", "text", 1, null, 0],
    ["discovered_at", "datetime", 1, null, 0],
  ],
  v1_connector_sessions: [
    ["id", "integer", 0, null, 1],
    ["sync_id", "text", 1, null, 0],
    ["key", "text", 1, null, 0],
    ["value", "blob", 1, null, 0],
  ],
};

// name → [table, columns, unique, partial WHERE or null], as the Go SDK names them (crossed
// names kept).
const INDEXES: Record<string, [string, string[], boolean, string | null]> = {
  idx_resource_types_external_sync_v1: [
    "v1_resource_types",
    ["external_id", "sync_id"],
    true,
    null,
  ],
  idx_resources_resource_type_id_v1: ["v1_resources", ["resource_type_id"], false, null],
  idx_resources_external_sync_v1: [
    "v1_resources",
    ["parent_resource_type_id", "parent_resource_id"],
    false,
    null,
  ],
  idx_resources_parent_resource_id_v1: ["v1_resources", ["external_id", "sync_id"], true, null],
  idx_entitlements_resource_id_v1: [
    "v1_entitlements",
    ["resource_type_id", "resource_id"],
    false,
    null,
  ],
  idx_entitlements_external_sync_v1: ["v1_entitlements", ["external_id", "sync_id"], true, null],
  idx_grants_resource_type_id_resource_id_v1: [
    "v1_grants",
    ["resource_type_id", "resource_id"],
    false,
    null,
  ],
  idx_grants_principal_id_v1: [
    "v1_grants",
    ["principal_resource_type_id", "principal_resource_id"],
    false,
    null,
  ],
  idx_grants_entitlement_id_principal_id_v1: [
    "v1_grants",
    ["entitlement_id", "principal_resource_type_id", "principal_resource_id"],
    false,
    null,
  ],
  idx_grants_external_sync_v1: ["v1_grants", ["external_id", "sync_id"], true, null],
  idx_grants_entitlement_sync_grant_v1: [
    "v1_grants",
    ["entitlement_id", "sync_id", "id"],
    false,
    null,
  ],
  idx_grants_sync_expansion_v1: ["v1_grants", ["sync_id"], false, "expansion is not null"],
  idx_grants_sync_needs_expansion_v1: ["v1_grants", ["sync_id"], false, "needs_expansion = 1"],
  idx_sync_runs_sync_id_v1: ["v1_sync_runs", ["sync_id"], true, null],
  idx_assets_external_sync_v1: ["v1_assets", ["external_id", "sync_id"], true, null],
  idx_session_store_sync_key_v1: ["v1_connector_sessions", ["sync_id", "key"], true, null],
};

describe("c1z format", () => {
  let fileBytes: Buffer;
  let sqliteBytes: Buffer;
  let db: DatabaseSync;
  let syncId: string;
  const f = fixture();

  beforeAll(async () => {
    const dir = tempDir("c1z-format-");
    const file = join(dir, "sync.c1z");
    const store = await C1zStore.open(file);
    syncId = store.startSync("full");
    store.putResourceTypes(syncId, f.resourceTypes);
    store.putResources(syncId, f.resources);
    store.putEntitlements(syncId, f.entitlements);
    store.putGrants(syncId, f.grants);
    store.setSyncToken(syncId, '{"version":1}');
    store.endSync(syncId);
    await store.save();

    fileBytes = readFileSync(file);
    sqliteBytes = zstdDecompressSync(fileBytes.subarray(5));
    const dbPath = join(dir, "inspect.sqlite");
    writeFileSync(dbPath, sqliteBytes);
    db = new DatabaseSync(dbPath, { readOnly: true });
    return () => db.close();
  });

  const all = (sql: string): Row[] => db.prepare(sql).all();

  it("starts with C1ZF\\0 then one zstd frame declaring the SQLite file's size", () => {
    expect([...fileBytes.subarray(0, 5)]).toEqual([0x43, 0x31, 0x5a, 0x46, 0x00]);
    expect(zstdFrameContentSize(fileBytes.subarray(5, 23))).toBe(BigInt(sqliteBytes.length));
    expect(sqliteBytes.subarray(0, 16).toString("latin1")).toBe("SQLite format 3\u0000");
    // File format version bytes 18/19 = 1: a rollback-journal database, self-contained (no WAL).
    expect([sqliteBytes[18], sqliteBytes[19]]).toEqual([1, 1]);
  });

  it("has exactly the v1 tables", () => {
    const tables = all("select name from sqlite_master where type = 'table' order by name");
    expect(tables.map((t) => t.name)).toEqual(Object.keys(COLUMNS).sort());
  });

  it.each(Object.keys(COLUMNS))("gives %s exactly the spec's columns", (table) => {
    const info = all(`pragma table_info('${table}')`).map((c) => [
      c.name,
      String(c.type).toLowerCase(),
      Number(c.notnull),
      c.dflt_value,
      Number(c.pk),
    ]);
    expect(info).toEqual(COLUMNS[table]);
  });

  it("has exactly the spec's indexes, with their columns, uniqueness and WHERE", () => {
    const indexes = all("select name, tbl_name, sql from sqlite_master where type = 'index'");
    expect(indexes.map((i) => i.name).sort()).toEqual(Object.keys(INDEXES).sort());
    for (const index of indexes) {
      const [table, columns, unique, where] = INDEXES[String(index.name)] ?? [];
      expect(index.tbl_name, String(index.name)).toBe(table);
      const cols = all(`pragma index_info('${index.name}')`).map((c) => c.name);
      expect(cols, String(index.name)).toEqual(columns);
      const listed = all(`pragma index_list('${table}')`).find((i) => i.name === index.name);
      expect(Number(listed?.unique) === 1, String(index.name)).toBe(unique);
      expect(Number(listed?.partial) === 1, String(index.name)).toBe(where !== null);
      const sqlWhere = /\swhere\s+(.*)$/i.exec(String(index.sql))?.[1] ?? null;
      expect(sqlWhere?.toLowerCase() ?? null, String(index.name)).toBe(where);
    }
  });

  it("records one finished full sync with a KSUID and Go-layout timestamps", () => {
    const runs = all("select * from v1_sync_runs");
    expect(runs).toHaveLength(1);
    const run = runs[0] as Row;
    expect(run.sync_id).toBe(syncId);
    expect(String(run.sync_id)).toMatch(/^[0-9A-Za-z]{27}$/);
    expect(run.sync_type).toBe("full");
    expect(String(run.started_at)).toMatch(TIMESTAMP);
    expect(String(run.ended_at)).toMatch(TIMESTAMP);
    expect(String(run.ended_at) >= String(run.started_at)).toBe(true);
    expect(run.sync_token).toBe('{"version":1}');
    expect(run.parent_sync_id).toBe("");
    expect(Number(run.grants_backfilled)).toBe(1);
  });

  it("stamps every row with the sync id and a Go-layout discovered_at", () => {
    for (const table of ["v1_resource_types", "v1_resources", "v1_entitlements", "v1_grants"]) {
      for (const row of all(`select sync_id, discovered_at from ${table}`)) {
        expect(row.sync_id).toBe(syncId);
        expect(String(row.discovered_at)).toMatch(TIMESTAMP);
      }
    }
  });

  it("stores resource types whose data decodes to the row's id", () => {
    const rows = all("select external_id, data from v1_resource_types order by id");
    expect(rows.map((r) => r.external_id)).toEqual(["user", "group"]);
    for (const row of rows) {
      expect(fromBinary(ResourceTypeSchema, row.data as Uint8Array).id).toBe(row.external_id);
    }
  });

  it("stores resources keyed <type>:<id>, with parent columns only for a parent", () => {
    const rows = all("select * from v1_resources order by id");
    expect(rows.map((r) => r.external_id)).toEqual([
      "user:alice",
      "user:bob",
      "group:eng",
      "group:backend",
    ]);
    for (const row of rows) {
      const r = fromBinary(ResourceSchema, row.data as Uint8Array);
      expect(`${r.id?.resourceType}:${r.id?.resource}`).toBe(row.external_id);
      expect(r.id?.resourceType).toBe(row.resource_type_id);
      expect(row.parent_resource_type_id).toBe(r.parentResourceId?.resourceType ?? null);
      expect(row.parent_resource_id).toBe(r.parentResourceId?.resource ?? null);
    }
    expect(rows[3]?.parent_resource_type_id).toBe("group");
    expect(rows[3]?.parent_resource_id).toBe("eng");
  });

  it("stores entitlements whose data matches the id and resource columns", () => {
    const rows = all("select * from v1_entitlements order by id");
    expect(rows.map((r) => r.external_id)).toEqual(["group:eng:member", "group:backend:member"]);
    for (const row of rows) {
      const e = fromBinary(EntitlementSchema, row.data as Uint8Array);
      expect(e.id).toBe(row.external_id);
      expect(e.resource?.id?.resourceType).toBe(row.resource_type_id);
      expect(e.resource?.id?.resource).toBe(row.resource_id);
    }
  });

  it("stores grants with their key columns and the expansion columns", () => {
    const rows = all("select * from v1_grants order by id");
    expect(rows.map((r) => r.external_id)).toEqual([
      "group:eng:member:user:alice",
      "group:eng:member:group:backend",
      "group:backend:member:user:bob",
    ]);
    for (const row of rows) {
      const g = fromBinary(GrantSchema, row.data as Uint8Array);
      expect(g.id).toBe(row.external_id);
      expect(g.entitlement?.id).toBe(row.entitlement_id);
      expect(g.entitlement?.resource?.id?.resourceType).toBe(row.resource_type_id);
      expect(g.entitlement?.resource?.id?.resource).toBe(row.resource_id);
      expect(g.principal?.id?.resourceType).toBe(row.principal_resource_type_id);
      expect(g.principal?.id?.resource).toBe(row.principal_resource_id);
      const expandable = g.annotations.some((a) => anyIs(a, GrantExpandableSchema));
      expect(Number(row.needs_expansion)).toBe(expandable ? 1 : 0);
      if (expandable) {
        const col = fromBinary(GrantExpandableSchema, row.expansion as Uint8Array);
        expect(col.entitlementIds).toEqual(["group:backend:member"]);
      } else {
        expect(row.expansion).toBeNull();
      }
    }
    // The annotation stays in data too, for readers that only look there.
    expect(Number(rows[1]?.needs_expansion)).toBe(1);
  });
});
