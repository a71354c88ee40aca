// The group-members variant: Seismic documents a paginated members endpoint whose path was never
// seen (we call `GET /scim/v2/Groups/{id}/Users`), and the standard inline `members` of
// `GET /scim/v2/Groups/{id}`. The endpoint is tried first; when it answers like a missing route
// (404 for a group that exists, 405, 501, a 400) the group's inline members are used, for this
// group and every later one of the sync.
import type { SeismicClient } from "../client.js";
import type { ScimGroup } from "../models.js";
import { nextStartIndex } from "../pagination.js";
import { withProjection } from "./listing-parameters.js";
import { isMissingRoute, statusOf } from "./missing-route.js";
import type { TenantVariants } from "./tenant-variants.js";

/** One page of a group's member ids. */
export interface MembersPage {
  memberIds: string[];
  /** The next page's startIndex, or undefined after the last. */
  next: number | undefined;
}

/** Member ids of a group's inline `members` that are users (nested groups are not principals). */
export function inlineUserIds(group: ScimGroup): string[] {
  return (group.members ?? [])
    .filter((m) => !m.type || m.type.toLowerCase() === "user")
    .map((m) => m.value);
}

/** Inline members as one last page; counted for the end-of-sync warning. */
function inlinePage(variants: TenantVariants, group: ScimGroup): MembersPage {
  variants.countInlineGroup();
  return { memberIds: inlineUserIds(group), next: undefined };
}

/**
 * One page of the members of `groupId`, from whichever source this tenant has.
 * @throws SeismicError `not_found` when the group does not exist.
 */
export async function groupMembersPage(
  client: SeismicClient,
  variants: TenantVariants,
  groupId: string,
  page: { startIndex: number; count: number; signal?: AbortSignal },
): Promise<MembersPage> {
  const { signal } = page;
  if (variants.choice("groupMembers") === "inline-members") {
    return inlinePage(variants, await client.getGroup(groupId, signal));
  }
  try {
    const res = await withProjection(variants, (omitProjection) =>
      client.listGroupMembers(groupId, { ...page, omitProjection }),
    );
    if (variants.choice("groupMembers") === undefined) {
      variants.choose("groupMembers", "members-endpoint", "the tenant answered it");
    }
    return {
      memberIds: res.Resources.map((u) => u.id),
      next: nextStartIndex(page.startIndex, res),
    };
  } catch (e) {
    // Once the endpoint has answered in this sync, a 404 means the group went away.
    if (!isMissingRoute(e) || variants.choice("groupMembers") === "members-endpoint") throw e;
    // The group's own GET tells a missing route from a missing group (its 404 propagates), and
    // serves the members.
    const group = await client.getGroup(groupId, signal);
    variants.choose(
      "groupMembers",
      "inline-members",
      `${e.endpoint ?? "GET /scim/v2/Groups/{groupId}/Users"} answered ${statusOf(e)} for a group that exists`,
    );
    return inlinePage(variants, group);
  }
}

/** Every member id of a group, from whichever source this tenant has (for membership rewrites). */
export async function allGroupMemberIds(
  client: SeismicClient,
  variants: TenantVariants,
  groupId: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const ids: string[] = [];
  let startIndex: number | undefined = 1;
  while (startIndex !== undefined) {
    const p: MembersPage = await groupMembersPage(client, variants, groupId, {
      startIndex,
      count: 100,
      ...(signal ? { signal } : {}),
    });
    ids.push(...p.memberIds);
    startIndex = p.next;
  }
  return ids;
}
