/**
 * Paged reads of one sync's rows, shared by the writer (the syncer walks what it stored) and the
 * reader. Pages are keyset-paged on the row id (`id > afterRowId order by id`), so a walk never
 * loads a whole table and rows written during the walk at the end are still reached.
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { Entitlement } from "../../gen/c1/connector/v2/entitlement_pb.js";
import type { Grant } from "../../gen/c1/connector/v2/grant_pb.js";
import type { Resource, ResourceType } from "../../gen/c1/connector/v2/resource_pb.js";
import { bytes, PreparedStatements, type Row } from "./prepared-statements.js";
import {
  decodeEntitlement,
  decodeGrant,
  decodeResource,
  decodeResourceType,
  resourceExternalId,
} from "./row-codec.js";
import { TABLES } from "./schema.js";

/** A resource type, resource or principal key: `{resourceType, resource}`. */
export interface ResourceKey {
  readonly resourceType: string;
  readonly resource: string;
}

export interface ResourceFilter {
  readonly resourceTypeId?: string;
  /** Leave out resources of these types (e.g. types whose entitlements and grants are skipped). */
  readonly excludeResourceTypeIds?: readonly string[];
  /** Only children of this resource. */
  readonly parent?: ResourceKey;
}

export interface EntitlementFilter {
  readonly resourceTypeId?: string;
  /** Only entitlements of this resource. */
  readonly resource?: ResourceKey;
}

export interface GrantFilter {
  readonly entitlementId?: string;
  readonly principal?: ResourceKey;
  /** Only grants on entitlements of this resource type. */
  readonly resourceTypeId?: string;
  /** Only grants on entitlements of this resource. */
  readonly resource?: ResourceKey;
  /** Only grants whose `needs_expansion` is 1. */
  readonly needsExpansion?: boolean;
}

/** A resource that a grant names but the sync does not hold (see danglingGrantRefs). */
export interface DanglingRef {
  readonly key: ResourceKey;
  /** One grant that names it. */
  readonly grantId: string;
  /** Whether the grant names it as its principal or as its entitlement's resource. */
  readonly as: "principal" | "entitlement";
}

export interface RowCounts {
  readonly resourceTypes: number;
  readonly resources: number;
  readonly entitlements: number;
  readonly grants: number;
}

/** Rows of one sync per resource type: of the resource, the entitlement, the grant's entitlement. */
export interface CountsByType {
  readonly resourcesByType: Record<string, number>;
  readonly entitlementsByType: Record<string, number>;
  readonly grantsByType: Record<string, number>;
}

/** One stored row, undecoded: its row id (the keyset cursor), message bytes and grant expansion. */
export interface StoredRow {
  readonly rowId: number;
  readonly data: Uint8Array;
  /** The `expansion` column of a grant (GrantExpandable); null elsewhere. */
  readonly expansion: Uint8Array | null;
}

export class RowQueries {
  private readonly statements: PreparedStatements;

  constructor(db: DatabaseSync) {
    this.statements = new PreparedStatements(db);
  }

  /** Every resource type of the sync, in store order. */
  resourceTypes(syncId: string): ResourceType[] {
    return this.resourceTypeRows(syncId).map(decodeResourceType);
  }

  /** The stored bytes of `resourceTypes` (what the writer thread hands back undecoded). */
  resourceTypeRows(syncId: string): Uint8Array[] {
    return this.all(`select data from ${TABLES.resourceTypes} where sync_id = ? order by id`, [
      syncId,
    ]).map((row) => bytes(row.data));
  }

  /** Up to `limit` resources with row id above `afterRowId`, in store order. */
  resourcesAfter(
    syncId: string,
    afterRowId: number,
    limit: number,
    filter: ResourceFilter = {},
  ): { rowId: number; resource: Resource }[] {
    return this.resourceRowsAfter(syncId, afterRowId, limit, filter).map((row) => ({
      rowId: row.rowId,
      resource: decodeResource(row.data),
    }));
  }

  /** The stored bytes of `resourcesAfter` (what the writer thread hands back undecoded). */
  resourceRowsAfter(
    syncId: string,
    afterRowId: number,
    limit: number,
    filter: ResourceFilter = {},
  ): { rowId: number; data: Uint8Array }[] {
    const { where, params } = conditions(syncId, afterRowId, [
      ["resource_type_id", filter.resourceTypeId],
      ["parent_resource_type_id", filter.parent?.resourceType],
      ["parent_resource_id", filter.parent?.resource],
    ]);
    const excluded = filter.excludeResourceTypeIds ?? [];
    if (excluded.length > 0) {
      where.push(`resource_type_id not in (${excluded.map(() => "?").join(", ")})`);
      params.push(...excluded);
    }
    return this.page(TABLES.resources, "id, data", where, params, limit).map((row) => ({
      rowId: Number(row.id),
      data: bytes(row.data),
    }));
  }

  resource(syncId: string, key: ResourceKey): Resource | undefined {
    const row = this.one(
      `select data from ${TABLES.resources} where external_id = ? and sync_id = ?`,
      [resourceExternalId(key), syncId],
    );
    return row ? decodeResource(bytes(row.data)) : undefined;
  }

  entitlementsAfter(
    syncId: string,
    afterRowId: number,
    limit: number,
    filter: EntitlementFilter = {},
  ): { rowId: number; entitlement: Entitlement }[] {
    return this.entitlementRowsAfter(syncId, afterRowId, limit, filter).map((row) => ({
      rowId: row.rowId,
      entitlement: decodeEntitlement(row.data),
    }));
  }

  /** The stored bytes of `entitlementsAfter`, for callers that decode one row at a time. */
  entitlementRowsAfter(
    syncId: string,
    afterRowId: number,
    limit: number,
    filter: EntitlementFilter = {},
  ): StoredRow[] {
    const { where, params } = conditions(syncId, afterRowId, [
      [typeColumn(filter.resource), filter.resource?.resourceType ?? filter.resourceTypeId],
      ["resource_id", filter.resource?.resource],
    ]);
    return this.page(TABLES.entitlements, "id, data", where, params, limit).map((row) => ({
      rowId: Number(row.id),
      data: bytes(row.data),
      expansion: null,
    }));
  }

  entitlement(syncId: string, entitlementId: string): Entitlement | undefined {
    const row = this.one(
      `select data from ${TABLES.entitlements} where external_id = ? and sync_id = ?`,
      [entitlementId, syncId],
    );
    return row ? decodeEntitlement(bytes(row.data)) : undefined;
  }

  grantsAfter(
    syncId: string,
    afterRowId: number,
    limit: number,
    filter: GrantFilter = {},
  ): { rowId: number; grant: Grant }[] {
    return this.grantRowsAfter(syncId, afterRowId, limit, filter).map((row) => ({
      rowId: row.rowId,
      grant: decodeGrant(row.data, row.expansion),
    }));
  }

  /** The stored bytes of `grantsAfter` (decode with `decodeGrant(data, expansion)`). */
  grantRowsAfter(
    syncId: string,
    afterRowId: number,
    limit: number,
    filter: GrantFilter = {},
  ): StoredRow[] {
    const { where, params } = conditions(syncId, afterRowId, [
      ["entitlement_id", filter.entitlementId],
      ["principal_resource_type_id", filter.principal?.resourceType],
      ["principal_resource_id", filter.principal?.resource],
      [typeColumn(filter.resource), filter.resource?.resourceType ?? filter.resourceTypeId],
      ["resource_id", filter.resource?.resource],
    ]);
    if (filter.needsExpansion !== undefined) {
      // The literal (not a parameter) lets SQLite use the partial index.
      where.push(filter.needsExpansion ? "needs_expansion = 1" : "needs_expansion = 0");
    }
    return this.page(TABLES.grants, "id, data, expansion", where, params, limit).map((row) => ({
      rowId: Number(row.id),
      data: bytes(row.data),
      expansion: row.expansion === null ? null : bytes(row.expansion),
    }));
  }

  grant(syncId: string, grantId: string): Grant | undefined {
    const row = this.one(
      `select data, expansion from ${TABLES.grants} where external_id = ? and sync_id = ?`,
      [grantId, syncId],
    );
    return row
      ? decodeGrant(bytes(row.data), row.expansion === null ? null : bytes(row.expansion))
      : undefined;
  }

  /**
   * Resources of `types` that grants of the sync name, as principal or as their entitlement's
   * resource, but that the sync does not hold; at most `limit`, in grant order.
   */
  danglingGrantRefs(syncId: string, types: readonly string[], limit: number): DanglingRef[] {
    if (types.length === 0) return [];
    const marks = types.map(() => "?").join(", ");
    const missing = (type: string, id: string) =>
      `not exists (select 1 from ${TABLES.resources} r where r.external_id = ${type} || ':' || ${id} and r.sync_id = g.sync_id)`;
    const part = (type: string, id: string, as: string) =>
      `select min(g.id) as row, g.external_id as grant_id, ${type} as t, ${id} as r, '${as}' as k ` +
      `from ${TABLES.grants} g where g.sync_id = ? and ${type} in (${marks}) and ${missing(type, id)} ` +
      `group by ${type}, ${id}`;
    const sql =
      `select grant_id, t, r, k from (${part("g.principal_resource_type_id", "g.principal_resource_id", "principal")} ` +
      `union all ${part("g.resource_type_id", "g.resource_id", "entitlement")}) order by row limit ?`;
    const rows = this.all(sql, [syncId, ...types, syncId, ...types, Math.max(0, limit)]);
    return rows.map((row) => ({
      key: { resourceType: String(row.t), resource: String(row.r) },
      grantId: String(row.grant_id),
      as: row.k === "entitlement" ? "entitlement" : "principal",
    }));
  }

  counts(syncId: string): RowCounts {
    return {
      resourceTypes: this.count(syncId, TABLES.resourceTypes),
      resources: this.count(syncId, TABLES.resources),
      entitlements: this.count(syncId, TABLES.entitlements),
      grants: this.count(syncId, TABLES.grants),
    };
  }

  /** The number of rows of one table in the sync. */
  count(syncId: string, table: (typeof TABLES)[keyof typeof TABLES]): number {
    return Number(
      this.one(`select count(*) as n from ${table} where sync_id = ?`, [syncId])?.n ?? 0,
    );
  }

  /** Row counts of a table grouped by its `resource_type_id`, sorted by type id. */
  countsByResourceType(
    syncId: string,
    table: typeof TABLES.resources | typeof TABLES.entitlements | typeof TABLES.grants,
  ): Record<string, number> {
    const out: Record<string, number> = {};
    const rows = this.all(
      `select resource_type_id as t, count(*) as n from ${table} where sync_id = ? ` +
        "group by resource_type_id order by resource_type_id",
      [syncId],
    );
    for (const row of rows) out[String(row.t)] = Number(row.n);
    return out;
  }

  private page(
    table: string,
    columns: string,
    where: string[],
    params: SQLInputValue[],
    limit: number,
  ): Row[] {
    const sql = `select ${columns} from ${table} where ${where.join(" and ")} order by id limit ?`;
    return this.all(sql, [...params, Math.max(0, Math.floor(limit))]);
  }

  private all(sql: string, params: SQLInputValue[]): Row[] {
    return this.statements.all(sql, params);
  }

  private one(sql: string, params: SQLInputValue[]): Row | undefined {
    return this.statements.one(sql, params);
  }
}

/**
 * The column term for a resource type filter on grants and entitlements. Their only index with
 * `resource_type_id` is `(resource_type_id, resource_id)`: with a type alone, SQLite would use it
 * and sort every row of that type on each page (a quadratic walk: hours for the 500,000 group
 * grants of a 100,000-user sync). `+resource_type_id` keeps the index out, so a page is a range
 * scan of the row id that stops after `limit` matches. With a resource id the index fits.
 */
function typeColumn(resource: ResourceKey | undefined): string {
  return resource === undefined ? "+resource_type_id" : "resource_type_id";
}

/**
 * The `where` terms and parameters of a paged read: rows of the sync after a row id, plus
 * `column = ?` for every filter value that is set, in the order given.
 */
function conditions(
  syncId: string,
  afterRowId: number,
  equal: readonly [column: string, value: string | undefined][],
): { where: string[]; params: SQLInputValue[] } {
  const where = ["sync_id = ?", "id > ?"];
  const params: SQLInputValue[] = [syncId, afterRowId];
  for (const [column, value] of equal) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    params.push(value);
  }
  return { where, params };
}
