/**
 * Computes a diff in two passes over SQLite: first the counts (grouped SQL counts, plus one walk
 * over the resources whose stored bytes differ, to keep only those a reviewer would see as
 * changed), then the changes themselves, page by page, into a sink. Nothing is held but the
 * per-type and per-entitlement counts, so two 100,000-user syncs diff in bounded memory.
 */

import { UserTraitSchema } from "../../../gen/c1/connector/v2/annotation_trait_pb.js";
import type { Entitlement } from "../../../gen/c1/connector/v2/entitlement_pb.js";
import type { Resource } from "../../../gen/c1/connector/v2/resource_pb.js";
import { pick } from "../../annotations.js";
import { decodeResource } from "../row-codec.js";
import type { ResourceKey } from "../row-queries.js";
import type {
  AddedRemoved,
  DiffSink,
  DiffSummary,
  EntitlementRef,
  ResourceRef,
  SyncRef,
  TypeCounts,
} from "./diff-model.js";
import type { DiffQueries, PagedRow, Presence } from "./diff-queries.js";
import { factChanges, resourceFacts } from "./resource-facts.js";

/** Rows per SQL page. */
const PAGE_SIZE = 500;

/** Largest changes first (console), or everything in id order (JSON, markdown). */
export type DiffOrder = "largest" | "id";

/** The counts of the diff. */
export function summarize(q: DiffQueries): DiffSummary {
  const resourcesByType = new Map<string, TypeCounts>();
  const typeCounts = (t: string) => {
    let c = resourcesByType.get(t);
    if (!c) {
      c = { added: 0, removed: 0, changed: 0 };
      resourcesByType.set(t, c);
    }
    return c;
  };
  for (const presence of ["added", "removed"] as const) {
    for (const [t, n] of q.resourceCounts(presence)) typeCounts(t)[presence] = n;
  }
  for (const row of pages((after) => q.changedResources(after, PAGE_SIZE))) {
    if (changedFields(row.old, row.new).length > 0) typeCounts(row.resourceType).changed++;
  }

  const entitlementsByType = new Map<string, AddedRemoved>();
  for (const presence of ["added", "removed"] as const) {
    for (const [t, n] of q.entitlementCounts(presence)) {
      const c = entitlementsByType.get(t) ?? { added: 0, removed: 0 };
      c[presence] = n;
      entitlementsByType.set(t, c);
    }
  }

  const grantsByEntitlement = new Map<string, AddedRemoved & { resourceType: string }>();
  const grantsByType = new Map<string, AddedRemoved>();
  for (const presence of ["added", "removed"] as const) {
    for (const [id, { resourceType, count }] of q.grantCounts(presence)) {
      const e = grantsByEntitlement.get(id) ?? { resourceType, added: 0, removed: 0 };
      e[presence] = count;
      grantsByEntitlement.set(id, e);
      const t = grantsByType.get(resourceType) ?? { added: 0, removed: 0 };
      t[presence] += count;
      grantsByType.set(resourceType, t);
    }
  }

  const typeRefs = (p: Presence) =>
    q.resourceTypes(p).map((t) => ({ id: t.id, displayName: t.displayName }));
  return {
    resourceTypes: { added: typeRefs("added"), removed: typeRefs("removed") },
    resources: sum(resourcesByType.values(), ["added", "removed", "changed"]),
    resourcesByType: sortedById(resourcesByType),
    entitlements: sum(entitlementsByType.values(), ["added", "removed"]),
    entitlementsByType: sortedById(entitlementsByType),
    grants: sum(grantsByType.values(), ["added", "removed"]),
    grantsByType: sortedById(grantsByType),
    grantsByEntitlement: sortedById(grantsByEntitlement),
  };
}

/** Streams every change into `sink`, after `sink.start` has had the counts. */
export function walk(
  q: DiffQueries,
  summary: DiffSummary,
  sink: DiffSink,
  order: DiffOrder,
  refs: { from: SyncRef; to: SyncRef },
): void {
  sink.start(refs.from, refs.to, summary);
  for (const [t, counts] of ordered(summary.resourcesByType, order, size)) {
    if (size(counts) === 0) continue;
    sink.resourceType(t, counts);
    for (const presence of ["added", "removed"] as const) {
      if (counts[presence] === 0) continue;
      for (const r of pages((after) => q.resourcesOnlyIn(presence, t, after, PAGE_SIZE))) {
        sink.resource({ change: presence, resource: resourceRef(r) });
      }
    }
    if (counts.changed > 0) {
      for (const row of pages((after) => q.changedResources(after, PAGE_SIZE, t))) {
        const fields = changedFields(row.old, row.new);
        if (fields.length > 0) {
          sink.resource({
            change: "changed",
            resource: resourceRef(decodeResource(row.new)),
            fields,
          });
        }
      }
    }
  }
  for (const [t, counts] of ordered(summary.entitlementsByType, order, size)) {
    sink.entitlementType(t, counts);
    for (const presence of ["added", "removed"] as const) {
      if (counts[presence] === 0) continue;
      for (const e of pages((after) => q.entitlementsOnlyIn(presence, t, after, PAGE_SIZE))) {
        sink.entitlement({ change: presence, entitlement: entitlementRef(e, e.id) });
      }
    }
  }
  for (const [id, counts] of ordered(summary.grantsByEntitlement, order, size)) {
    const entitlement = q.entitlement("to", id) ?? q.entitlement("from", id);
    sink.grantEntitlement(entitlementRef(entitlement, id), {
      added: counts.added,
      removed: counts.removed,
    });
    for (const presence of ["added", "removed"] as const) {
      if (counts[presence] === 0) continue;
      // A principal is named from the sync that holds the grant, else from the other one.
      const [own, other] =
        presence === "added" ? (["to", "from"] as const) : (["from", "to"] as const);
      for (const g of pages((after) => q.grantsOnlyIn(presence, id, after, PAGE_SIZE))) {
        const found = q.resource(own, g.principal) ?? q.resource(other, g.principal);
        sink.grant({
          change: presence,
          principal: found ? resourceRef(found) : bareRef(g.principal),
        });
      }
    }
  }
  sink.end();
}

/** The facts that differ between two stored versions of a resource. */
function changedFields(old: Uint8Array, now: Uint8Array) {
  return factChanges(resourceFacts(decodeResource(old)), resourceFacts(decodeResource(now)));
}

/** Every value of a keyset-paged listing, one page in memory at a time. */
function* pages<T>(fetch: (afterRowId: number) => PagedRow<T>[]): Generator<T> {
  let after = 0;
  for (;;) {
    const rows = fetch(after);
    for (const row of rows) yield row.value;
    const last = rows[rows.length - 1];
    if (rows.length < PAGE_SIZE || !last) return;
    after = last.rowId;
  }
}

function size(c: Partial<TypeCounts>): number {
  return (c.added ?? 0) + (c.removed ?? 0) + (c.changed ?? 0);
}

/** The sums of `keys` over `counts`. */
function sum<K extends string>(
  counts: Iterable<Record<K, number>>,
  keys: readonly K[],
): Record<K, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const c of counts) for (const k of keys) out[k] += c[k];
  return out;
}

function sortedById<V>(m: Map<string, V>): Map<string, V> {
  return new Map([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The entries in id order, or by descending size (ties in id order). */
function ordered<V>(m: Map<string, V>, order: DiffOrder, sizeOf: (v: V) => number): [string, V][] {
  const entries = [...m];
  return order === "id" ? entries : entries.sort(([, a], [, b]) => sizeOf(b) - sizeOf(a));
}

export function resourceRef(r: Resource): ResourceRef {
  const trait = pick(r.annotations, UserTraitSchema);
  const email = (trait?.emails.find((e) => e.isPrimary) ?? trait?.emails[0])?.address;
  return {
    resourceType: r.id?.resourceType ?? "",
    id: r.id?.resource ?? "",
    displayName: r.displayName,
    ...(email ? { email } : {}),
  };
}

function bareRef(key: ResourceKey): ResourceRef {
  return { resourceType: key.resourceType, id: key.resource, displayName: "" };
}

export function entitlementRef(e: Entitlement | undefined, id: string): EntitlementRef {
  return {
    id,
    displayName: e?.displayName ?? "",
    resourceType: e?.resource?.id?.resourceType ?? "",
    resourceId: e?.resource?.id?.resource ?? "",
    resourceDisplayName: e?.resource?.displayName ?? "",
  };
}
