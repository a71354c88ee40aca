/**
 * `--write-check --group G --user U [--role R]`: a real round trip of what provisioning does, on
 * a test user, through the connector's own grant and revoke (so the configured membership mode
 * and every read-back verification run): membership of U in G, then role R (default `Learner`).
 * Each is granted and revoked, or revoked and granted back when U held it already, so the state
 * found is the state left; when a step fails, the found state is restored before reporting.
 */
import { create } from "@bufbuild/protobuf";
import { has } from "../../baton/annotations.js";
import type { CallContext, ResourceSyncer } from "../../baton/connector.js";
import { GrantAlreadyExistsSchema } from "../../gen/c1/connector/v2/annotation_grant_pb.js";
import type { Entitlement } from "../../gen/c1/connector/v2/entitlement_pb.js";
import { GrantSchema } from "../../gen/c1/connector/v2/grant_pb.js";
import {
  type Resource,
  ResourceIdSchema,
  ResourceSchema,
} from "../../gen/c1/connector/v2/resource_pb.js";
import { memberEntitlement } from "../groups.js";
import { roleEntitlement, roleResource } from "../roles.js";
import type { SeismicConnector } from "../seismic-connector.js";
import { type CheckResult, detailOf, ok, problem } from "./check.js";

export interface WriteCheckTarget {
  groupId: string;
  userId: string;
  role: string;
}

type Step = "grant" | "revoke";

/** Grants and revokes `entitlement` for `principal`, in the order that restores what was found. */
async function roundTrip(
  syncer: ResourceSyncer,
  principal: Resource,
  entitlement: Entitlement,
  ctx: CallContext,
): Promise<string> {
  const grant = syncer.grant as NonNullable<ResourceSyncer["grant"]>;
  const revoke = syncer.revoke as NonNullable<ResourceSyncer["revoke"]>;
  const asGrant = create(GrantSchema, { principal, entitlement });
  const done: Step[] = [];
  try {
    const first = await grant(principal, entitlement, ctx);
    const held = has(first.annotations ?? [], GrantAlreadyExistsSchema);
    if (!held) done.push("grant");
    await revoke(asGrant, ctx);
    done.push("revoke");
    if (held) {
      await grant(principal, entitlement, ctx);
      return "held it already: revoked and granted back, as found";
    }
    return "did not hold it: granted and revoked, as found";
  } catch (e) {
    // Put back what was found: undo a grant we made, or re-grant what we revoked.
    const undo = done.at(-1);
    try {
      if (undo === "grant") await revoke(asGrant, ctx);
      if (undo === "revoke") await grant(principal, entitlement, ctx);
    } catch {
      // Reported below: the original failure says what to fix first.
    }
    throw e;
  }
}

/** The two write-check rows. */
export async function checkWrites(
  connector: SeismicConnector,
  target: WriteCheckTarget,
  signal: AbortSignal,
): Promise<CheckResult[]> {
  const ctx: CallContext = { signal };
  const syncer = (type: string) =>
    connector.syncers.find((s) => s.resourceType.id === type) as ResourceSyncer;
  const principal = create(ResourceSchema, {
    id: { resourceType: "user", resource: target.userId },
  });
  const rows: CheckResult[] = [];
  const membershipTitle = `Write check: membership of ${target.userId} in ${target.groupId}`;
  try {
    const groupId = create(ResourceIdSchema, { resourceType: "group", resource: target.groupId });
    const group = await syncer("group").get?.(groupId, undefined, ctx);
    if (!group) throw new Error(`no group ${target.groupId} in this tenant (--group)`);
    const how = await roundTrip(syncer("group"), principal, memberEntitlement(group), ctx);
    rows.push(ok("write:membership", membershipTitle, how));
  } catch (e) {
    rows.push(problem("fail", "write:membership", membershipTitle, detailOf(e), membershipFix(e)));
  }
  const roleTitle = `Write check: role ${target.role} on ${target.userId}`;
  try {
    const how = await roundTrip(
      syncer("role"),
      principal,
      roleEntitlement(roleResource(target.role)),
      ctx,
    );
    rows.push(ok("write:role", roleTitle, how));
  } catch (e) {
    rows.push(
      problem(
        "fail",
        "write:role",
        roleTitle,
        detailOf(e),
        "check that the delegated user is a System Administrator and the app has seismic.user.manage; a 400 means this tenant does not take PATCH replace of roles",
      ),
    );
  }
  return rows;
}

function membershipFix(e: unknown): string {
  const text = detailOf(e);
  if (text.includes("--seismic-membership-writes group-replace")) {
    return "this tenant has no per-user membership routes: rerun with --seismic-membership-writes group-replace (read the README's warning first)";
  }
  return "check that the delegated user is a System Administrator and the app has seismic.user.manage";
}
