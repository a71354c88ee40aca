/**
 * Locks and unlocks a Seismic user (SCIM `active`), the one change deprovisioning, `disable_user`
 * and `enable_user` share: read the user first, write only when the flag differs or is unknown (one
 * PATCH `replace active`), then read it back before reporting success. Neither may touch the
 * delegation user the connector acts as.
 */
import { Code, connectorError } from "../baton/errors.js";
import { type ScimUser, SeismicError } from "../seismic/index.js";
import type { SeismicContext } from "./context.js";
import { projectUser } from "./user-directory.js";

/** What setting the flag did: nothing (it already was), a change, or nothing to change. */
export type ActiveChange =
  | { outcome: "already"; user: ScimUser }
  | { outcome: "changed"; user: ScimUser }
  | { outcome: "missing" };

/** The user, or undefined when Seismic does not know the id. */
export async function findUserById(
  sc: SeismicContext,
  userId: string,
  signal: AbortSignal,
): Promise<ScimUser | undefined> {
  try {
    return await sc.seismic.run((c) => c.getUser(userId, signal));
  } catch (e) {
    if (SeismicError.is(e, "not_found")) return undefined;
    throw e;
  }
}

/** Sets `active` on one user, verified by reading it back. */
export async function setUserActive(
  sc: SeismicContext,
  userId: string,
  active: boolean,
  signal: AbortSignal,
): Promise<ActiveChange> {
  const user = await findUserById(sc, userId, signal);
  if (!user) return { outcome: "missing" };
  if (user.active === active) return { outcome: "already", user };
  await sc.seismic.run((c) =>
    c.patchUser(userId, [{ op: "replace", path: "active", value: active }], signal),
  );
  const after = await findUserById(sc, userId, signal);
  if (!after) return { outcome: "missing" };
  if (after.active === undefined) {
    // A tenant that does not report `active` cannot confirm the change; say so, do not fail.
    sc.logger.warn(
      { userId },
      `Seismic accepted the ${active ? "reactivation" : "deactivation"}, but this tenant does not report users' \`active\`, so it could not be read back`,
    );
  } else if (after.active !== active) {
    throw connectorError(
      Code.Unavailable,
      `Seismic accepted the ${active ? "reactivation" : "deactivation"} of user ${userId} (PATCH active=${active}) but still reports it ${active ? "inactive" : "active"}; try again`,
    );
  }
  sc.directory.peek()?.update(after.id, projectUser(after));
  return { outcome: "changed", user: after };
}

/** The delegation user cannot be locked or deleted: the connector acts as it. */
export function refuseDelegationUser(sc: SeismicContext, userId: string, verb: string): void {
  if (userId.toLowerCase() === sc.config.delegationUserId.toLowerCase()) {
    throw connectorError(
      Code.FailedPrecondition,
      `refusing to ${verb} user ${userId}: it is the delegation user this connector acts as (--seismic-delegation-user-id); the connector would lock itself out`,
    );
  }
}
