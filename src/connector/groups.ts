/**
 * The `group` syncer: SCIM /Groups with a GroupTrait and one `member` entitlement. Grants come
 * from GET /Groups/{id}/Users, 100 per call, stopping exactly when the next startIndex passes
 * totalResults, so a group of 100 costs one call; tenants without that endpoint fall back to the
 * group's inline members. Each group's first member page is read ahead (member-pages.ts) once the
 * host asks for grants. With `--seismic-membership-source reporting`, groups unchanged since
 * Reporting's last refresh take their members from its groupMembers table instead
 * (reporting-membership.ts). Grant and revoke are in provisioning.ts.
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
  nextStartIndex,
  type ScimGroup,
  SeismicError,
} from "../seismic/index.js";
import { DEFAULT_READ_AHEAD } from "./config.js";
import type { SeismicContext } from "./context.js";
import {
  decodeStartIndex,
  entitlementOf,
  grantTo,
  isOffsetToken,
  offsetPage,
  startIndexToken,
} from "./entitlements.js";
import { findGroup, markMembershipEndpointsOff, userMembers } from "./group-membership.js";
import { MemberPages } from "./member-pages.js";
import { PerSync } from "./per-sync.js";
import { groupProvisioning } from "./provisioning.js";
import { reportingMembership } from "./reporting-membership.js";
import { groupType, MEMBER, userType } from "./resource-types.js";

/** Grants per page from Reporting's table: they are built from memory, so pages can be large. */
const REPORTED_GRANTS_PER_PAGE = 1000;

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

function inlineGrants(entitlement: Entitlement, group: ScimGroup): AnnotatedPage<Grant> {
  return { items: userMembers(group).map((m) => grantTo(entitlement, userType.id, m.value)) };
}

export function groupSyncer(sc: SeismicContext): ResourceSyncer {
  const reporting =
    sc.config.membershipSource === "reporting" ? reportingMembership(sc) : undefined;
  // Reporting serves most groups' members in one call: nothing to read ahead there.
  const readAhead = reporting ? 0 : (sc.config.readAhead ?? DEFAULT_READ_AHEAD);
  const memberPages = new PerSync(
    () =>
      new MemberPages(
        (groupId, signal, ahead) =>
          sc.seismic.run((c) =>
            c.listGroupMembers(groupId, {
              startIndex: 1,
              count: DEFAULT_PAGE_SIZE,
              signal,
              ...ahead,
            }),
          ),
        {
          readAhead,
          // Early, during the resource listing, only when the rate limit is the bottleneck and
          // the syncs ask for grants.
          speculate: sc.config.rateLimit > 0 && sc.config.readsGrants !== false,
        },
      ),
    (m) => m.close(),
  );
  sc.onCleanup.push(() => memberPages.drop());
  return {
    resourceType: groupType,
    async list(_parent, page: PageRequest, ctx: CallContext) {
      const startIndex = decodeStartIndex(page.token);
      const count = pageSize(page, DEFAULT_PAGE_SIZE);
      // Members come from /Groups/{id}/Users in the grants phase; inline they would only cost
      // parsing (about 100 per group) on every page.
      const res = await sc.seismic.run((c) =>
        c.listGroups({ startIndex, count, excludedAttributes: "members", signal: ctx.signal }),
      );
      memberPages.get(ctx).listed(res.Resources.map((g) => g.id));
      return {
        items: res.Resources.map(groupResource),
        nextToken: startIndexToken(nextStartIndex(startIndex, res)),
      };
    },
    async entitlements(resource) {
      return { items: [memberEntitlement(resource)] };
    },
    async grants(resource, page, ctx): Promise<AnnotatedPage<Grant>> {
      const groupId = (resource.id as ResourceId).resource;
      const entitlement = memberEntitlement(resource);
      if (reporting && (page.token === "" || isOffsetToken(page.token))) {
        const ids = await reporting.members(resource, ctx, page.token !== "");
        if (ids) {
          const held = offsetPage(ids, page, REPORTED_GRANTS_PER_PAGE);
          return {
            items: held.items.map((id) => grantTo(entitlement, userType.id, id)),
            nextToken: held.nextToken ?? "",
          };
        }
        // Read from SCIM, from its first page (earlier Reporting pages were exact: see the module).
        page = { ...page, token: "" };
      }
      if (!sc.membershipEndpointsOff) {
        const startIndex = decodeStartIndex(page.token);
        const count = pageSize(page, DEFAULT_PAGE_SIZE);
        const fetchNow = () =>
          sc.seismic.run((c) =>
            c.listGroupMembers(groupId, { startIndex, count, signal: ctx.signal }),
          );
        try {
          const res =
            startIndex === 1 && count === DEFAULT_PAGE_SIZE
              ? await memberPages.get(ctx).first(groupId, fetchNow)
              : await fetchNow();
          return {
            items: res.Resources.map((u) => grantTo(entitlement, userType.id, u.id)),
            nextToken: startIndexToken(nextStartIndex(startIndex, res)),
          };
        } catch (e) {
          if (!SeismicError.is(e, "not_found")) throw e;
          // 404 for a group that exists means the endpoint is missing on this tenant.
          const group = await findGroup(sc, groupId, ctx.signal);
          if (!group) throw e;
          markMembershipEndpointsOff(sc, "GET /scim/v2/Groups/{groupId}/Users");
          memberPages.get(ctx).disable();
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
