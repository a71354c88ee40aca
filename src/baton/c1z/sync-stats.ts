/**
 * The per-sync counts the Go SDK caches in `v1_sync_runs.stats` (its `c1.reader.v2.SyncStats`),
 * written the way Go writes them: `encoding/json` of the generated struct, so the keys are the
 * proto field names in snake_case, numbers are JSON numbers, zero counts and empty maps are left
 * out, and map keys are sorted. Go computes it from the stored rows once the sync has ended; so
 * do we, with one GROUP BY per table, when the sync ends.
 */
import type { RowQueries } from "./row-queries.js";
import { TABLES } from "./schema.js";

/** The counts of one sync, as Go's SyncStats holds them. */
export interface SyncStats {
  resourceTypes: number;
  resources: number;
  entitlements: number;
  grants: number;
  /** Every resource type of the sync, 0 included; rows of types not in the sync are not counted. */
  resourcesByResourceType: Record<string, number>;
  /** Grants by the resource type of their entitlement. */
  grantsByResourceType: Record<string, number>;
}

/** Counts the rows of `syncId`. A `resources_only` sync has no entitlements or grants to count. */
export function computeSyncStats(queries: RowQueries, syncId: string, syncType: string): SyncStats {
  const typeIds = queries.resourceTypes(syncId).map((t) => t.id);
  const resourcesByResourceType: Record<string, number> = {};
  for (const id of typeIds) resourcesByResourceType[id] = 0;
  let resources = 0;
  for (const [id, n] of Object.entries(queries.countsByResourceType(syncId, TABLES.resources))) {
    if (id in resourcesByResourceType) {
      resourcesByResourceType[id] = n;
      resources += n;
    }
  }
  const stats: SyncStats = {
    resourceTypes: typeIds.length,
    resources,
    entitlements: 0,
    grants: 0,
    resourcesByResourceType,
    grantsByResourceType: {},
  };
  if (syncType !== "resources_only") {
    stats.entitlements = queries.count(syncId, TABLES.entitlements);
    stats.grantsByResourceType = queries.countsByResourceType(syncId, TABLES.grants);
    stats.grants = Object.values(stats.grantsByResourceType).reduce((a, b) => a + b, 0);
  }
  return stats;
}

/**
 * The JSON text Go stores: its field order and names, zero values and empty maps omitted. Built
 * by hand because a JavaScript object would put integer-like keys first, where Go sorts them as
 * strings.
 */
export function encodeSyncStats(stats: SyncStats): string {
  const parts: string[] = [];
  const number = (key: string, n: number) => {
    if (n !== 0) parts.push(`${goString(key)}:${n}`);
  };
  const map = (key: string, m: Record<string, number>) => {
    const entries = Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length === 0) return;
    parts.push(`${goString(key)}:{${entries.map(([k, n]) => `${goString(k)}:${n}`).join(",")}}`);
  };
  number("resource_types", stats.resourceTypes);
  number("resources", stats.resources);
  number("entitlements", stats.entitlements);
  number("grants", stats.grants);
  map("resources_by_resource_type", stats.resourcesByResourceType);
  map("grants_by_resource_type", stats.grantsByResourceType);
  return `{${parts.join(",")}}`;
}

/** A JSON string as Go's encoding/json writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped. */
function goString(s: string): string {
  return JSON.stringify(s).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
