/**
 * The `group` syncer: SCIM /Groups with a GroupTrait and one `member` entitlement. Grants come
 * from GET /Groups/{id}/Users, 100 per call; both listings are checked to add up
 * (checked-listing.ts), which costs one extra (empty) page only for a group whose size is an
 * exact multiple of 100. Each group's first member page is read ahead (member-pages.ts) once the
 * host asks for grants; under a rate limit already while groups are listed, and the group
 * listing's later pages and each group's later member pages as soon as the first page tells the
 * total (pages-ahead.ts), so every window's budget can go out at its start. Tenants without that endpoint fall back to the group's inline members
 * (seismic/variants/group-members.ts). With `--seismic-membership-source reporting`, groups
 * unchanged since Reporting's last refresh take their members from its groupMembers table
 * instead (reporting-membership.ts). Grant and revoke are in provisioning.ts (or, opted in,
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
  type ScimMemberUser,
  withProjection,
} from "../seismic/index.js";
import { checkedPage, type ListingId } from "./checked-listing.js";
import { DEFAULT_READ_AHEAD } from "./config.js";
import type { SeismicContext } from "./context.js";
import { entitlementOf, grantTo, isOffsetToken, offsetPage } from "./entitlements.js";
import { findGroup } from "./group-membership.js";
import { groupReplaceProvisioning } from "./group-replace-writes.js";
import { MemberPages } from "./member-pages.js";
import { PagesAhead } from "./pages-ahead.js";
import { PerSync } from "./per-sync.js";
import { groupProvisioning } from "./provisioning.js";
import { reportingMembership } from "./reporting-membership.js";
import { groupType, MEMBER, userType } from "./resource-types.js";
import type { ReadAhead } from "./user-pages.js";

/** Grants per page from Reporting's table: they are built from memory, so pages can be large. */
const REPORTED_GRANTS_PER_PAGE = 1000;

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
  const reporting =
    sc.config.membershipSource === "reporting" ? reportingMembership(sc) : undefined;
  // Reporting serves most groups' members in one call: nothing to read ahead there.
  const readAhead = reporting ? 0 : (sc.config.readAhead ?? DEFAULT_READ_AHEAD);
  // Under a rate limit the rest of each listing is fetched ahead once its first page is here
  // (pages-ahead.ts): the group listing's pages, and each group's member pages after the first.
  const aheadOn = sc.config.rateLimit > 0 && readAhead > 0;
  const groupPagesAhead = new PerSync(
    () => new PagesAhead<ScimGroup>(DEFAULT_PAGE_SIZE),
    (p) => p.close(),
  );
  const memberPagesAhead = new PerSync(
    () => new PagesAhead<ScimMemberUser>(DEFAULT_PAGE_SIZE),
    (p) => p.close(),
  );
  type SyncOf = Pick<CallContext, "activeSyncId">;
  const membersPage = (
    ctx: SyncOf,
    groupId: string,
    startIndex: number,
    count: number,
    signal: AbortSignal,
    ahead?: ReadAhead,
  ) =>
    sc.seismic.run((c) =>
      membersEndpointPage(c, sc.variants(ctx), groupId, { startIndex, count, signal, ...ahead }),
    );
  /** A group's first member page; the pages after it are then fetched ahead. */
  const firstMembers = async (
    ctx: SyncOf,
    groupId: string,
    signal: AbortSignal,
    ahead?: ReadAhead,
  ) => {
    const page = await membersPage(ctx, groupId, 1, DEFAULT_PAGE_SIZE, signal, ahead);
    if (aheadOn) {
      memberPagesAhead
        .get(ctx)
        .plan(groupId.toLowerCase(), page, (s, n, sig, a) =>
          membersPage(ctx, groupId, s, n, sig, a),
        );
    }
    return page;
  };
  const memberPages = new PerSync(
    (ctx) =>
      new MemberPages((groupId, signal, ahead) => firstMembers(ctx, groupId, signal, ahead), {
        readAhead,
        // Early, during the resource listing, only when the rate limit is the bottleneck and
        // the syncs ask for grants.
        speculate: sc.config.rateLimit > 0 && sc.config.readsGrants !== false,
      }),
    (m) => m.close(),
  );
  sc.onCleanup.push(
    () => memberPages.drop(),
    () => groupPagesAhead.drop(),
    () => memberPagesAhead.drop(),
  );
  return {
    resourceType: groupType,
    async list(_parent, page: PageRequest, ctx: CallContext) {
      // Members come from /Groups/{id}/Users in the grants phase; inline they would only cost
      // parsing (about 100 per group) on every page.
      const variants = sc.variants(ctx);
      const groups = (startIndex: number, count: number, signal: AbortSignal, ahead?: ReadAhead) =>
        sc.seismic.run((c) =>
          withProjection(variants, (omitProjection) =>
            c.listGroups({
              startIndex,
              count,
              excludedAttributes: "members",
              omitProjection,
              signal,
              ...ahead,
            }),
          ),
        );
      const firstGroups = async (count: number) => {
        const first = await groups(1, count, ctx.signal);
        // The pages ahead follow the grid of 100; a host asking smaller pages walks another one.
        if (aheadOn && count === DEFAULT_PAGE_SIZE) {
          // The groups of each page reach the member read-ahead as they arrive, in order.
          const members = memberPages.get(ctx);
          groupPagesAhead
            .get(ctx)
            .plan(GROUPS.key, first, groups, (p) => members.listed(p.Resources.map((g) => g.id)));
        }
        return first;
      };
      const res = await checkedPage(
        sc,
        ctx,
        GROUPS,
        page,
        pageSize(page, DEFAULT_PAGE_SIZE),
        (startIndex, count) =>
          startIndex === 1
            ? firstGroups(count)
            : groupPagesAhead
                .get(ctx)
                .take(GROUPS.key, startIndex, count, () => groups(startIndex, count, ctx.signal)),
      );
      memberPages.get(ctx).listed(res.items.map((g) => g.id));
      return { items: res.items.map(groupResource), nextToken: res.nextToken };
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
      const variants = sc.variants(ctx);
      if (variants.choice("groupMembers") !== "inline-members") {
        const fetch = (startIndex: number, count: number) =>
          memberPagesAhead
            .get(ctx)
            .take(groupId.toLowerCase(), startIndex, count, () =>
              membersPage(ctx, groupId, startIndex, count, ctx.signal),
            );
        try {
          const res = await checkedPage(
            sc,
            ctx,
            membersListing(groupId),
            page,
            pageSize(page, DEFAULT_PAGE_SIZE),
            (startIndex, count) =>
              startIndex === 1 && count === DEFAULT_PAGE_SIZE
                ? memberPages.get(ctx).first(groupId, () => firstMembers(ctx, groupId, ctx.signal))
                : fetch(startIndex, count),
          );
          return {
            items: res.items.map((u) => grantTo(entitlement, userType.id, u.id)),
            nextToken: res.nextToken,
          };
        } catch (e) {
          if (!(e instanceof InlineMembersInstead)) throw e;
          memberPages.get(ctx).disable();
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
