/**
 * The one-line error for a tenant without Seismic's per-user membership routes (`POST`/`DELETE
 * /scim/v2/Users/{u}/Groups/{g}`, which no Seismic document confirms): it says what the tenant
 * answered and names the opt-in way out, `--seismic-membership-writes group-replace`. A 404 is
 * only taken for a missing route once the user and the group are both known to exist.
 */
import { Code, connectorError } from "../baton/errors.js";
import { SeismicError } from "../seismic/index.js";
import type { SeismicContext } from "./context.js";

export const GROUP_REPLACE_FLAG = "--seismic-membership-writes group-replace";

/**
 * Whether a failed membership write answered the way a missing route does: 404, 405 or 501. (A
 * 400 is Seismic refusing this change, not the route: it stays as it came.)
 */
export function isMissingWriteRoute(error: unknown): error is SeismicError {
  return SeismicError.is(error, "not_found", "unsupported");
}

/** The error to stop with once the user and the group are known to exist. */
export function memberRoutesMissing(error: SeismicError): Error {
  const status = error.status === undefined ? error.code : String(error.status);
  return connectorError(
    Code.FailedPrecondition,
    `this Seismic tenant has no per-user membership route (${error.endpoint ?? "the membership write"} answered ${status} for a user and a group that exist): set ${GROUP_REPLACE_FLAG} to change membership by rewriting the group's member list (read the README's warning first)`,
    error,
  );
}

/**
 * After a per-user write failed the way a missing route does: the missing-route error when the
 * user and the group both exist; otherwise the failure that says which of them is gone.
 */
export async function confirmMissingRoute(
  sc: SeismicContext,
  error: SeismicError,
  userId: string,
  groupId: string,
  signal: AbortSignal,
): Promise<Error> {
  try {
    await sc.seismic.run((c) => c.getUser(userId, signal));
    await sc.seismic.run((c) => c.getGroup(groupId, signal));
  } catch (e) {
    return e as Error;
  }
  return memberRoutesMissing(error);
}
