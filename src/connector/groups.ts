/**
 * The `group` syncer: SCIM /Groups with a GroupTrait and one `member` entitlement. Grants come
 * from GET /Groups/{id}/Users, 100 per call; both listings are checked to add up
 * (checked-listing.ts), which costs one extra (empty) page only for a group whose size is an
 * exact multiple of 100. Tenants without that endpoint fall back to the group's inline members
 * (seismic/variants/group-members.ts). Grant and revoke are in provisioning.ts (or, opted in,
 * group-replace-writes.ts).
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
  InlineMembersInstead,
  inlineMembers,
  membersEndpointPage,
  type ScimGroup,
  withProjection,
} from "../seismic/index.js";
import { checkedPage, type ListingId } from "./checked-listing.js";
import type { SeismicContext } from "./context.js";
import { entitlementOf, grantTo } from "./entitlements.js";
import { findGroup } from "./group-membership.js";
import { groupReplaceProvisioning } from "./group-replace-writes.js";
import { groupProvisioning } from "./provisioning.js";
import { groupType, MEMBER, userType } from "./resource-types.js";

/** The Baton resource of a Seismic group, with its SCIM id as external_id. */
export function groupResource(group: ScimGroup): Resource {
  const profile: JsonObject = { displayName: group.displayName };
  if (group.externalId) profile.externalId = group.externalId;
  if (group.meta?.created) profile.created = group.meta.created;
  if (group.meta?.lastModified) profile.lastModified = group.meta.lastModified;
  return create(ResourceSchema, {
    id: { resourceType: groupType.id, resource: group.id },
    // As for users: the upstream (SCIM) id, where Go connectors put it.
    externalId: { id: group.id },
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

function inlineGrants(entitlement: Entitlement, memberIds: string[]): AnnotatedPage<Grant> {
  return { items: memberIds.map((id) => grantTo(entitlement, userType.id, id)) };
}

export function groupSyncer(sc: SeismicContext): ResourceSyncer {
  return {
    resourceType: groupType,
    async list(_parent, page: PageRequest, ctx: CallContext) {
      // Members come from /Groups/{id}/Users in the grants phase; inline they would only cost
      // parsing (about 100 per group) on every page.
      const variants = sc.variants(ctx);
      const res = await checkedPage(
        sc,
        ctx,
        GROUPS,
        page,
        pageSize(page, DEFAULT_PAGE_SIZE),
        (startIndex, count) =>
          sc.seismic.run((c) =>
            withProjection(variants, (omitProjection) =>
              c.listGroups({
                startIndex,
                count,
                excludedAttributes: "members",
                omitProjection,
                signal: ctx.signal,
              }),
            ),
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
      const variants = sc.variants(ctx);
      if (variants.choice("groupMembers") !== "inline-members") {
        try {
          const res = await checkedPage(
            sc,
            ctx,
            membersListing(groupId),
            page,
            pageSize(page, DEFAULT_PAGE_SIZE),
            (startIndex, count) =>
              sc.seismic.run((c) =>
                membersEndpointPage(c, variants, groupId, {
                  startIndex,
                  count,
                  signal: ctx.signal,
                }),
              ),
          );
          return {
            items: res.items.map((u) => grantTo(entitlement, userType.id, u.id)),
            nextToken: res.nextToken,
          };
        } catch (e) {
          if (!(e instanceof InlineMembersInstead)) throw e;
          return inlineGrants(entitlement, inlineMembers(variants, e.group));
        }
      }
      const group = await sc.seismic.run((c) => c.getGroup(groupId, ctx.signal));
      return inlineGrants(entitlement, inlineMembers(variants, group));
    },
    async get(id, _parent, ctx) {
      const group = await findGroup(sc, id.resource, ctx.signal);
      return group ? groupResource(group) : undefined;
    },
    ...(sc.config.membershipWrites === "group-replace"
      ? groupReplaceProvisioning(sc)
      : groupProvisioning(sc)),
  };
}
