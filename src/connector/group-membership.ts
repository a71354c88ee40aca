/**
 * Reading one user's membership of a group, for provisioning: GET /Users/{id}/Groups (paginated)
 * is preferred; when it answers 404 for a user that exists, the instance remembers that it is off
 * and reads the group's inline `members` instead, so there is no 404 per check afterwards. (The
 * sync reads members through seismic/variants/group-members.ts.)
 */
import type { ScimGroup } from "../seismic/index.js";
import { inlineUserIds, SeismicError } from "../seismic/index.js";
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

/** Records that GET /Users/{id}/Groups is absent, once per instance. */
function markUserGroupsEndpointOff(sc: SeismicContext, endpoint: string): void {
  if (sc.userGroupsEndpointOff) return;
  sc.userGroupsEndpointOff = true;
  sc.logger.info(
    { endpoint },
    "Seismic answers 404 to GET /scim/v2/Users/{userId}/Groups on this tenant; checking membership with each group's inline members instead",
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
  if (!sc.userGroupsEndpointOff) {
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
      markUserGroupsEndpointOff(sc, "GET /scim/v2/Users/{userId}/Groups");
    }
  }
  const group = await sc.seismic.run((c) => c.getGroup(groupId, signal));
  return inlineUserIds(group).some((id) => sameId(id, userId));
}
