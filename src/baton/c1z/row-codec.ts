/**
 * Turns Baton messages into the column values of their c1z rows and back. The key
 * columns are derived from the message exactly as the Go SDK derives them, so the rows are found
 * by the same queries; a message that lacks an id its row needs is refused with a C1zError that
 * names it, because a row keyed on "" would silently collide with others.
 */
import { fromBinary, type Registry } from "@bufbuild/protobuf";
import { type Entitlement, EntitlementSchema } from "../../gen/c1/connector/v2/entitlement_pb.js";
import { type Grant, GrantSchema } from "../../gen/c1/connector/v2/grant_pb.js";
import {
  type Resource,
  ResourceSchema,
  type ResourceType,
  ResourceTypeSchema,
} from "../../gen/c1/connector/v2/resource_pb.js";
import { C1zError } from "./c1z-error.js";
import { toCanonicalBinary } from "./canonical-binary.js";
import { attachExpansion, expansionColumns } from "./grant-expansion.js";

export interface ResourceTypeRow {
  readonly externalId: string;
  readonly data: Uint8Array;
}

export interface ResourceRow {
  readonly resourceTypeId: string;
  readonly externalId: string;
  readonly parentResourceTypeId: string | null;
  readonly parentResourceId: string | null;
  readonly data: Uint8Array;
}

export interface EntitlementRow {
  readonly resourceTypeId: string;
  readonly resourceId: string;
  readonly externalId: string;
  readonly data: Uint8Array;
}

export interface GrantRow {
  readonly resourceTypeId: string;
  readonly resourceId: string;
  readonly entitlementId: string;
  readonly principalResourceTypeId: string;
  readonly principalResourceId: string;
  readonly externalId: string;
  readonly expansion: Uint8Array | null;
  readonly needsExpansion: 0 | 1;
  readonly data: Uint8Array;
}

/** The `external_id` of a resource row: `"<type>:<id>"`, a plain join. */
export function resourceExternalId(id: { resourceType: string; resource: string }): string {
  return `${id.resourceType}:${id.resource}`;
}

export function resourceTypeRow(type: ResourceType, registry?: Registry): ResourceTypeRow {
  if (type.id === "") throw invalid("resource type without an id");
  return { externalId: type.id, data: toCanonicalBinary(ResourceTypeSchema, type, registry) };
}

export function resourceRow(resource: Resource, registry?: Registry): ResourceRow {
  const id = resource.id;
  if (!id || id.resourceType === "" || id.resource === "") {
    throw invalid(`resource ${JSON.stringify(resource.displayName)} without a full id`);
  }
  const parent = resource.parentResourceId;
  return {
    resourceTypeId: id.resourceType,
    externalId: resourceExternalId(id),
    parentResourceTypeId: parent ? parent.resourceType : null,
    parentResourceId: parent ? parent.resource : null,
    data: toCanonicalBinary(ResourceSchema, resource, registry),
  };
}

export function entitlementRow(entitlement: Entitlement, registry?: Registry): EntitlementRow {
  const resourceId = entitlement.resource?.id;
  if (entitlement.id === "") throw invalid("entitlement without an id");
  if (!resourceId || resourceId.resourceType === "" || resourceId.resource === "") {
    throw invalid(`entitlement ${entitlement.id} without a resource id`);
  }
  return {
    resourceTypeId: resourceId.resourceType,
    resourceId: resourceId.resource,
    externalId: entitlement.id,
    data: toCanonicalBinary(EntitlementSchema, entitlement, registry),
  };
}

export function grantRow(grant: Grant, registry?: Registry): GrantRow {
  if (grant.id === "") throw invalid("grant without an id");
  const entitlement = grant.entitlement;
  const resourceId = entitlement?.resource?.id;
  const principalId = grant.principal?.id;
  if (!entitlement || entitlement.id === "" || !resourceId) {
    throw invalid(`grant ${grant.id} without an entitlement and its resource`);
  }
  if (!principalId || principalId.resourceType === "" || principalId.resource === "") {
    throw invalid(`grant ${grant.id} without a principal id`);
  }
  return {
    resourceTypeId: resourceId.resourceType,
    resourceId: resourceId.resource,
    entitlementId: entitlement.id,
    principalResourceTypeId: principalId.resourceType,
    principalResourceId: principalId.resource,
    externalId: grant.id,
    ...expansionColumns(grant),
    data: toCanonicalBinary(GrantSchema, grant, registry),
  };
}

export function decodeResourceType(data: Uint8Array): ResourceType {
  return fromBinary(ResourceTypeSchema, data);
}

export function decodeResource(data: Uint8Array): Resource {
  return fromBinary(ResourceSchema, data);
}

export function decodeEntitlement(data: Uint8Array): Entitlement {
  return fromBinary(EntitlementSchema, data);
}

/** A stored grant, with GrantExpandable re-attached from the `expansion` column. */
export function decodeGrant(data: Uint8Array, expansion: Uint8Array | null): Grant {
  return attachExpansion(fromBinary(GrantSchema, data), expansion);
}

function invalid(message: string): C1zError {
  return new C1zError("invalid-argument", `cannot store ${message}`);
}
