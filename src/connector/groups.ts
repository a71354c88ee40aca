/**
 * The `group` syncer: SCIM /Groups with a GroupTrait and one `member` entitlement. Grants come
 * from GET /Groups/{id}/Users, 100 per call; both listings are checked to add up
 * (checked-listing.ts), which costs one extra (empty) page only for a group whose size is an
 * exact multiple of 100. Tenants without that endpoint fall back to the group's inline members.
 * Grant and revoke are in provisioning.ts.
 */
import { create, type JsonObject } from "@bufbuild/protobuf";
import { pack } from "../baton/annotations.js";
import type { AnnotatedPage, CallContext, ResourceSyncer } from "../baton/connector.js";
import { type PageRequest, pageSize } from "../baton/pagination.js";
import { GroupTraitSchema } from "../gen/c1/connector/v2/annotation_trait_pb.js";
import type { Entitlement } from "../gen/c1/connector/v2/entitlement_pb.js";
import type { Grant } from "../gen/c1/connector/v2/grant_pb.js";
import {
  type Resource,
  type ResourceId,
  ResourceSchema,
} from "../gen/c1/connector/v2/resource_pb.js";
import {
  DEFAULT_PAGE_SIZE,
  ENDPOINTS,
  endpointLabel,
  type ScimGroup,
  SeismicError,
} from "../seismic/index.js";
import { checkedPage, type ListingId } from "./checked-listing.js";
import type { SeismicContext } from "./context.js";
import { entitlementOf, grantTo } from "./entitlements.js";
import { findGroup, markMembershipEndpointsOff, userMembers } from "./group-membership.js";
import { groupProvisioning } from "./provisioning.js";
import { groupType, MEMBER, userType } from "./resource-types.js";

/** The Baton resource of a Seismic group. */
export function groupResource(group: ScimGroup): Resource {
  const profile: JsonObject = { displayName: group.displayName };
  if (group.externalId) profile.externalId = group.externalId;
  if (group.meta?.created) profile.created = group.meta.created;
  if (group.meta?.lastModified) profile.lastModified = group.meta.lastModified;
  return create(ResourceSchema, {
    id: { resourceType: groupType.id, resource: group.id },
    displayName: group.displayName.slice(0, 1024),
    annotations: [pack(GroupTraitSchema, { profile })],
    profile,
  });
}

/** The group's `member` entitlement. */
export function memberEntitlement(group: Resource): Entitlement {
  return entitlementOf(group, {
    slug: MEMBER,
    displayName: `${group.displayName} member`.slice(0, 1024),
    description: `Member of the Seismic group ${group.displayName}`.slice(0, 2048),
    grantableTo: [userType],
  });
}

const GROUPS: ListingId = { key: "groups", endpoint: endpointLabel(ENDPOINTS.listGroups) };

/** The listing of one group's members. */
function membersListing(groupId: string): ListingId {
  return {
    key: `members:${groupId}`,
    endpoint: endpointLabel(ENDPOINTS.listGroupMembers),
    subject: `group ${groupId}`,
  };
}

function inlineGrants(entitlement: Entitlement, group: ScimGroup): AnnotatedPage<Grant> {
  return { items: userMembers(group).map((m) => grantTo(entitlement, userType.id, m.value)) };
}

export function groupSyncer(sc: SeismicContext): ResourceSyncer {
  return {
    resourceType: groupType,
    async list(_parent, page: PageRequest, ctx: CallContext) {
      // Members come from /Groups/{id}/Users in the grants phase; inline they would only cost
      // parsing (about 100 per group) on every page.
      const res = await checkedPage(
        sc,
        ctx,
        GROUPS,
        page,
        pageSize(page, DEFAULT_PAGE_SIZE),
        (startIndex, count) =>
          sc.seismic.run((c) =>
            c.listGroups({ startIndex, count, excludedAttributes: "members", signal: ctx.signal }),
          ),
      );
      return { items: res.items.map(groupResource), nextToken: res.nextToken };
    },
    async entitlements(resource) {
      return { items: [memberEntitlement(resource)] };
    },
    async grants(resource, page, ctx): Promise<AnnotatedPage<Grant>> {
      const groupId = (resource.id as ResourceId).resource;
      const entitlement = memberEntitlement(resource);
      if (!sc.membershipEndpointsOff) {
        try {
          const res = await checkedPage(
            sc,
            ctx,
            membersListing(groupId),
            page,
            pageSize(page, DEFAULT_PAGE_SIZE),
            (startIndex, count) =>
              sc.seismic.run((c) =>
                c.listGroupMembers(groupId, { startIndex, count, signal: ctx.signal }),
              ),
          );
          return {
            items: res.items.map((u) => grantTo(entitlement, userType.id, u.id)),
            nextToken: res.nextToken,
          };
        } catch (e) {
          if (!SeismicError.is(e, "not_found")) throw e;
          // 404 for a group that exists means the endpoint is missing on this tenant.
          const group = await findGroup(sc, groupId, ctx.signal);
          if (!group) throw e;
          markMembershipEndpointsOff(sc, "GET /scim/v2/Groups/{groupId}/Users");
          return inlineGrants(entitlement, group);
        }
      }
      const group = await sc.seismic.run((c) => c.getGroup(groupId, ctx.signal));
      return inlineGrants(entitlement, group);
    },
    async get(id, _parent, ctx) {
      const group = await findGroup(sc, id.resource, ctx.signal);
      return group ? groupResource(group) : undefined;
    },
    ...groupProvisioning(sc),
  };
}
