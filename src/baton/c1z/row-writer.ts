/**
 * The upserts of the four data tables and assets: `insert … on conflict
 * (external_id, sync_id) do update`, refreshing only `data` (and, for grants, the expansion
 * columns) so a row keeps its first `discovered_at` and key columns, as in the Go SDK. Statements
 * are prepared once; the caller runs them inside its transaction.
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { Registry } from "@bufbuild/protobuf";
import type { Entitlement } from "../../gen/c1/connector/v2/entitlement_pb.js";
import type { Grant } from "../../gen/c1/connector/v2/grant_pb.js";
import type { Resource, ResourceType } from "../../gen/c1/connector/v2/resource_pb.js";
import { PACKED_GRANT_COLUMNS, type PackedGrants, packedData } from "./packed-rows.js";
import { entitlementRow, grantRow, resourceRow, resourceTypeRow } from "./row-codec.js";

const UPSERT_RESOURCE_TYPE =
  "insert into v1_resource_types (external_id, data, sync_id, discovered_at) values (?, ?, ?, ?) " +
  "on conflict (external_id, sync_id) do update set data = excluded.data";
const UPSERT_RESOURCE =
  "insert into v1_resources (resource_type_id, external_id, parent_resource_type_id, " +
  "parent_resource_id, data, sync_id, discovered_at) values (?, ?, ?, ?, ?, ?, ?) " +
  "on conflict (external_id, sync_id) do update set data = excluded.data";
const UPSERT_ENTITLEMENT =
  "insert into v1_entitlements (resource_type_id, resource_id, external_id, data, sync_id, " +
  "discovered_at) values (?, ?, ?, ?, ?, ?) " +
  "on conflict (external_id, sync_id) do update set data = excluded.data";
const UPSERT_GRANT =
  "insert into v1_grants (resource_type_id, resource_id, entitlement_id, " +
  "principal_resource_type_id, principal_resource_id, external_id, expansion, needs_expansion, " +
  "data, sync_id, discovered_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) " +
  "on conflict (external_id, sync_id) do update set data = excluded.data, " +
  "expansion = excluded.expansion, needs_expansion = excluded.needs_expansion";
const UPSERT_ASSET =
  "insert into v1_assets (external_id, content_type, data, sync_id, discovered_at) " +
  "values (?, ?, ?, ?, ?) on conflict (external_id, sync_id) do update set data = excluded.data";

export class RowWriter {
  private readonly resourceType: StatementSync;
  private readonly resource: StatementSync;
  private readonly entitlement: StatementSync;
  private readonly grant: StatementSync;
  private readonly asset: StatementSync;

  constructor(
    db: DatabaseSync,
    private readonly registry: Registry | undefined,
  ) {
    this.resourceType = db.prepare(UPSERT_RESOURCE_TYPE);
    this.resource = db.prepare(UPSERT_RESOURCE);
    this.entitlement = db.prepare(UPSERT_ENTITLEMENT);
    this.grant = db.prepare(UPSERT_GRANT);
    this.asset = db.prepare(UPSERT_ASSET);
  }

  putResourceType(syncId: string, type: ResourceType, discoveredAt: string): void {
    const row = resourceTypeRow(type, this.registry);
    this.resourceType.run(row.externalId, row.data, syncId, discoveredAt);
  }

  putResource(syncId: string, resource: Resource, discoveredAt: string): void {
    const row = resourceRow(resource, this.registry);
    this.resource.run(
      row.resourceTypeId,
      row.externalId,
      row.parentResourceTypeId,
      row.parentResourceId,
      row.data,
      syncId,
      discoveredAt,
    );
  }

  putEntitlement(syncId: string, entitlement: Entitlement, discoveredAt: string): void {
    const row = entitlementRow(entitlement, this.registry);
    this.entitlement.run(
      row.resourceTypeId,
      row.resourceId,
      row.externalId,
      row.data,
      syncId,
      discoveredAt,
    );
  }

  putGrant(syncId: string, grant: Grant, discoveredAt: string): void {
    const row = grantRow(grant, this.registry);
    this.grant.run(
      row.resourceTypeId,
      row.resourceId,
      row.entitlementId,
      row.principalResourceTypeId,
      row.principalResourceId,
      row.externalId,
      row.expansion,
      row.needsExpansion,
      row.data,
      syncId,
      discoveredAt,
    );
  }

  /** Upserts grants encoded elsewhere (the writer thread's input; see packed-rows.ts). */
  putPackedGrants(syncId: string, rows: PackedGrants, discoveredAt: string): void {
    const c = rows.columns;
    for (let i = 0, k = 0; i < rows.count; i++, k += PACKED_GRANT_COLUMNS) {
      this.grant.run(
        c[k] as string,
        c[k + 1] as string,
        c[k + 2] as string,
        c[k + 3] as string,
        c[k + 4] as string,
        c[k + 5] as string,
        rows.expansions[i] ?? null,
        rows.needsExpansion[i] ?? 0,
        packedData(rows, i),
        syncId,
        discoveredAt,
      );
    }
  }

  putAsset(
    syncId: string,
    assetId: string,
    contentType: string,
    data: Uint8Array,
    discoveredAt: string,
  ): void {
    this.asset.run(assetId, contentType, data, syncId, discoveredAt);
  }
}
