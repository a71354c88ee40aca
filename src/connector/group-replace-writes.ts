/**
 * Membership writes by rewriting the whole group, for tenants without the per-user routes, and
 * only when the operator opts in with `--seismic-membership-writes group-replace`. Each change:
 * reads the group and its full membership, writes the group back (`PUT /scim/v2/Groups/{id}`, every
 * attribute as read) with exactly one member added or removed, reads the membership back, and
 * fails loudly when it is not exactly the list written: someone else changed the group meanwhile.
 *
 * The risk (README): a change another admin makes between our read and our write is overwritten,
 * and with inline members (a tenant without the members path) a group longer than Seismic inlines
 * would be written back without the members left out. Hence opt-in only.
 */
import type { CallContext, ProvisionResult } from "../baton/connector.js";
import { Code, connectorError } from "../baton/errors.js";
import type { Entitlement } from "../gen/c1/connector/v2/entitlement_pb.js";
import type { Grant } from "../gen/c1/connector/v2/grant_pb.js";
import type { Resource } from "../gen/c1/connector/v2/resource_pb.js";
import { allGroupMemberIds, type ScimGroupInput } from "../seismic/index.js";
import type { SeismicContext } from "./context.js";
import { grantTo } from "./entitlements.js";
import { sameId } from "./group-membership.js";
import {
  alreadyExists,
  alreadyRevoked,
  membershipToRevoke,
  type Provisioning,
  targetId,
  userPrincipal,
} from "./provisioning.js";
import { userType } from "./resource-types.js";

type Change = "add" | "remove";

const lower = (ids: readonly string[]) => new Set(ids.map((id) => id.toLowerCase()));

/** Ids in `a` that are not in `b`, case-insensitively. */
function minus(a: readonly string[], b: readonly string[]): string[] {
  const other = lower(b);
  return a.filter((id) => !other.has(id.toLowerCase()));
}

/**
 * Applies one change to the group's member list. Returns false when there was nothing to do
 * (already a member, or already not one).
 */
async function rewrite(
  sc: SeismicContext,
  groupId: string,
  userId: string,
  change: Change,
  ctx: CallContext,
): Promise<boolean> {
  const { signal } = ctx;
  const variants = sc.variants(ctx);
  const group = await sc.seismic.run((c) => c.getGroup(groupId, signal));
  const before = await sc.seismic.run((c) => allGroupMemberIds(c, variants, groupId, signal));
  const isMember = before.some((id) => sameId(id, userId));
  if ((change === "add") === isMember) return false;
  // A user that does not exist must be a NotFound, not a 400 on the whole group.
  if (change === "add") await sc.seismic.run((c) => c.getUser(userId, signal));
  const after = change === "add" ? [...before, userId] : minus(before, [userId]);
  // Everything as read goes back (a full replace clears what it omits); only the members change.
  const { meta: _meta, members: _members, ...attributes } = group;
  const body: ScimGroupInput = {
    ...attributes,
    displayName: group.displayName,
    members: after.map((value) => ({ value })),
  };
  await sc.seismic.run((c) => c.replaceGroup(groupId, body, signal));
  const readBack = await sc.seismic.run((c) => allGroupMemberIds(c, variants, groupId, signal));
  const unexpected = minus(readBack, after);
  const missing = minus(after, readBack);
  if (unexpected.length > 0 || missing.length > 0) {
    throw connectorError(
      Code.Aborted,
      `the membership of group ${groupId} changed while ${sc.config.membershipWrites} rewrote it: after writing ${after.length} members Seismic has ${readBack.length} (${unexpected.length} not written by us: ${unexpected.slice(0, 5).join(", ") || "none"}; ${missing.length} written but missing: ${missing.slice(0, 5).join(", ") || "none"}); someone else is changing this group: check it in the Seismic console before trying again`,
    );
  }
  return true;
}

/** Grant and revoke of `member` by rewriting the group (opt-in). */
export function groupReplaceProvisioning(sc: SeismicContext): Provisioning {
  return {
    async grant(principal: Resource, entitlement: Entitlement, ctx): Promise<ProvisionResult> {
      const userId = userPrincipal(principal, "GrantManagerServiceGrantRequest.principal");
      const groupId = targetId(entitlement, "GrantManagerServiceGrantRequest.entitlement").resource;
      const grants = [grantTo(entitlement, userType.id, userId)];
      const changed = await rewrite(sc, groupId, userId, "add", ctx);
      return changed ? { grants } : { grants, annotations: alreadyExists() };
    },
    async revoke(grant: Grant, ctx): Promise<ProvisionResult> {
      const { userId, groupId } = membershipToRevoke(grant);
      const changed = await rewrite(sc, groupId, userId, "remove", ctx);
      return changed ? {} : { annotations: alreadyRevoked() };
    },
  };
}
