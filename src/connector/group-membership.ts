/**
 * Reading group membership, with the fallback for tenants without Seismic's membership endpoints:
 * GET /Groups/{id}/Users and /Users/{id}/Groups are preferred (paginated); when they answer 404
 * for a group or user that exists, the instance remembers that they are off and reads the group's
 * inline `members` instead, so there is no 404 per group afterwards.
 */
import type { ScimGroup, ScimMember } from "../seismic/index.js";
import { SeismicError } from "../seismic/index.js";
import type { SeismicContext } from "./context.js";

/** Ids compare case-insensitively: Seismic ids are GUIDs, which hosts may spell either way. */
export const sameId = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** The group, or undefined when Seismic says it does not exist. */
export async function findGroup(
  sc: SeismicContext,
  groupId: string,
  signal: AbortSignal,
): Promise<ScimGroup | undefined> {
  try {
    return await sc.seismic.run((c) => c.getGroup(groupId, signal));
  } catch (e) {
    if (SeismicError.is(e, "not_found")) return undefined;
    throw e;
  }
}

/** Inline members that are users (nested groups, if any, are not principals here). */
export function userMembers(group: ScimGroup): ScimMember[] {
  return (group.members ?? []).filter((m) => !m.type || m.type.toLowerCase() === "user");
}

/** Records that the membership endpoints are absent, once per instance. */
export function markMembershipEndpointsOff(sc: SeismicContext, endpoint: string): void {
  if (sc.membershipEndpointsOff) return;
  sc.membershipEndpointsOff = true;
  sc.logger.warn(
    { endpoint },
    "Seismic membership endpoints answer 404 on this tenant; reading group members from each group's inline members instead",
  );
}

/**
 * Whether `userId` is a member of `groupId`.
 * @throws SeismicError `not_found` when the user or the group does not exist.
 */
export async function isMember(
  sc: SeismicContext,
  userId: string,
  groupId: string,
  signal: AbortSignal,
): Promise<boolean> {
  if (!sc.membershipEndpointsOff) {
    try {
      return await sc.seismic.run(async (c) => {
        for await (const g of c.iterateUserGroups(userId, { signal })) {
          if (sameId(g.id, groupId)) return true;
        }
        return false;
      });
    } catch (e) {
      if (!SeismicError.is(e, "not_found")) throw e;
      // 404 for a user that exists means the endpoint is missing, not the user.
      await sc.seismic.run((c) => c.getUser(userId, signal));
      markMembershipEndpointsOff(sc, "GET /scim/v2/Users/{userId}/Groups");
    }
  }
  const group = await sc.seismic.run((c) => c.getGroup(groupId, signal));
  return userMembers(group).some((m) => sameId(m.value, userId));
}
