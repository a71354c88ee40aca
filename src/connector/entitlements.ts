/**
 * Builders for the entitlements and grants every Seismic syncer emits, with the Baton id
 * conventions (`<type>:<id>:<slug>`, `<entitlement>:<principal type>:<principal id>`) applied in
 * one place, and offset paging over lists the connector already holds in memory.
 */
import { create } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import type { AnnotatedPage } from "../baton/connector.js";
import { entitlementId, grantId } from "../baton/ids.js";
import {
  decodePageToken,
  encodePageToken,
  type PageRequest,
  pageSize,
} from "../baton/pagination.js";
import {
  type Entitlement,
  Entitlement_PurposeValue,
  EntitlementSchema,
} from "../gen/c1/connector/v2/entitlement_pb.js";
import { type Grant, GrantSchema } from "../gen/c1/connector/v2/grant_pb.js";
import {
  type Resource,
  ResourceSchema,
  type ResourceType,
} from "../gen/c1/connector/v2/resource_pb.js";

export interface EntitlementSpec {
  slug: string;
  displayName: string;
  description: string;
  grantableTo: readonly ResourceType[];
  annotations?: Any[];
  purpose?: Entitlement_PurposeValue;
}

/** An entitlement of `resource`, with id `<type>:<id>:<slug>`. */
export function entitlementOf(resource: Resource, spec: EntitlementSpec): Entitlement {
  const rid = resource.id;
  if (!rid) throw new Error("entitlementOf: resource without an id");
  return create(EntitlementSchema, {
    id: entitlementId(rid, spec.slug),
    resource,
    slug: spec.slug,
    displayName: spec.displayName,
    description: spec.description,
    grantableTo: [...spec.grantableTo],
    purpose: spec.purpose ?? Entitlement_PurposeValue.ASSIGNMENT,
    annotations: spec.annotations ?? [],
  });
}

/** A grant of `entitlement` to a user, with a stub principal and a stub entitlement (as NewGrant). */
export function grantTo(
  entitlement: Entitlement,
  principalType: string,
  principalId: string,
): Grant {
  const principal = { resourceType: principalType, resource: principalId };
  return create(GrantSchema, {
    id: grantId(entitlement.id, principal),
    entitlement: {
      id: entitlement.id,
      ...(entitlement.resource ? { resource: stub(entitlement.resource) } : {}),
    },
    principal: { id: principal },
  });
}

function stub(resource: Resource): Resource {
  return create(ResourceSchema, {
    ...(resource.id ? { id: resource.id } : {}),
    displayName: resource.displayName,
  });
}

/** One page of an in-memory list; the token is the offset of the next page. */
export function offsetPage<T>(
  items: readonly T[],
  page: PageRequest,
  preferred: number,
): AnnotatedPage<T> {
  const offset =
    decodePageToken(page.token, (v) => {
      const o = (v as { o?: unknown } | null)?.o;
      if (typeof o !== "number" || !Number.isInteger(o) || o < 0) throw new Error("bad offset");
      return o;
    }) ?? 0;
  const end = offset + pageSize(page, preferred);
  return {
    items: items.slice(offset, end),
    nextToken: end < items.length ? encodePageToken({ o: end }) : "",
  };
}
