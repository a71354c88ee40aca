/**
 * A small, fixed Baton data set for the c1z tests: two resource types, resources with a parent
 * and a trait profile whose keys are deliberately out of order, entitlements, and grants, one of
 * them carrying GrantExpandable (group-in-group) and one with GrantSources.
 */

import type { JsonObject } from "@bufbuild/protobuf";
import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import {
  GrantExpandableSchema,
  GrantImmutableSchema,
} from "../../../gen/c1/connector/v2/annotation_grant_pb.js";
import {
  GroupTraitSchema,
  UserTraitSchema,
} from "../../../gen/c1/connector/v2/annotation_trait_pb.js";
import {
  type Entitlement,
  Entitlement_PurposeValue,
  EntitlementSchema,
} from "../../../gen/c1/connector/v2/entitlement_pb.js";
import {
  type Grant,
  GrantSchema,
  GrantSourcesSchema,
} from "../../../gen/c1/connector/v2/grant_pb.js";
import {
  type Resource,
  ResourceSchema,
  type ResourceType,
  ResourceType_Trait,
  ResourceTypeSchema,
} from "../../../gen/c1/connector/v2/resource_pb.js";

export interface Fixture {
  readonly resourceTypes: ResourceType[];
  readonly resources: Resource[];
  readonly entitlements: Entitlement[];
  readonly grants: Grant[];
}

export function resourceType(id: string, displayName: string, trait: ResourceType_Trait) {
  return create(ResourceTypeSchema, { id, displayName, traits: [trait] });
}

export function user(id: string, displayName: string, profile: JsonObject = {}) {
  return create(ResourceSchema, {
    id: { resourceType: "user", resource: id },
    displayName,
    annotations: [
      anyPack(
        UserTraitSchema,
        create(UserTraitSchema, {
          emails: [{ address: `${id}@example.com`, isPrimary: true }],
          login: id,
          profile,
        }),
      ),
    ],
  });
}

export function group(id: string, displayName: string, parent?: string): Resource {
  return create(ResourceSchema, {
    id: { resourceType: "group", resource: id },
    displayName,
    ...(parent ? { parentResourceId: { resourceType: "group", resource: parent } } : {}),
    annotations: [anyPack(GroupTraitSchema, create(GroupTraitSchema, {}))],
  });
}

export function memberEntitlement(resource: Resource): Entitlement {
  const id = resource.id ?? { resourceType: "", resource: "" };
  return create(EntitlementSchema, {
    id: `${id.resourceType}:${id.resource}:member`,
    resource,
    displayName: "member",
    slug: "member",
    purpose: Entitlement_PurposeValue.ASSIGNMENT,
    grantableTo: [],
  });
}

export function grant(
  entitlement: Entitlement,
  principal: Resource,
  extra: Partial<Pick<Grant, "annotations" | "sources">> = {},
): Grant {
  const p = principal.id ?? { resourceType: "", resource: "" };
  return create(GrantSchema, {
    id: `${entitlement.id}:${p.resourceType}:${p.resource}`,
    entitlement,
    principal,
    ...extra,
  });
}

/** The standard fixture. */
export function fixture(): Fixture {
  const userType = resourceType("user", "User", ResourceType_Trait.USER);
  const groupType = resourceType("group", "Group", ResourceType_Trait.GROUP);
  // Keys out of order, including integer-like ones, to exercise canonical map ordering.
  const alice = user("alice", "Alice Liddell", { title: "Engineer", "10": "x", "9": "y", a: 1 });
  const bob = user("bob", "Bob Builder");
  const eng = group("eng", "Engineering");
  const backend = group("backend", "Backend", "eng");
  const engMember = memberEntitlement(eng);
  const backendMember = memberEntitlement(backend);
  return {
    resourceTypes: [userType, groupType],
    resources: [alice, bob, eng, backend],
    entitlements: [engMember, backendMember],
    grants: [
      grant(engMember, alice),
      grant(engMember, backend, {
        annotations: [
          anyPack(
            GrantExpandableSchema,
            create(GrantExpandableSchema, { entitlementIds: ["group:backend:member"] }),
          ),
        ],
      }),
      grant(backendMember, bob, {
        annotations: [anyPack(GrantImmutableSchema, create(GrantImmutableSchema, {}))],
        sources: create(GrantSourcesSchema, {
          sources: {
            "group:eng:member": { isDirect: false },
            "group:backend:member": { isDirect: true },
          },
        }),
      }),
    ],
  };
}
