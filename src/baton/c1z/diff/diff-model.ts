/**
 * The shapes a diff is reported in: the two syncs compared, the counts (computed first, so every
 * format can lead with them), and the changes streamed one by one to a {@link DiffSink}.
 */
import type { FieldChange } from "./resource-facts.js";

/** One of the two syncs compared. */
export interface SyncRef {
  readonly file: string;
  readonly syncId: string;
  readonly type: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
}

/** A resource as a reviewer names it. */
export interface ResourceRef {
  readonly resourceType: string;
  readonly id: string;
  readonly displayName: string;
  /** The user trait's primary email, when the resource has one. */
  readonly email?: string;
}

export interface EntitlementRef {
  readonly id: string;
  readonly displayName: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly resourceDisplayName: string;
}

export interface TypeCounts {
  added: number;
  removed: number;
  changed: number;
}

export interface AddedRemoved {
  added: number;
  removed: number;
}

/** Every count of a diff. Maps are in id order. */
export interface DiffSummary {
  readonly resourceTypes: {
    readonly added: ResourceTypeRef[];
    readonly removed: ResourceTypeRef[];
  };
  readonly resources: TypeCounts;
  readonly resourcesByType: Map<string, TypeCounts>;
  readonly entitlements: AddedRemoved;
  readonly entitlementsByType: Map<string, AddedRemoved>;
  readonly grants: AddedRemoved;
  readonly grantsByType: Map<string, AddedRemoved>;
  /** Grants added and removed per entitlement id, with the entitlement's resource type. */
  readonly grantsByEntitlement: Map<string, AddedRemoved & { resourceType: string }>;
}

export interface ResourceTypeRef {
  readonly id: string;
  readonly displayName: string;
}

export type ResourceChange =
  | { readonly change: "added" | "removed"; readonly resource: ResourceRef }
  | { readonly change: "changed"; readonly resource: ResourceRef; readonly fields: FieldChange[] };

export interface EntitlementChange {
  readonly change: "added" | "removed";
  readonly entitlement: EntitlementRef;
}

export interface GrantChange {
  readonly change: "added" | "removed";
  readonly principal: ResourceRef;
}

/** Receives a diff as it is walked: counts first, then changes group by group. */
export interface DiffSink {
  start(from: SyncRef, to: SyncRef, summary: DiffSummary): void;
  /** Resource changes of one type follow (added, then removed, then changed). */
  resourceType(resourceType: string, counts: TypeCounts): void;
  resource(change: ResourceChange): void;
  /** Entitlement changes of one resource type follow (added, then removed). */
  entitlementType(resourceType: string, counts: AddedRemoved): void;
  entitlement(change: EntitlementChange): void;
  /** Grant changes of one entitlement follow (added, then removed). */
  grantEntitlement(entitlement: EntitlementRef, counts: AddedRemoved): void;
  grant(change: GrantChange): void;
  end(): void;
}

/** Whether a summary holds no change at all. */
export function isEmpty(s: DiffSummary): boolean {
  return (
    s.resourceTypes.added.length + s.resourceTypes.removed.length === 0 &&
    s.resources.added + s.resources.removed + s.resources.changed === 0 &&
    s.entitlements.added + s.entitlements.removed === 0 &&
    s.grants.added + s.grants.removed === 0
  );
}
