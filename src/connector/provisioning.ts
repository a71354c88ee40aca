/**
 * Grant and revoke for groups and roles, idempotent and verified: each change is checked first
 * (GrantAlreadyExists / GrantAlreadyRevoked instead of a write), made with the narrowest call
 * Seismic has (one membership POST/DELETE, or a `roles` replace with exactly one value added or
 * removed, one user's at a time), and read back before success is reported. Group membership is
 * never rewritten wholesale here (group-replace-writes.ts does that, as an opt-in); without
 * per-user routes the error names that option (member-routes-missing.ts). Platform roles and
 * licences are read-only and refused with the reason.
 */
import type { Any } from "@bufbuild/protobuf/wkt";
import { pack } from "../baton/annotations.js";
import type { CallContext, ProvisionResult, ResourceSyncer } from "../baton/connector.js";
import { Code, connectorError, grantCancelled, invalidArgument } from "../baton/errors.js";
import { decodeIdPart } from "../baton/ids.js";
import {
  GrantAlreadyExistsSchema,
  GrantAlreadyRevokedSchema,
} from "../gen/c1/connector/v2/annotation_grant_pb.js";
import type { Entitlement } from "../gen/c1/connector/v2/entitlement_pb.js";
import type { Grant } from "../gen/c1/connector/v2/grant_pb.js";
import type { Resource, ResourceId } from "../gen/c1/connector/v2/resource_pb.js";
import { type ScimUser, SeismicError } from "../seismic/index.js";
import type { SeismicContext } from "./context.js";
import { grantTo } from "./entitlements.js";
import { isMember } from "./group-membership.js";
import { KeyedLock } from "./keyed-lock.js";
import {
  confirmMissingRoute,
  isMissingWriteRoute,
  memberRoutesMissing,
} from "./member-routes-missing.js";
import { userType } from "./resource-types.js";
import { projectUser } from "./user-directory.js";
import { isLicence } from "./vocabulary.js";

export type Provisioning = Required<Pick<ResourceSyncer, "grant" | "revoke">>;

export const alreadyExists = (): Any[] => [pack(GrantAlreadyExistsSchema, {})];
export const alreadyRevoked = (): Any[] => [pack(GrantAlreadyRevokedSchema, {})];

/** The user and group of a membership grant to revoke, each checked and named by its field. */
export function membershipToRevoke(grant: Grant): { userId: string; groupId: string } {
  return {
    userId: userPrincipal(grant.principal, "GrantManagerServiceRevokeRequest.grant.principal"),
    groupId: targetId(grant.entitlement, "GrantManagerServiceRevokeRequest.grant.entitlement")
      .resource,
  };
}

/** The principal's user id; only users can hold Seismic groups and roles. */
export function userPrincipal(principal: Resource | undefined, field: string): string {
  const id = principal?.id;
  if (!id || id.resourceType !== userType.id || id.resource === "") {
    throw invalidArgument(
      field,
      `the principal must be a Seismic user (resource type "user"), got "${id?.resourceType ?? ""}"`,
    );
  }
  return id.resource;
}

export function targetId(entitlement: Entitlement | undefined, field: string): ResourceId {
  const id = entitlement?.resource?.id;
  if (!id || id.resource === "") throw invalidArgument(field, "the entitlement has no resource");
  return id;
}

export function notVisible(what: string): Error {
  return connectorError(
    Code.Unavailable,
    `Seismic accepted the change but ${what} is not visible when read back; the operation will be retried`,
  );
}

/** Group membership: POST/DELETE /Users/{u}/Groups/{g}, checked before and after. */
export function groupProvisioning(sc: SeismicContext): Provisioning {
  return {
    async grant(principal, entitlement, ctx): Promise<ProvisionResult> {
      const userId = userPrincipal(principal, "GrantManagerServiceGrantRequest.principal");
      const groupId = targetId(entitlement, "GrantManagerServiceGrantRequest.entitlement").resource;
      const grants = [grantTo(entitlement, userType.id, userId)];
      if (await isMember(sc, userId, groupId, ctx.signal)) {
        return { grants, annotations: alreadyExists() };
      }
      try {
        await sc.seismic.run((c) => c.addUserToGroup(userId, groupId, ctx.signal));
      } catch (e) {
        if (isMissingWriteRoute(e)) {
          throw await confirmMissingRoute(sc, e, userId, groupId, ctx.signal);
        }
        if (!SeismicError.is(e, "conflict")) throw e;
        return { grants, annotations: alreadyExists() };
      }
      if (!(await isMember(sc, userId, groupId, ctx.signal))) {
        throw notVisible(`user ${userId} in group ${groupId}`);
      }
      return { grants };
    },
    async revoke(grant: Grant, ctx: CallContext): Promise<ProvisionResult> {
      const { userId, groupId } = membershipToRevoke(grant);
      if (!(await isMemberOrGone(sc, userId, groupId, ctx.signal))) {
        return { annotations: alreadyRevoked() };
      }
      try {
        await sc.seismic.run((c) => c.removeUserFromGroup(userId, groupId, ctx.signal));
      } catch (e) {
        if (!isMissingWriteRoute(e)) throw e;
        // Removing a non-member is a 404: someone else removed it since we looked. A member
        // that a 404 (or 405, 501) leaves in place means the route itself is missing.
        if (e.code === "not_found" && !(await isMember(sc, userId, groupId, ctx.signal))) {
          return { annotations: alreadyRevoked() };
        }
        throw memberRoutesMissing(e);
      }
      if (await isMember(sc, userId, groupId, ctx.signal)) {
        throw notVisible(`the removal of user ${userId} from group ${groupId}`);
      }
      return {};
    },
  };
}

/** Membership for a revoke: a user or group that no longer exists holds nothing. */
async function isMemberOrGone(
  sc: SeismicContext,
  userId: string,
  groupId: string,
  signal: AbortSignal,
): Promise<boolean> {
  try {
    return await isMember(sc, userId, groupId, signal);
  } catch (e) {
    if (SeismicError.is(e, "not_found")) return false;
    throw e;
  }
}

/** A `roles[]` entry as sent back: the value plus whatever else Seismic gave us for it. */
type RoleEntry = { value: string; [attribute: string]: unknown };

const hasRole = (user: ScimUser, value: string): boolean =>
  (user.roles ?? []).some((r) => r.value === value);

/** The role value of a `role` resource id (ids are encoded with encodeIdPart). */
function roleValue(entitlement: Entitlement | undefined, field: string): string {
  const value = decodeIdPart(targetId(entitlement, field).resource);
  if (isLicence(value)) {
    throw grantCancelled(
      `"${value}" is a Seismic content licence, not a role; licences are read-only here: change them in the Seismic console`,
    );
  }
  return value;
}

/**
 * The user's roles with `value` added at the end. A user without `roles[]` (a tenant not upgraded
 * to platform roles) keeps its licence from `userType` in the new list, because Seismic lets
 * `roles` override `userType`.
 */
function withRole(user: ScimUser, value: string): RoleEntry[] {
  const current: RoleEntry[] =
    user.roles ?? (user.userType && isLicence(user.userType) ? [{ value: user.userType }] : []);
  return [...current, { value }];
}

/** Attempts at a role change whose read-back shows it lost to a concurrent writer. */
export const ROLE_CHANGE_ATTEMPTS = 4;
const REAPPLY_BASE_MS = 250;

/** A wait before re-applying: exponential, with full jitter so that racing writers spread out. */
function reapplyDelay(attempt: number, random: () => number): number {
  return Math.round(REAPPLY_BASE_MS * 2 ** (attempt - 1) * (0.5 + random()));
}

/**
 * Learning/application roles: one value added to or removed from the user's `roles`. The change
 * is a read-modify-write of the whole list, so changes of one user's roles run one at a time in
 * this process (a second grant of the same role then finds it and answers GrantAlreadyExists), and
 * the read-back re-applies a change that another writer overwrote (another process, the Seismic
 * console), up to {@link ROLE_CHANGE_ATTEMPTS} times with jittered waits.
 */
export function roleProvisioning(sc: SeismicContext): Provisioning {
  const perUser = new KeyedLock();
  const getUser = (userId: string, signal: AbortSignal) =>
    sc.seismic.run((c) => c.getUser(userId, signal));
  const replaceRoles = async (user: ScimUser, roles: RoleEntry[], signal: AbortSignal) => {
    await sc.seismic.run((c) =>
      c.patchUser(user.id, [{ op: "replace", path: "roles", value: roles }], signal),
    );
    const after = await getUser(user.id, signal);
    sc.directory.peek()?.update(after.id, projectUser(after));
    return after;
  };
  /**
   * Makes `hasRole(user, value) === wanted` hold; "already" when it held before any write.
   * @throws Unavailable when every attempt was overwritten before it could be read back.
   */
  const change = (userId: string, value: string, wanted: boolean, signal: AbortSignal) =>
    perUser.run(userId.toLowerCase(), async (): Promise<"already" | "changed"> => {
      let user = await getUser(userId, signal);
      if (hasRole(user, value) === wanted) return "already";
      for (let attempt = 1; ; attempt++) {
        const roles = wanted
          ? withRole(user, value)
          : (user.roles ?? []).filter((r) => r.value !== value);
        user = await replaceRoles(user, roles, signal);
        if (hasRole(user, value) === wanted) return "changed";
        const what = wanted
          ? `role "${value}" on user ${userId}`
          : `the removal of role "${value}" from user ${userId}`;
        if (attempt >= ROLE_CHANGE_ATTEMPTS) throw notVisible(what);
        const delayMs = reapplyDelay(attempt, sc.random);
        sc.logger.warn(
          { userId, role: value, attempt, delayMs },
          "a concurrent change overwrote the user's roles; applying the change again",
        );
        await sc.clock.sleep(delayMs, signal);
        user = await getUser(userId, signal);
        // Whoever wrote last may have made the change for us.
        if (hasRole(user, value) === wanted) return "changed";
      }
    });
  return {
    async grant(principal, entitlement, ctx) {
      const userId = userPrincipal(principal, "GrantManagerServiceGrantRequest.principal");
      const value = roleValue(entitlement, "GrantManagerServiceGrantRequest.entitlement");
      const grants = [grantTo(entitlement, userType.id, userId)];
      const outcome = await change(userId, value, true, ctx.signal);
      return outcome === "already" ? { grants, annotations: alreadyExists() } : { grants };
    },
    async revoke(grant, ctx) {
      const userId = userPrincipal(
        grant.principal,
        "GrantManagerServiceRevokeRequest.grant.principal",
      );
      const value = roleValue(
        grant.entitlement,
        "GrantManagerServiceRevokeRequest.grant.entitlement",
      );
      const outcome = await change(userId, value, false, ctx.signal);
      return outcome === "already" ? { annotations: alreadyRevoked() } : {};
    },
  };
}
