/**
 * No silent prune, enforced in one place. A governance platform reads a missing grant as a
 * revocation, so a listing that Seismic refuses (403, or a token refused for the scope it needs)
 * or that does not exist (404 on a path without an object id, 405, 501) must fail the sync, never
 * come back empty. Every syncer's list, entitlements and grants pass through {@link guardListing}
 * (errors.ts wires it), so no resource file decides this for itself. A part of the tenant is left
 * out only when the operator turned it off, and then its type is not reported at all.
 *
 * A 404 on a path with an object id (`GET /scim/v2/Groups/{groupId}`) still means "that object
 * is gone", which the syncer skips: the object, and so its grants, no longer exist.
 */

import { Code, connectorError } from "../baton/errors.js";
import type { ResourceType } from "../gen/c1/connector/v2/resource_pb.js";
import { SeismicError } from "../seismic/index.js";
import { toConnectError } from "./errors.js";
import { LEAVE_OUT } from "./resource-types.js";

/** How to leave `type` out of a sync on purpose. */
function leaveOut(type: ResourceType): string {
  return LEAVE_OUT[type.id] ?? `leave ${type.id} out of --sync-resource-types`;
}

/** Whether a SeismicError says the listing itself is refused or missing (not one object gone). */
function refusedOrMissing(error: SeismicError): Code | undefined {
  switch (error.code) {
    case "permission_denied":
    case "invalid_scope":
      return Code.PermissionDenied;
    case "unsupported":
      return Code.FailedPrecondition;
    case "not_found":
      // A route without an object id cannot be "gone": the listing itself is missing.
      return error.endpoint !== undefined && !error.endpoint.includes("{")
        ? Code.FailedPrecondition
        : undefined;
    default:
      return undefined;
  }
}

/**
 * The error a failed listing of `type` ends with: for a refused or missing listing, one that
 * stops the sync and says both ways out (fix the cause, or leave the type out on purpose);
 * anything else as the usual mapping makes it.
 */
export function listingFailure(type: ResourceType, error: unknown): unknown {
  if (!(error instanceof SeismicError)) return toConnectError(error);
  const code = refusedOrMissing(error);
  if (code === undefined) return toConnectError(error);
  const message = error.message.replace(/\.?\s*$/, "");
  return connectorError(
    code,
    `${type.id} cannot be synced, and a sync without it would report every ${type.id} grant as revoked: ${message}. Fix that, or ${leaveOut(type)}.`,
    error,
  );
}

/** Runs one listing call of `type`, failing the sync on a refused or missing listing. */
export async function guardListing<T>(type: ResourceType, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw listingFailure(type, e);
  }
}
