/**
 * The data of the fixture connector: its mutable state, a deterministic seed, and the Baton
 * messages (resource types, resources, entitlements, grants) built from that state. Every call
 * builds fresh messages, so nothing a caller does to a response can change the state.
 */
import { create } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { AnySchema } from "@bufbuild/protobuf/wkt";
import { GrantExpandableSchema } from "../../gen/c1/connector/v2/annotation_grant_pb.js";
import { ChildResourceTypeSchema } from "../../gen/c1/connector/v2/annotation_resource_tree_pb.js";
import {
  GroupTraitSchema,
  RoleTraitSchema,
  UserTrait_AccountType,
  UserTrait_Status_Status,
  UserTraitSchema,
} from "../../gen/c1/connector/v2/annotation_trait_pb.js";
import {
  type Entitlement,
  Entitlement_PurposeValue,
  EntitlementSchema,
} from "../../gen/c1/connector/v2/entitlement_pb.js";
import { type Grant, GrantSchema } from "../../gen/c1/connector/v2/grant_pb.js";
import {
  type Resource,
  ResourceSchema,
  type ResourceType,
  ResourceType_Trait,
  ResourceTypeSchema,
  Status_ResourceStatus,
} from "../../gen/c1/connector/v2/resource_pb.js";
import { pack } from "../annotations.js";
import { entitlementId, grantId } from "../ids.js";

/** A user of the fixture tenant. */
export interface FixtureUser {
  id: string;
  login: string;
  email: string;
  displayName: string;
  enabled: boolean;
}

/** A role: which users and groups hold it. */
export interface FixtureRole {
  displayName: string;
  users: string[];
  groups: string[];
}

/** Everything the fixture knows; tests read (and may edit) it directly. Maps keep listing order. */
export interface FixtureState {
  users: Map<string, FixtureUser>;
  groups: Map<string, { displayName: string; members: Set<string> }>;
  /** Projects listed under each group (the child resource type). */
  projects: Map<string, string[]>;
  roles: Map<string, FixtureRole>;
  /** Number given to the next created user (`u<n>`); never reused after a deletion. */
  nextUserNumber: number;
}

/**
 * Seeds `userCount` users `u1..uN` (login `user<n>`, every third one disabled); group `eng` with
 * every user (more than one page) and `ops` with `u1`; role `admin` held by `u1` and by group
 * `eng`, role `viewer` held by `u2`; projects `eng-web`, `eng-api` under `eng` and `ops-infra`
 * under `ops`.
 */
export function seedState(userCount: number): FixtureState {
  const users = new Map<string, FixtureUser>();
  for (let n = 1; n <= userCount; n++) {
    users.set(`u${n}`, {
      id: `u${n}`,
      login: `user${n}`,
      email: `user${n}@example.test`,
      displayName: `User ${n}`,
      enabled: n % 3 !== 0,
    });
  }
  const firstUser = userCount > 0 ? ["u1"] : [];
  return {
    users,
    groups: new Map([
      ["eng", { displayName: "Engineering", members: new Set(users.keys()) }],
      ["ops", { displayName: "Operations", members: new Set(firstUser) }],
    ]),
    projects: new Map([
      ["eng", ["eng-web", "eng-api"]],
      ["ops", ["ops-infra"]],
    ]),
    roles: new Map([
      ["admin", { displayName: "Administrator", users: firstUser, groups: ["eng"] }],
      ["viewer", { displayName: "Viewer", users: userCount > 1 ? ["u2"] : [], groups: [] }],
    ]),
    nextUserNumber: userCount + 1,
  };
}

/** The resource type ids of the fixture. */
export type FixtureTypeId = "user" | "group" | "role" | "project";

/** The four resource types; `project` has no trait and is listed only under a group. */
export const fixtureResourceTypes: Readonly<Record<FixtureTypeId, ResourceType>> = {
  user: create(ResourceTypeSchema, {
    id: "user",
    displayName: "User",
    traits: [ResourceType_Trait.USER],
  }),
  group: create(ResourceTypeSchema, {
    id: "group",
    displayName: "Group",
    traits: [ResourceType_Trait.GROUP],
  }),
  role: create(ResourceTypeSchema, {
    id: "role",
    displayName: "Role",
    traits: [ResourceType_Trait.ROLE],
  }),
  project: create(ResourceTypeSchema, {
    id: "project",
    displayName: "Project",
    description: "A project of a group (a child resource type).",
  }),
};

/** Type URL of an annotation type no Baton runtime knows, to prove unknown Anys survive. */
export const UNKNOWN_ANNOTATION_TYPE_URL = "type.googleapis.com/acme.test.v1.Unknown";

/** The unknown annotation carried by user `u1`: arbitrary bytes, compared byte for byte. */
export function unknownAnnotation(): Any {
  return create(AnySchema, {
    typeUrl: UNKNOWN_ANNOTATION_TYPE_URL,
    // Field 1 "opaque", field 2 varint 42, then a byte no valid message would end with.
    value: Uint8Array.from([0x0a, 6, ...new TextEncoder().encode("opaque"), 0x10, 42, 0xff]),
  });
}

export function userResource(u: FixtureUser, withUnknown: boolean): Resource {
  const status = u.enabled ? UserTrait_Status_Status.ENABLED : UserTrait_Status_Status.DISABLED;
  const annotations = [
    pack(UserTraitSchema, {
      emails: [{ address: u.email, isPrimary: true }],
      status: { status },
      login: u.login,
      accountType: UserTrait_AccountType.HUMAN,
    }),
  ];
  if (withUnknown) annotations.push(unknownAnnotation());
  return create(ResourceSchema, {
    id: { resourceType: "user", resource: u.id },
    displayName: u.displayName,
    // Set on the resource as well as the deprecated trait field, as the Go SDK helpers do.
    status: {
      status: u.enabled ? Status_ResourceStatus.ENABLED : Status_ResourceStatus.DISABLED,
    },
    annotations,
  });
}

export function groupResource(id: string, displayName: string): Resource {
  return create(ResourceSchema, {
    id: { resourceType: "group", resource: id },
    displayName,
    annotations: [
      pack(GroupTraitSchema, {}),
      pack(ChildResourceTypeSchema, { resourceTypeId: "project" }),
    ],
  });
}

export function roleResource(id: string, displayName: string): Resource {
  return create(ResourceSchema, {
    id: { resourceType: "role", resource: id },
    displayName,
    annotations: [pack(RoleTraitSchema, {})],
  });
}

export function projectResource(id: string, groupId: string): Resource {
  return create(ResourceSchema, {
    id: { resourceType: "project", resource: id },
    parentResourceId: { resourceType: "group", resource: groupId },
    displayName: id,
  });
}

/** An ASSIGNMENT entitlement `<type>:<id>:<slug>` on `resource`. */
export function assignment(
  resource: Resource,
  slug: string,
  displayName: string,
  grantableTo: ResourceType[],
): Entitlement {
  return create(EntitlementSchema, {
    id: entitlementId(resource.id ?? { resourceType: "", resource: "" }, slug),
    resource,
    displayName,
    slug,
    purpose: Entitlement_PurposeValue.ASSIGNMENT,
    grantableTo,
  });
}

/**
 * A grant of `entitlement` (only its id and resource, like the SDK's NewGrant) to a principal.
 * `expandFrom` adds GrantExpandable: holders of those entitlements also hold this one.
 */
export function grantOf(
  entitlement: Pick<Entitlement, "id" | "resource">,
  principal: Resource,
  expandFrom?: string[],
): Grant {
  const pid = principal.id ?? { resourceType: "", resource: "" };
  return create(GrantSchema, {
    id: grantId(entitlement.id, pid),
    entitlement: { id: entitlement.id, resource: entitlement.resource },
    principal,
    annotations: expandFrom ? [pack(GrantExpandableSchema, { entitlementIds: expandFrom })] : [],
  });
}

/** A principal stub `Resource{ id }`, as grants usually carry. */
export function principalStub(resourceType: string, resource: string): Resource {
  return create(ResourceSchema, { id: { resourceType, resource } });
}
