// The group-members variant: Seismic documents a paginated members endpoint whose path was never
// seen (we call `GET /scim/v2/Groups/{id}/Users`), and the standard inline `members` of
// `GET /scim/v2/Groups/{id}`. The endpoint is tried first; when it answers like a missing route
// (404 for a group that exists, 405, 501, a 400) the group's inline members are used, for this
// group and every later one of the sync.
import type { SeismicClient } from "../client.js";
import { ENDPOINTS, endpointLabel } from "../endpoints.js";
import type { ScimGroup, ScimListResponse, ScimMemberUser } from "../models.js";
import { nextStartIndex, paginate } from "../pagination.js";
import { withProjection } from "./listing-parameters.js";
import { isMissingRoute, statusOf } from "./missing-route.js";
import type { TenantVariants } from "./tenant-variants.js";

/** One page of a group's member ids. */
export interface MembersPage {
  memberIds: string[];
  /** The next page's startIndex, or undefined after the last. */
  next: number | undefined;
}

/**
 * Thrown by {@link membersEndpointPage} when the tenant has no members endpoint: the variant is
 * now `inline-members`, and `group` (read to tell a missing route from a missing group) holds
 * the inline members to use.
 */
export class InlineMembersInstead extends Error {
  constructor(readonly group: ScimGroup) {
    super("the members endpoint is missing on this tenant; use the group's inline members");
    this.name = "InlineMembersInstead";
  }
}

/** Member ids of a group's inline `members` that are users (nested groups are not principals). */
export function inlineUserIds(group: ScimGroup): string[] {
  return (group.members ?? [])
    .filter((m) => !m.type || m.type.toLowerCase() === "user")
    .map((m) => m.value);
}

/** The inline member ids of `group`, counted for the end-of-sync warning. */
export function inlineMembers(variants: TenantVariants, group: ScimGroup): string[] {
  variants.countInlineGroup();
  return inlineUserIds(group);
}

/**
 * One page of `GET /scim/v2/Groups/{id}/Users`, as the tenant answers it. Callers check the pages
 * add up (a checked listing or `paginate`); this only settles whether the endpoint exists.
 * @throws InlineMembersInstead when the route is missing (the variant switched to inline members).
 * @throws SeismicError `not_found` when the group does not exist.
 */
export async function membersEndpointPage(
  client: SeismicClient,
  variants: TenantVariants,
  groupId: string,
  page: { startIndex: number; count: number; signal?: AbortSignal },
): Promise<ScimListResponse<ScimMemberUser>> {
  try {
    const res = await withProjection(variants, (omitProjection) =>
      client.listGroupMembers(groupId, { ...page, omitProjection }),
    );
    if (variants.choice("groupMembers") === undefined) {
      variants.choose("groupMembers", "members-endpoint", "the tenant answered it");
    }
    return res;
  } catch (e) {
    // Once the endpoint has answered in this sync, a 404 means the group went away.
    if (!isMissingRoute(e) || variants.choice("groupMembers") === "members-endpoint") throw e;
    // The group's own GET tells a missing route from a missing group (its 404 propagates), and
    // serves the members.
    const group = await client.getGroup(groupId, page.signal);
    variants.choose(
      "groupMembers",
      "inline-members",
      `${e.endpoint ?? "GET /scim/v2/Groups/{groupId}/Users"} answered ${statusOf(e)} for a group that exists`,
    );
    throw new InlineMembersInstead(group);
  }
}

/**
 * One page of the members of `groupId`, from whichever source this tenant has (unchecked: for a
 * probe such as `doctor`; a sync reads members through a checked listing).
 * @throws SeismicError `not_found` when the group does not exist.
 */
export async function groupMembersPage(
  client: SeismicClient,
  variants: TenantVariants,
  groupId: string,
  page: { startIndex: number; count: number; signal?: AbortSignal },
): Promise<MembersPage> {
  if (variants.choice("groupMembers") === "inline-members") {
    return {
      memberIds: inlineMembers(variants, await client.getGroup(groupId, page.signal)),
      next: undefined,
    };
  }
  try {
    const res = await membersEndpointPage(client, variants, groupId, page);
    return {
      memberIds: res.Resources.map((u) => u.id),
      next: nextStartIndex(page.startIndex, res),
    };
  } catch (e) {
    if (!(e instanceof InlineMembersInstead)) throw e;
    return { memberIds: inlineMembers(variants, e.group), next: undefined };
  }
}

/**
 * Every member id of a group, from whichever source this tenant has, with the member pages
 * checked to add up (`paginate`): a membership rewrite built on a cut-short list would remove
 * the members it missed.
 * @throws SeismicError `inconsistent_listing` when the member pages do not add up, twice.
 */
export async function allGroupMemberIds(
  client: SeismicClient,
  variants: TenantVariants,
  groupId: string,
  signal?: AbortSignal,
): Promise<string[]> {
  if (variants.choice("groupMembers") === "inline-members") {
    return inlineMembers(variants, await client.getGroup(groupId, signal));
  }
  const ids: string[] = [];
  try {
    const pages = paginate(
      (p) =>
        membersEndpointPage(client, variants, groupId, { ...p, ...(signal ? { signal } : {}) }),
      100,
      endpointLabel(ENDPOINTS.listGroupMembers),
    );
    for await (const member of pages) ids.push(member.id);
    return ids;
  } catch (e) {
    if (!(e instanceof InlineMembersInstead)) throw e;
    return inlineMembers(variants, e.group);
  }
}
