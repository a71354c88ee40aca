/**
 * What the syncer checks on every row it stores: resources of user, group,
 * role, app and secret types must carry their trait, no connector may emit the SDK-reserved
 * BatonID, and rows that point at types that were not synced are dropped, as the Go syncer does.
 */
import type { DescMessage } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import {
  BatonIDSchema,
  ExternalResourceMatchAllSchema,
  ExternalResourceMatchIDSchema,
  ExternalResourceMatchSchema,
} from "../../gen/c1/connector/v2/annotation_baton_id_pb.js";
import {
  SkipEntitlementsAndGrantsSchema,
  SkipEntitlementsSchema,
  SkipGrantsSchema,
} from "../../gen/c1/connector/v2/annotation_resource_tree_pb.js";
import {
  AppTraitSchema,
  GroupTraitSchema,
  RoleTraitSchema,
  SecretTraitSchema,
  UserTraitSchema,
} from "../../gen/c1/connector/v2/annotation_trait_pb.js";
import type { Entitlement } from "../../gen/c1/connector/v2/entitlement_pb.js";
import type { Grant } from "../../gen/c1/connector/v2/grant_pb.js";
import {
  type Resource,
  type ResourceId,
  type ResourceType,
  ResourceType_Trait,
} from "../../gen/c1/connector/v2/resource_pb.js";
import { has } from "../annotations.js";
import { resourceKey } from "../ids.js";

const requiredTraits: ReadonlyMap<ResourceType_Trait, DescMessage> = new Map<
  ResourceType_Trait,
  DescMessage
>([
  [ResourceType_Trait.USER, UserTraitSchema],
  [ResourceType_Trait.GROUP, GroupTraitSchema],
  [ResourceType_Trait.ROLE, RoleTraitSchema],
  [ResourceType_Trait.APP, AppTraitSchema],
  [ResourceType_Trait.SECRET, SecretTraitSchema],
]);

/** A rule violation that must stop the sync (the Go syncer aborts on these too). */
export class IngestError extends Error {
  override name = "IngestError";
}

/**
 * Checks one listed resource. Returns false when it must be dropped (empty ids, unknown type)
 * and throws {@link IngestError} when it breaks a rule that aborts a sync.
 */
export function acceptResource(r: Resource, types: ReadonlyMap<string, ResourceType>): boolean {
  if (!r.id?.resourceType || !r.id.resource) return false;
  const type = types.get(r.id.resourceType);
  if (!type) return false;
  if (has(r.annotations, BatonIDSchema)) {
    throw new IngestError(
      `resource ${resourceKey(r.id)} carries the SDK-reserved BatonID annotation`,
    );
  }
  for (const trait of type.traits) {
    const desc = requiredTraits.get(trait);
    if (desc && !has(r.annotations, desc)) {
      throw new IngestError(
        `resource ${resourceKey(r.id)} of type "${type.id}" lacks its ${desc.name} annotation, which the type's traits require`,
      );
    }
  }
  return true;
}

/** Whether an entitlement is stored: ids present and its resource's type was synced. */
export function acceptEntitlement(
  e: Entitlement,
  types: ReadonlyMap<string, ResourceType>,
): boolean {
  const rid = e.resource?.id;
  return Boolean(e.id && rid?.resourceType && rid.resource && types.has(rid.resourceType));
}

/** Whether a grant is stored: its entitlement's and principal's types were synced (or it is an external match). */
export function acceptGrant(g: Grant, types: ReadonlyMap<string, ResourceType>): boolean {
  const eType = g.entitlement?.resource?.id?.resourceType;
  const pType = g.principal?.id?.resourceType;
  if (!g.id || !g.entitlement?.id || !eType || !pType || !types.has(eType)) return false;
  if (types.has(pType)) return true;
  return (
    has(g.annotations, ExternalResourceMatchSchema) ||
    has(g.annotations, ExternalResourceMatchAllSchema) ||
    has(g.annotations, ExternalResourceMatchIDSchema)
  );
}

/** The id of a stored resource (stored resources always have one: acceptResource checks it). */
export function idOf(r: Resource): ResourceId {
  if (!r.id) throw new Error("internal: a stored resource has no id");
  return r.id;
}

/** Whether a resource (or its type) asks the syncer to skip its entitlements or grants. */
export function isSkipped(
  r: Resource,
  type: ResourceType | undefined,
  phase: "entitlements" | "grants",
): boolean {
  return skips([...r.annotations, ...(type?.annotations ?? [])], phase);
}

/** Whether a resource type asks the syncer to skip the phase for every resource of the type. */
export function isTypeSkipped(type: ResourceType, phase: "entitlements" | "grants"): boolean {
  return skips(type.annotations, phase);
}

function skips(marks: readonly Any[], phase: "entitlements" | "grants"): boolean {
  if (has(marks, SkipEntitlementsAndGrantsSchema)) return true;
  return phase === "entitlements"
    ? has(marks, SkipEntitlementsSchema)
    : has(marks, SkipGrantsSchema);
}
