/**
 * The `platform_role` syncer: Seismic platform (entitlement) roles and their assignments from the
 * Reporting API, read once per sync (one call each, under whichever pair of table names the tenant
 * serves) and up to 24 h stale. Read-only: the `assigned` entitlement is immutable and grants are
 * refused. Without the `seismic.reporting` scope the listing fails (listing-guard.ts) unless
 * platform roles are left out on purpose, and then this syncer is not registered at all.
 */
import { create, type JsonObject } from "@bufbuild/protobuf";
import { pack } from "../baton/annotations.js";
import type { CallContext, ResourceSyncer } from "../baton/connector.js";
import { MAX_PAGE_SIZE } from "../baton/pagination.js";
import { EntitlementImmutableSchema } from "../gen/c1/connector/v2/annotation_entitlement_pb.js";
import { RoleTraitSchema } from "../gen/c1/connector/v2/annotation_trait_pb.js";
import type { Entitlement } from "../gen/c1/connector/v2/entitlement_pb.js";
import { type Resource, ResourceSchema } from "../gen/c1/connector/v2/resource_pb.js";
import { type PlatformRole, readPlatformRoleTables } from "../seismic/index.js";
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

/** Row fields that become the resource's id, name and description rather than profile entries. */
const NOT_IN_PROFILE = new Set(["id", "roleDescription", "isDeleted"]);

/**
 * The Baton resource of a platform role. Every other field of the row is kept in the profile,
 * including ones Seismic adds that we do not know: scalars as they are, anything else as JSON.
 */
export function platformRoleResource(role: PlatformRole): Resource {
  const profile: JsonObject = {};
  for (const [key, value] of Object.entries(role)) {
    if (NOT_IN_PROFILE.has(key) || value === undefined || value === null) continue;
    profile[key] =
      typeof value === "string" ||
      typeof value === "boolean" ||
      (typeof value === "number" && Number.isFinite(value))
        ? value
        : JSON.stringify(value);
  }
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

  const load = async (ctx: CallContext): Promise<ReportingSnapshot> => {
    // Known already (Seismic refused a token with the scope): the call would only be a 403.
    if (!sc.seismic.reportingGranted) {
      throw sc.seismic.reportingRefused("GET /reporting/v2/roles");
    }
    const variants = sc.variants(ctx);
    const tables = await sc.seismic.run((c) => readPlatformRoleTables(c, variants, ctx.signal));
    const byRole = new Map<string, string[]>();
    for (const a of tables.assignments) {
      const key = a.roleId.toLowerCase();
      const list = byRole.get(key);
      if (list) list.push(a.assigneeId);
      else byRole.set(key, [a.assigneeId]);
    }
    return { roles: tables.roles.filter((r) => !r.isDeleted), assignees: byRole };
  };

  /** This sync's snapshot: one Reporting call per table, shared by every page. */
  const snapshot = (ctx: CallContext): Promise<ReportingSnapshot> => {
    const holder = snapshots.get(ctx);
    if (!holder.promise) {
      holder.promise = load(ctx);
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
