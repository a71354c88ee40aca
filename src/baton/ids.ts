/**
 * Baton id conventions: entitlement ids are `<type>:<resource>:<slug>` and grant ids
 * `<entitlement id>:<principal type>:<principal id>`, plain `:` joins that platforms key
 * configuration on, so they must stay byte-stable. Upstream values that could make the joins
 * ambiguous are encoded once, when the resource id is minted, with {@link encodeIdPart}.
 */
import type { ResourceId } from "../gen/c1/connector/v2/resource_pb.js";

/** `<resource_type>:<resource>`: the c1z row key of a resource. */
export function resourceKey(id: Pick<ResourceId, "resourceType" | "resource">): string {
  return `${id.resourceType}:${id.resource}`;
}

/** Entitlement id `<resource_type>:<resource>:<slug>`. */
export function entitlementId(
  resource: Pick<ResourceId, "resourceType" | "resource">,
  slug: string,
): string {
  return `${resource.resourceType}:${resource.resource}:${slug}`;
}

/** Grant id `<entitlement id>:<principal type>:<principal id>`. */
export function grantId(
  entitlement: string,
  principal: Pick<ResourceId, "resourceType" | "resource">,
): string {
  return `${entitlement}:${principal.resourceType}:${principal.resource}`;
}

/**
 * Encodes an upstream value for use as a resource id segment: `%`, `:`, `/`, `\`, control
 * characters and white space are percent-encoded (UTF-8), everything else is kept as written, so
 * ordinary ids stay readable and the colon joins above stay unambiguous. Reversible with
 * {@link decodeIdPart}.
 */
export function encodeIdPart(value: string): string {
  return value.replace(/[%:/\\\s\p{Cc}]/gu, (ch) =>
    Array.from(
      new TextEncoder().encode(ch),
      (b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`,
    ).join(""),
  );
}

/** Reverses {@link encodeIdPart}. */
export function decodeIdPart(value: string): string {
  return decodeURIComponent(value);
}
