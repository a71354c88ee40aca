/**
 * The SQL of a diff. Rows of one sync that the other lacks are found with `not exists` on the
 * `(external_id, sync_id)` unique index, rows present in both but stored differently with a join
 * on it, so unchanged rows never leave SQLite. Every listing is keyset-paged on the row id
 * (`id > ? order by id limit ?`): memory stays bounded whatever the size of the syncs.
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { Entitlement } from "../../../gen/c1/connector/v2/entitlement_pb.js";
import type { Resource, ResourceType } from "../../../gen/c1/connector/v2/resource_pb.js";
import { bytes, PreparedStatements, type Row } from "../prepared-statements.js";
import {
  decodeEntitlement,
  decodeResource,
  decodeResourceType,
  resourceExternalId,
} from "../row-codec.js";
import type { ResourceKey } from "../row-queries.js";
import { TABLES } from "../schema.js";
import type { DiffSide } from "./sync-pair.js";

/** Rows only in the newer sync ("added") or only in the older one ("removed"). */
export type Presence = "added" | "removed";

/** Which side's rows a query reads. */
export type Side = "from" | "to";

type SyncTable = typeof TABLES.resources | typeof TABLES.entitlements | typeof TABLES.grants;

/** A stored row of the side a query read, with its row id for the next page. */
export interface PagedRow<T> {
  readonly rowId: number;
  readonly value: T;
}

/** Both stored versions of a resource whose bytes differ between the syncs. */
export interface ChangedRow {
  readonly resourceType: string;
  readonly old: Uint8Array;
  readonly new: Uint8Array;
}

/** A grant reduced to what a diff shows: its principal. */
export interface GrantRow {
  readonly principal: ResourceKey;
}

export class DiffQueries {
  private readonly statements: PreparedStatements;

  constructor(
    db: DatabaseSync,
    private readonly from: DiffSide,
    private readonly to: DiffSide,
  ) {
    this.statements = new PreparedStatements(db);
  }

  /** Whether both sides are the same sync of the same file (the diff is empty by definition). */
  get sameSync(): boolean {
    return this.from.schema === this.to.schema && this.from.run.syncId === this.to.run.syncId;
  }

  /** Resource types only in one of the syncs. */
  resourceTypes(presence: Presence): ResourceType[] {
    const { a, b } = this.sides(presence);
    const sql =
      `select x.data from ${a.schema}.${TABLES.resourceTypes} x where x.sync_id = ? and not exists ` +
      `(select 1 from ${b.schema}.${TABLES.resourceTypes} y where y.external_id = x.external_id and y.sync_id = ?) ` +
      "order by x.external_id";
    return this.all(sql, [a.run.syncId, b.run.syncId]).map((r) =>
      decodeResourceType(bytes(r.data)),
    );
  }

  /** How many resources of each type are only in one of the syncs. */
  resourceCounts(presence: Presence): Map<string, number> {
    return this.countsBy(TABLES.resources, "resource_type_id", presence);
  }

  /** How many entitlements of each resource type are only in one of the syncs. */
  entitlementCounts(presence: Presence): Map<string, number> {
    return this.countsBy(TABLES.entitlements, "resource_type_id", presence);
  }

  /** How many grants of each entitlement are only in one of the syncs, with its resource type. */
  grantCounts(presence: Presence): Map<string, { resourceType: string; count: number }> {
    const out = new Map<string, { resourceType: string; count: number }>();
    for (const row of this.countRows(
      TABLES.grants,
      "entitlement_id",
      presence,
      "resource_type_id",
    )) {
      out.set(String(row.k), { resourceType: String(row.extra), count: Number(row.n) });
    }
    return out;
  }

  /** A page of the resources of `resourceType` only in one of the syncs. */
  resourcesOnlyIn(
    presence: Presence,
    resourceType: string,
    afterRowId: number,
    limit: number,
  ): PagedRow<Resource>[] {
    return this.decodedOnlyIn(
      TABLES.resources,
      presence,
      resourceType,
      { afterRowId, limit },
      decodeResource,
    );
  }

  /** A page of the entitlements of `resourceType` only in one of the syncs. */
  entitlementsOnlyIn(
    presence: Presence,
    resourceType: string,
    afterRowId: number,
    limit: number,
  ): PagedRow<Entitlement>[] {
    return this.decodedOnlyIn(
      TABLES.entitlements,
      presence,
      resourceType,
      { afterRowId, limit },
      decodeEntitlement,
    );
  }

  /** A page of the grants of `entitlementId` only in one of the syncs. */
  grantsOnlyIn(
    presence: Presence,
    entitlementId: string,
    afterRowId: number,
    limit: number,
  ): PagedRow<GrantRow>[] {
    return this.onlyIn(
      TABLES.grants,
      "x.principal_resource_type_id as pt, x.principal_resource_id as pid",
      presence,
      "entitlement_id",
      entitlementId,
      afterRowId,
      limit,
    ).map((r) => ({
      rowId: Number(r.id),
      value: { principal: { resourceType: String(r.pt), resource: String(r.pid) } },
    }));
  }

  /**
   * A page (by the newer sync's row id) of resources in both syncs whose stored bytes differ,
   * optionally of one type. Whether they differ in a way a reviewer sees is decided by the caller.
   */
  changedResources(
    afterRowId: number,
    limit: number,
    resourceType?: string,
  ): PagedRow<ChangedRow>[] {
    if (this.sameSync) return [];
    const { from, to } = this;
    const typeFilter = resourceType === undefined ? "" : " and n.resource_type_id = ?";
    const sql =
      `select n.id, n.resource_type_id as t, o.data as old, n.data as new from ${to.schema}.${TABLES.resources} n ` +
      `join ${from.schema}.${TABLES.resources} o on o.external_id = n.external_id and o.sync_id = ? ` +
      `where n.sync_id = ?${typeFilter} and n.id > ? and o.data <> n.data order by n.id limit ?`;
    const params: SQLInputValue[] = [from.run.syncId, to.run.syncId];
    if (resourceType !== undefined) params.push(resourceType);
    params.push(afterRowId, limit);
    return this.all(sql, params).map((r) => ({
      rowId: Number(r.id),
      value: { resourceType: String(r.t), old: bytes(r.old), new: bytes(r.new) },
    }));
  }

  /** One resource of a side's sync. */
  resource(side: Side, key: ResourceKey): Resource | undefined {
    const s = this[side];
    const row = this.one(
      `select data from ${s.schema}.${TABLES.resources} where external_id = ? and sync_id = ?`,
      [resourceExternalId(key), s.run.syncId],
    );
    return row ? decodeResource(bytes(row.data)) : undefined;
  }

  /** One entitlement of a side's sync. */
  entitlement(side: Side, entitlementId: string): Entitlement | undefined {
    const s = this[side];
    const row = this.one(
      `select data from ${s.schema}.${TABLES.entitlements} where external_id = ? and sync_id = ?`,
      [entitlementId, s.run.syncId],
    );
    return row ? decodeEntitlement(bytes(row.data)) : undefined;
  }

  /** A: the side whose rows are listed; B: the side they are missing from. */
  private sides(presence: Presence): { a: DiffSide; b: DiffSide } {
    return presence === "added" ? { a: this.to, b: this.from } : { a: this.from, b: this.to };
  }

  private countsBy(table: SyncTable, column: string, presence: Presence): Map<string, number> {
    const out = new Map<string, number>();
    for (const row of this.countRows(table, column, presence))
      out.set(String(row.k), Number(row.n));
    return out;
  }

  /** Rows only on one side, grouped by `key` (as `k`) and optionally `extra`, with `n`. */
  private countRows(table: SyncTable, key: string, presence: Presence, extra?: string): Row[] {
    if (this.sameSync) return [];
    const { a, b } = this.sides(presence);
    const group = extra === undefined ? `x.${key}` : `x.${key}, x.${extra}`;
    const sql =
      `select x.${key} as k${extra === undefined ? "" : `, x.${extra} as extra`}, count(*) as n ` +
      `from ${a.schema}.${table} x where x.sync_id = ? and not exists ` +
      `(select 1 from ${b.schema}.${table} y where y.external_id = x.external_id and y.sync_id = ?) ` +
      `group by ${group} order by x.${key}`;
    return this.all(sql, [a.run.syncId, b.run.syncId]);
  }

  private decodedOnlyIn<T>(
    table: typeof TABLES.resources | typeof TABLES.entitlements,
    presence: Presence,
    resourceType: string,
    page: { afterRowId: number; limit: number },
    decode: (data: Uint8Array) => T,
  ): PagedRow<T>[] {
    const rows = this.onlyIn(
      table,
      "x.data",
      presence,
      "resource_type_id",
      resourceType,
      page.afterRowId,
      page.limit,
    );
    return rows.map((r) => ({ rowId: Number(r.id), value: decode(bytes(r.data)) }));
  }

  private onlyIn(
    table: SyncTable,
    columns: string,
    presence: Presence,
    column: string,
    value: string,
    afterRowId: number,
    limit: number,
  ): Row[] {
    if (this.sameSync) return [];
    const { a, b } = this.sides(presence);
    const sql =
      `select x.id, ${columns} from ${a.schema}.${table} x where x.${column} = ? and x.sync_id = ? and x.id > ? ` +
      `and not exists (select 1 from ${b.schema}.${table} y where y.external_id = x.external_id and y.sync_id = ?) ` +
      "order by x.id limit ?";
    return this.all(sql, [value, a.run.syncId, afterRowId, b.run.syncId, limit]);
  }

  private all(sql: string, params: SQLInputValue[]): Row[] {
    return this.statements.all(sql, params);
  }

  private one(sql: string, params: SQLInputValue[]): Row | undefined {
    return this.statements.one(sql, params);
  }
}
