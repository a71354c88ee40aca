/**
 * Grant integrity, the last step of a full sync's grants phase: every grant's principal and its
 * entitlement's resource must be in the sync. A grant that names a resource the listings did not
 * return (a user created while the sync ran, so a group listed it as a member after the user
 * listing had passed) has that resource read with GetResource and stored, with a warning; when
 * the connector cannot find it, or when more are missing than a changing tenant explains, the
 * sync fails naming the first. Nothing here knows a resource type: only references to the types
 * the sync holds are checked (grants to external principals, whose types are not synced, are not).
 *
 * Where the references come from: a sync that ran every phase in this process tracks them as it
 * stores pages (ReferenceTracker: a Set of the resource keys, one lookup per grant), because
 * asking the store costs seconds at 700,000 grants; a resumed sync, whose earlier pages this
 * process never saw, asks the store once (RowQueries.danglingGrantRefs).
 */
import { Code } from "@connectrpc/connect";
import type { Grant } from "../../gen/c1/connector/v2/grant_pb.js";
import type { Resource, ResourceId } from "../../gen/c1/connector/v2/resource_pb.js";
import type { DanglingRef } from "../c1z/row-queries.js";
import { resourceKey } from "../ids.js";
import { SyncCallError } from "./call-with-retry.js";

/**
 * Late resources a sync reads before it concludes that a listing, not the tenant's churn, is at
 * fault: a listing that lost rows fails the sync instead of costing one call per lost row.
 */
export const MAX_LATE_RESOURCES = 100;

/** A grant names a resource that is not in the sync and cannot be read. */
export class GrantIntegrityError extends Error {
  override name = "GrantIntegrityError";
}

/** The references of the grants stored by this process, against the resources it stored. */
export class ReferenceTracker {
  readonly #known = new Set<string>();
  /** The first grant naming each missing resource; one more than can be read is enough. */
  readonly #missing = new Map<string, DanglingRef>();

  /** @param types the synced types (filled in later; only their references are checked). */
  constructor(private readonly types: ReadonlyMap<string, unknown>) {}

  /** Resources stored. */
  resources(list: readonly Resource[]): void {
    for (const r of list) {
      if (!r.id) continue;
      const key = resourceKey(r.id);
      this.#known.add(key);
      this.#missing.delete(key);
    }
  }

  /** Grants stored. */
  grants(list: readonly Grant[]): void {
    for (const g of list) {
      this.#check(g.principal?.id, g.id, "principal");
      this.#check(g.entitlement?.resource?.id, g.id, "entitlement");
    }
  }

  /** Up to `limit` resources named by grants and not stored, in the order first seen. */
  dangling(limit: number): DanglingRef[] {
    return [...this.#missing.values()].slice(0, limit);
  }

  #check(id: ResourceId | undefined, grantId: string, as: DanglingRef["as"]): void {
    if (!id || !this.types.has(id.resourceType)) return;
    const key = resourceKey(id);
    if (this.#known.has(key) || this.#missing.has(key)) return;
    if (this.#missing.size > MAX_LATE_RESOURCES) return;
    this.#missing.set(key, {
      key: { resourceType: id.resourceType, resource: id.resource },
      grantId,
      as,
    });
  }
}

/** What the check needs from the sync run. */
export interface IntegrityDeps {
  /** Up to `limit` dangling references (RowQueries.danglingGrantRefs) of the synced types. */
  dangling(limit: number): DanglingRef[];
  /** GetResource; SyncCallError NotFound/Unimplemented when the connector cannot find it. */
  get(ref: DanglingRef): Promise<Resource | undefined>;
  /** Stores a late resource and lists its entitlements and grants as the phases would. */
  add(resource: Resource): Promise<void>;
  warn(message: string): void;
}

function describe(ref: DanglingRef): string {
  const role = ref.as === "principal" ? "principal" : "entitlement resource";
  return `grant ${ref.grantId} names ${role} ${resourceKey(ref.key)}`;
}

/**
 * Reads and stores every resource that grants name but the sync lacks, until none is left.
 * @throws GrantIntegrityError naming the first that cannot be read, or when more than
 *   {@link MAX_LATE_RESOURCES} are missing.
 */
export async function completeGrantReferences(deps: IntegrityDeps): Promise<number> {
  let added = 0;
  for (;;) {
    const left = MAX_LATE_RESOURCES - added;
    const refs = deps.dangling(left + 1);
    if (refs.length === 0) return added;
    const first = refs[0] as DanglingRef;
    if (refs.length > left) {
      throw new GrantIntegrityError(
        `more than ${MAX_LATE_RESOURCES} resources named by grants are missing from the sync, the first: ${describe(first)}; a listing of the connector returned fewer resources than the tenant has`,
      );
    }
    for (const ref of refs) {
      let resource: Resource | undefined;
      try {
        resource = await deps.get(ref);
      } catch (e) {
        const gone =
          e instanceof SyncCallError && [Code.NotFound, Code.Unimplemented].includes(e.code);
        if (!gone) throw e;
        throw new GrantIntegrityError(
          `${describe(ref)}, which is not in the sync and GetResource cannot find it (${Code[e.code]}: ${e.cause.rawMessage})`,
        );
      }
      const id = resource?.id;
      if (!id || id.resourceType !== ref.key.resourceType || id.resource !== ref.key.resource) {
        throw new GrantIntegrityError(
          `${describe(ref)}, which is not in the sync and GetResource answered ${id ? resourceKey(id) : "nothing"}`,
        );
      }
      deps.warn(
        `${describe(ref)}, which its listing did not return (created during the sync?); read it with GetResource`,
      );
      await deps.add(resource as Resource);
      added++;
    }
  }
}
