/**
 * The `role` syncer: Seismic application (Learning) roles, i.e. the distinct non-licence values of
 * users' SCIM `roles[]` plus the four default Learning roles. Resource ids are the values encoded
 * with encodeIdPart, so "Field Sales: EMEA" stays unambiguous in colon-joined Baton ids. Grants
 * come from the user directory: no API call beyond the user listing.
 */
import { create } from "@bufbuild/protobuf";
import { pack } from "../baton/annotations.js";
import type { ResourceSyncer } from "../baton/connector.js";
import { decodeIdPart, encodeIdPart } from "../baton/ids.js";
import { MAX_PAGE_SIZE } from "../baton/pagination.js";
import { RoleTraitSchema } from "../gen/c1/connector/v2/annotation_trait_pb.js";
import type { Entitlement } from "../gen/c1/connector/v2/entitlement_pb.js";
import { type Resource, ResourceSchema } from "../gen/c1/connector/v2/resource_pb.js";
import type { SeismicContext } from "./context.js";
import { entitlementOf, grantTo, offsetPage } from "./entitlements.js";
import { roleProvisioning } from "./provisioning.js";
import { ASSIGNED, roleType, userType } from "./resource-types.js";
import { DEFAULT_LEARNING_ROLES } from "./vocabulary.js";

/** Grants per page: they are built from memory, so pages can be large. */
const GRANTS_PER_PAGE = 1000;

const defaults: ReadonlySet<string> = new Set(DEFAULT_LEARNING_ROLES);

/** The Baton resource of a role value. */
export function roleResource(value: string): Resource {
  const profile = { value, kind: defaults.has(value) ? "default" : "custom" };
  return create(ResourceSchema, {
    id: { resourceType: roleType.id, resource: encodeIdPart(value) },
    displayName: value.slice(0, 1024),
    description: `Seismic ${profile.kind} Learning role "${value}" (SCIM roles[])`.slice(0, 2048),
    annotations: [pack(RoleTraitSchema, { profile })],
    profile,
  });
}

/** The role's `assigned` entitlement. */
export function roleEntitlement(role: Resource): Entitlement {
  return entitlementOf(role, {
    slug: ASSIGNED,
    displayName: `${role.displayName} role`.slice(0, 1024),
    description: `Has the Seismic role ${role.displayName} in SCIM roles[]`.slice(0, 2048),
    grantableTo: [userType],
  });
}

export function roleSyncer(sc: SeismicContext): ResourceSyncer {
  return {
    resourceType: roleType,
    async list(_parent, page, ctx) {
      const directory = sc.directory.get(ctx);
      await directory.complete(ctx.signal);
      const values = [...new Set([...DEFAULT_LEARNING_ROLES, ...directory.roleValues().sort()])];
      return offsetPage(values.map(roleResource), page, MAX_PAGE_SIZE);
    },
    async entitlements(resource) {
      return { items: [roleEntitlement(resource)] };
    },
    async grants(resource, page, ctx) {
      const directory = sc.directory.get(ctx);
      await directory.complete(ctx.signal);
      const value = decodeIdPart(resource.id?.resource ?? "");
      const entitlement = roleEntitlement(resource);
      const holders = offsetPage(directory.roleHolders(value), page, GRANTS_PER_PAGE);
      return {
        items: holders.items.map((id) => grantTo(entitlement, userType.id, id)),
        nextToken: holders.nextToken ?? "",
      };
    },
    ...roleProvisioning(sc),
  };
}
