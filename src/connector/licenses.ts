/**
 * The `license` syncer: Seismic's three content licences as fixed resources with an immutable
 * `assigned` entitlement. A user holds the licence in SCIM `userType`, else the licence value in
 * `roles[]`; `NonSeismic` users hold none. Grants come from the user directory (no API calls);
 * licences are changed in the Seismic console, so grants are refused.
 */
import { create } from "@bufbuild/protobuf";
import { pack } from "../baton/annotations.js";
import type { ResourceSyncer } from "../baton/connector.js";
import { entitlementId } from "../baton/ids.js";
import { EntitlementImmutableSchema } from "../gen/c1/connector/v2/annotation_entitlement_pb.js";
import { LicenseProfileTraitSchema } from "../gen/c1/connector/v2/annotation_trait_pb.js";
import type { Entitlement } from "../gen/c1/connector/v2/entitlement_pb.js";
import { type Resource, ResourceSchema } from "../gen/c1/connector/v2/resource_pb.js";
import type { SeismicContext } from "./context.js";
import { entitlementOf, grantTo, offsetPage } from "./entitlements.js";
import { ASSIGNED, licenseType, userType } from "./resource-types.js";
import { isLicence, LICENCES } from "./vocabulary.js";

const GRANTS_PER_PAGE = 1000;

export const LICENSE_READ_ONLY =
  "Seismic licences are read-only for this connector: a user's licence (SCIM userType) is changed by an administrator in the Seismic console";

/** The Baton resource of a licence. */
export function licenseResource(name: string): Resource {
  const id = { resourceType: licenseType.id, resource: name };
  return create(ResourceSchema, {
    id,
    displayName: name,
    description: `Seismic ${name} content licence`,
    annotations: [
      pack(LicenseProfileTraitSchema, {
        licenseName: name,
        entitlementIds: [entitlementId(id, ASSIGNED)],
      }),
    ],
  });
}

/** The licence's immutable `assigned` entitlement. */
export function licenseEntitlement(license: Resource): Entitlement {
  return entitlementOf(license, {
    slug: ASSIGNED,
    displayName: `${license.displayName} licence`,
    description: `Holds the Seismic ${license.displayName} licence (read-only)`,
    grantableTo: [userType],
    annotations: [pack(EntitlementImmutableSchema, {})],
  });
}

export function licenseSyncer(sc: SeismicContext): ResourceSyncer {
  return {
    resourceType: licenseType,
    async list(_parent, page) {
      return offsetPage(LICENCES.map(licenseResource), page, LICENCES.length);
    },
    async entitlements(resource) {
      return { items: [licenseEntitlement(resource)] };
    },
    async grants(resource, page, ctx) {
      const name = resource.id?.resource ?? "";
      if (!isLicence(name)) return { items: [] };
      const directory = sc.directory.get(ctx);
      await directory.complete(ctx.signal);
      const entitlement = licenseEntitlement(resource);
      const holders = offsetPage(directory.licenceHolders(name), page, GRANTS_PER_PAGE);
      return {
        items: holders.items.map((id) => grantTo(entitlement, userType.id, id)),
        nextToken: holders.nextToken ?? "",
      };
    },
    provisioningRefusal: LICENSE_READ_ONLY,
  };
}
