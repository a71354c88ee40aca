/**
 * Every resource type of the Seismic connector, declared in one place with its traits and type
 * annotations. The syncers and the `capabilities` document read them from here.
 */
import { create } from "@bufbuild/protobuf";
import { pack } from "../baton/annotations.js";
import { SkipEntitlementsAndGrantsSchema } from "../gen/c1/connector/v2/annotation_resource_tree_pb.js";
import { CapabilityPermissionsSchema } from "../gen/c1/connector/v2/annotation_resource_type_pb.js";
import {
  type ResourceType,
  ResourceType_Trait,
  ResourceTypeSchema,
} from "../gen/c1/connector/v2/resource_pb.js";

/** The OAuth scopes a type needs, shown in the capabilities document. */
function scopes(...names: string[]) {
  return pack(CapabilityPermissionsSchema, {
    permissions: names.map((permission) => ({ permission })),
  });
}

const VIEW = "seismic.user.view";
const MANAGE = "seismic.user.manage";
const REPORTING = "seismic.reporting";

/** Seismic users: principals of every grant; they hold no entitlements themselves. */
export const userType: ResourceType = create(ResourceTypeSchema, {
  id: "user",
  displayName: "User",
  traits: [ResourceType_Trait.USER],
  description: "A Seismic user (SCIM /Users).",
  annotations: [pack(SkipEntitlementsAndGrantsSchema, {}), scopes(VIEW, MANAGE)],
});

/** Seismic groups, with a `member` entitlement. */
export const groupType: ResourceType = create(ResourceTypeSchema, {
  id: "group",
  displayName: "Group",
  traits: [ResourceType_Trait.GROUP],
  description: "A Seismic group (SCIM /Groups); membership is provisionable.",
  annotations: [scopes(VIEW, MANAGE)],
});

/** Application roles carried in SCIM `roles[]` (Seismic Learning roles), with an `assigned` entitlement. */
export const roleType: ResourceType = create(ResourceTypeSchema, {
  id: "role",
  displayName: "Role",
  traits: [ResourceType_Trait.ROLE],
  description:
    "A Seismic application role from SCIM roles[] (Learning: Admin, Creator, Manager, Learner, custom).",
  annotations: [scopes(VIEW, MANAGE)],
});

/** Platform (entitlement) roles from the Reporting API: read-only and up to 24 h stale. */
export const platformRoleType: ResourceType = create(ResourceTypeSchema, {
  id: "platform_role",
  displayName: "Platform Role",
  traits: [ResourceType_Trait.ROLE],
  description:
    "A Seismic platform role from the Reporting API (read-only; data may be up to 24 hours old).",
  annotations: [scopes(REPORTING)],
});

/** Content licences (Business, Premium, Partner): read-only. */
export const licenseType: ResourceType = create(ResourceTypeSchema, {
  id: "license",
  displayName: "License",
  traits: [ResourceType_Trait.LICENSE_PROFILE],
  description: "A Seismic content licence derived from SCIM userType (read-only).",
  annotations: [scopes(VIEW)],
});

/** Slugs of the entitlements. */
export const MEMBER = "member";
export const ASSIGNED = "assigned";

/**
 * How an operator leaves a type out of a sync on purpose, named when its listing is refused or
 * missing (listing-guard.ts). Types without an entry are left out with `--sync-resource-types`.
 */
export const LEAVE_OUT: Readonly<Record<string, string>> = {
  [platformRoleType.id]:
    "set --seismic-skip-platform-roles (BATON_SEISMIC_SKIP_PLATFORM_ROLES=true), or leave platform_role out of --sync-resource-types",
};
