/**
 * The SQLite schema of a v1 c1z, table for table and index for index as the Go SDK
 * creates it, so that the Go SDK's own `create … if not exists` statements are no-ops on our
 * files and its readers find every column and index they expect. The index names on
 * `v1_resources` are crossed relative to their columns in the SDK; they are kept as they are.
 */
import type { DatabaseSync } from "node:sqlite";

/** Table names, in the order the schema creates them. */
export const TABLES = {
  resourceTypes: "v1_resource_types",
  resources: "v1_resources",
  entitlements: "v1_entitlements",
  grants: "v1_grants",
  syncRuns: "v1_sync_runs",
  assets: "v1_assets",
  connectorSessions: "v1_connector_sessions",
} as const;

/** Tables whose rows belong to one sync (`sync_id` column); a deleted sync is removed from each. */
export const SYNC_SCOPED_TABLES = [
  TABLES.resourceTypes,
  TABLES.resources,
  TABLES.entitlements,
  TABLES.grants,
  TABLES.assets,
  TABLES.connectorSessions,
  TABLES.syncRuns,
] as const;

interface TableDef {
  readonly name: string;
  /** Column definitions in order, as the Go SDK declares them (after `id integer primary key`). */
  readonly columns: readonly (readonly [name: string, decl: string])[];
  readonly indexes: readonly string[];
}

/** The schema, table by table: columns in order, then the table's indexes. */
export const SCHEMA: readonly TableDef[] = [
  {
    name: TABLES.resourceTypes,
    columns: [
      ["external_id", "text not null"],
      ["data", "blob not null"],
      ["sync_id", "text not null"],
      ["discovered_at", "datetime not null"],
    ],
    indexes: [
      "create unique index if not exists idx_resource_types_external_sync_v1 on v1_resource_types (external_id, sync_id)",
    ],
  },
  {
    name: TABLES.resources,
    columns: [
      ["resource_type_id", "text not null"],
      ["external_id", "text not null"],
      ["parent_resource_type_id", "text"],
      ["parent_resource_id", "text"],
      ["data", "blob not null"],
      ["sync_id", "text not null"],
      ["discovered_at", "datetime not null"],
    ],
    indexes: [
      "create index if not exists idx_resources_resource_type_id_v1 on v1_resources (resource_type_id)",
      "create index if not exists idx_resources_external_sync_v1 on v1_resources (parent_resource_type_id, parent_resource_id)",
      "create unique index if not exists idx_resources_parent_resource_id_v1 on v1_resources (external_id, sync_id)",
    ],
  },
  {
    name: TABLES.entitlements,
    columns: [
      ["resource_type_id", "text not null"],
      ["resource_id", "text not null"],
      ["external_id", "text not null"],
      ["data", "blob not null"],
      ["sync_id", "text not null"],
      ["discovered_at", "datetime not null"],
    ],
    indexes: [
      "create index if not exists idx_entitlements_resource_id_v1 on v1_entitlements (resource_type_id, resource_id)",
      "create unique index if not exists idx_entitlements_external_sync_v1 on v1_entitlements (external_id, sync_id)",
    ],
  },
  {
    name: TABLES.grants,
    columns: [
      ["resource_type_id", "text not null"],
      ["resource_id", "text not null"],
      ["entitlement_id", "text not null"],
      ["principal_resource_type_id", "text not null"],
      ["principal_resource_id", "text not null"],
      ["external_id", "text not null"],
      ["expansion", "blob"],
      ["needs_expansion", "integer not null default 0"],
      ["data", "blob not null"],
      ["sync_id", "text not null"],
      ["discovered_at", "datetime not null"],
    ],
    indexes: [
      "create index if not exists idx_grants_resource_type_id_resource_id_v1 on v1_grants (resource_type_id, resource_id)",
      "create index if not exists idx_grants_principal_id_v1 on v1_grants (principal_resource_type_id, principal_resource_id)",
      "create index if not exists idx_grants_entitlement_id_principal_id_v1 on v1_grants (entitlement_id, principal_resource_type_id, principal_resource_id)",
      "create unique index if not exists idx_grants_external_sync_v1 on v1_grants (external_id, sync_id)",
      "create index if not exists idx_grants_entitlement_sync_grant_v1 on v1_grants (entitlement_id, sync_id, id)",
      "create index if not exists idx_grants_sync_expansion_v1 on v1_grants (sync_id) where expansion is not null",
      "create index if not exists idx_grants_sync_needs_expansion_v1 on v1_grants (sync_id) where needs_expansion = 1",
    ],
  },
  {
    name: TABLES.syncRuns,
    columns: [
      ["sync_id", "text not null"],
      ["started_at", "datetime not null"],
      ["ended_at", "datetime"],
      ["sync_token", "text not null"],
      ["sync_type", "text not null default 'full'"],
      ["parent_sync_id", "text not null default ''"],
      ["linked_sync_id", "text not null default ''"],
      ["supports_diff", "integer not null default 0"],
      ["grants_backfilled", "integer not null default 0"],
      ["stats", "text"],
      ["ingest_invariant_generation", "text not null default ''"],
      ["ingest_invariant_coverage", "text not null default ''"],
      ["ingest_invariant_mode", "text not null default ''"],
    ],
    indexes: [
      "create unique index if not exists idx_sync_runs_sync_id_v1 on v1_sync_runs (sync_id)",
    ],
  },
  {
    name: TABLES.assets,
    columns: [
      ["external_id", "text not null"],
      ["content_type", "text not null"],
      ["data", "blob not null"],
      ["sync_id", "text not null"],
      ["discovered_at", "datetime not null"],
    ],
    indexes: [
      "create unique index if not exists idx_assets_external_sync_v1 on v1_assets (external_id, sync_id)",
    ],
  },
  {
    name: TABLES.connectorSessions,
    columns: [
      ["sync_id", "text not null"],
      ["key", "text not null"],
      ["value", "blob not null"],
    ],
    indexes: [
      "create unique index if not exists idx_session_store_sync_key_v1 on v1_connector_sessions (sync_id, key)",
    ],
  },
];

/** The `create table` statement of one table. */
export function createTableStatement(table: TableDef): string {
  const columns = table.columns.map(([name, decl]) => `    ${name} ${decl}`);
  return `create table if not exists ${table.name} (\n    id integer primary key,\n${columns.join(",\n")}\n)`;
}

/**
 * Creates whatever part of the schema is missing. A file from an older Go SDK can lack columns
 * that later SDKs add with `alter table … add column` (grant expansion, sync types, diff
 * markers); they are added the same way, with the same defaults, before the indexes that use
 * them are created. Rows of such older syncs keep `grants_backfilled = 0`, so a newer SDK still
 * backfills their expansion column itself.
 */
export function applySchema(db: DatabaseSync): void {
  for (const table of SCHEMA) {
    db.exec(createTableStatement(table));
    const present = new Set(
      db
        .prepare(`select name from pragma_table_info('${table.name}')`)
        .all()
        .map((row) => String(row.name)),
    );
    for (const [name, decl] of table.columns) {
      if (!present.has(name)) db.exec(`alter table ${table.name} add column ${name} ${decl}`);
    }
    for (const index of table.indexes) db.exec(index);
  }
}
