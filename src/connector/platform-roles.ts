/**
 * The `platform_role` syncer: Seismic platform (entitlement) roles and their assignments from the
 * Reporting API, read once per sync (one call each) and up to 24 h stale. Read-only: the
 * `assigned` entitlement is immutable and grants are refused. Without the `seismic.reporting`
 * scope the type is empty and one warning per sync says how to fix it.
 */
import { create } from "@bufbuild/protobuf";
import { pack } from "../baton/annotations.js";
import type { CallContext, ResourceSyncer } from "../baton/connector.js";
import { MAX_PAGE_SIZE } from "../baton/pagination.js";
import { EntitlementImmutableSchema } from "../gen/c1/connector/v2/annotation_entitlement_pb.js";
import { RoleTraitSchema } from "../gen/c1/connector/v2/annotation_trait_pb.js";
import type { Entitlement } from "../gen/c1/connector/v2/entitlement_pb.js";
import { type Resource, ResourceSchema } from "../gen/c1/connector/v2/resource_pb.js";
import { type PlatformRole, SCOPES, SeismicError } from "../seismic/index.js";
import type { SeismicContext } from "./context.js";
import { entitlementOf, grantTo, offsetPage } from "./entitlements.js";
import { PerSync } from "./per-sync.js";
import { ASSIGNED, platformRoleType, userType } from "./resource-types.js";

const GRANTS_PER_PAGE = 1000;

export const PLATFORM_ROLE_READ_ONLY =
  "Seismic platform roles are read-only: Seismic has no API to assign them (the Reporting API only reads them); assign them in the Seismic console";

/**
 * One sync's view of Reporting: roles (deleted ones dropped) and the assignee ids of each role,
 * by lower-cased role id. Only the ids are kept: the snapshot lives for the whole sync, and the
 * full assignment rows (timestamps, names, creators) cost ≈ 10 MB at 100,000 users.
 */
interface ReportingSnapshot {
  roles: PlatformRole[];
  assignees: Map<string, string[]>;
}

const EMPTY: ReportingSnapshot = { roles: [], assignees: new Map() };

/** The Baton resource of a platform role. */
export function platformRoleResource(role: PlatformRole): Resource {
  const profile: Record<string, string | boolean> = { roleName: role.roleName };
  if (role.isPredefined !== undefined) profile.isPredefined = role.isPredefined;
  if (role.createdAt) profile.createdAt = role.createdAt;
  if (role.modifiedAt) profile.modifiedAt = role.modifiedAt;
  return create(ResourceSchema, {
    id: { resourceType: platformRoleType.id, resource: role.id },
    displayName: role.roleName.slice(0, 1024),
    description: (role.roleDescription ?? "").slice(0, 2048),
    annotations: [pack(RoleTraitSchema, { profile })],
    profile,
  });
}

/** The platform role's immutable `assigned` entitlement. */
export function platformRoleEntitlement(role: Resource): Entitlement {
  return entitlementOf(role, {
    slug: ASSIGNED,
    displayName: `${role.displayName} platform role`.slice(0, 1024),
    description:
      `Assigned the Seismic platform role ${role.displayName} (from Reporting, up to 24 h old; read-only)`.slice(
        0,
        2048,
      ),
    grantableTo: [userType],
    annotations: [pack(EntitlementImmutableSchema, {})],
  });
}

export function platformRoleSyncer(sc: SeismicContext): ResourceSyncer {
  const snapshots = new PerSync<{ promise?: Promise<ReportingSnapshot> }>(() => ({}));
  sc.onCleanup.push(() => snapshots.drop());

  const warnMissingScope = (error: SeismicError | undefined) => {
    sc.logger.warn(
      { scope: SCOPES.reporting, ...(error?.endpoint ? { endpoint: error.endpoint } : {}) },
      `skipping platform roles: the Seismic app does not have the ${SCOPES.reporting} scope; add it to the app registration (a scope change issues a new client id and secret) to sync platform roles`,
    );
  };

  const load = async (signal: AbortSignal): Promise<ReportingSnapshot> => {
    // Known already (Seismic refused a token with the scope): skip the call that would be a 403.
    if (!sc.seismic.reportingGranted) {
      warnMissingScope(undefined);
      return EMPTY;
    }
    try {
      const roles = await sc.seismic.run((c) => c.listPlatformRoles(signal));
      const assignments = await sc.seismic.run((c) => c.listUserRoleAssignments(signal));
      const byRole = new Map<string, string[]>();
      for (const a of assignments) {
        const key = a.roleId.toLowerCase();
        const list = byRole.get(key);
        if (list) list.push(a.assigneeId);
        else byRole.set(key, [a.assigneeId]);
      }
      return { roles: roles.filter((r) => !r.isDeleted), assignees: byRole };
    } catch (e) {
      if (SeismicError.is(e, "permission_denied", "invalid_scope")) {
        warnMissingScope(e);
        return EMPTY;
      }
      throw e;
    }
  };

  /** This sync's snapshot: one Reporting call per table, shared by every page. */
  const snapshot = (ctx: CallContext): Promise<ReportingSnapshot> => {
    const holder = snapshots.get(ctx);
    if (!holder.promise) {
      holder.promise = load(ctx.signal);
      // A failed or cancelled load is retried by the next call.
      holder.promise.catch(() => {
        if (snapshots.peek() === holder) holder.promise = undefined;
      });
    }
    return holder.promise;
  };

  return {
    resourceType: platformRoleType,
    async list(_parent, page, ctx) {
      const { roles } = await snapshot(ctx);
      return offsetPage(roles.map(platformRoleResource), page, MAX_PAGE_SIZE);
    },
    async entitlements(resource) {
      return { items: [platformRoleEntitlement(resource)] };
    },
    async grants(resource, page, ctx) {
      const { assignees } = await snapshot(ctx);
      const roleId = resource.id?.resource ?? "";
      const held = assignees.get(roleId.toLowerCase()) ?? [];
      // Reporting lags: drop assignments of users this sync did not see (deleted since).
      const directory = sc.directory.get(ctx);
      await directory.complete(ctx.signal);
      const ids = [
        ...new Set(
          held
            .map((assigneeId) => directory.canonicalId(assigneeId))
            .filter((id): id is string => id !== undefined),
        ),
      ].sort();
      const entitlement = platformRoleEntitlement(resource);
      const pageOfIds = offsetPage(ids, page, GRANTS_PER_PAGE);
      return {
        items: pageOfIds.items.map((id) => grantTo(entitlement, userType.id, id)),
        nextToken: pageOfIds.nextToken ?? "",
      };
    },
    provisioningRefusal: PLATFORM_ROLE_READ_ONLY,
  };
}
