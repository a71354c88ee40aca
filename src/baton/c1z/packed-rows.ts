/**
 * Grant rows already encoded (row-codec.ts), packed for a cheap hand-over to the writer thread
 * (threaded-store.ts): the key columns of all rows in one flat array of strings, and their `data`
 * bytes concatenated into one buffer that is transferred, not copied. The writer thread only binds
 * them to its prepared upsert (RowWriter.putPackedGrants), so the bytes stored are the ones the
 * in-thread writer would have stored.
 */
import type { Registry } from "@bufbuild/protobuf";
import type { Grant } from "../../gen/c1/connector/v2/grant_pb.js";
import { grantRow } from "./row-codec.js";

/**
 * Key columns per grant, in the upsert's order: resource_type_id, resource_id, entitlement_id,
 * principal_resource_type_id, principal_resource_id, external_id.
 */
export const PACKED_GRANT_COLUMNS = 6;

export interface PackedGrants {
  readonly count: number;
  /** {@link PACKED_GRANT_COLUMNS} key columns per row, row after row. */
  readonly columns: string[];
  /** Every row's `data`, concatenated; row i is `data[ends[i-1] ?? 0, ends[i])`. */
  readonly data: Uint8Array;
  readonly ends: Uint32Array;
  readonly expansions: (Uint8Array | null)[];
  readonly needsExpansion: Uint8Array;
}

/** Encodes grants into rows; throws like `grantRow` for a grant that lacks an id. */
export function packGrants(grants: readonly Grant[], registry: Registry): PackedGrants {
  const columns: string[] = [];
  const datas: Uint8Array[] = [];
  const expansions: (Uint8Array | null)[] = [];
  const needsExpansion = new Uint8Array(grants.length);
  const ends = new Uint32Array(grants.length);
  let total = 0;
  for (let i = 0; i < grants.length; i++) {
    const row = grantRow(grants[i] as Grant, registry);
    columns.push(
      row.resourceTypeId,
      row.resourceId,
      row.entitlementId,
      row.principalResourceTypeId,
      row.principalResourceId,
      row.externalId,
    );
    datas.push(row.data);
    total += row.data.length;
    ends[i] = total;
    expansions.push(row.expansion);
    needsExpansion[i] = row.needsExpansion;
  }
  const data = new Uint8Array(total);
  for (let i = 0; i < datas.length; i++)
    data.set(datas[i] as Uint8Array, i === 0 ? 0 : ends[i - 1]);
  return { count: grants.length, columns, data, ends, expansions, needsExpansion };
}

/** The `data` bytes of row `i`. */
export function packedData(rows: PackedGrants, i: number): Uint8Array {
  return rows.data.subarray(i === 0 ? 0 : rows.ends[i - 1], rows.ends[i]);
}
