// The listing-parameters variant: SCIM's projection parameters (`attributes=id` on member pages,
// `excludedAttributes=members` on group pages) cut a sync's bytes several times over, but they
// are RFC 7644, not confirmed for Seismic. A strict server refuses them with a 400 naming the
// parameter; then the call is retried once without them, and the rest of the sync leaves them out.
import { rejectsProjection } from "./missing-route.js";
import type { TenantVariants } from "./tenant-variants.js";

/**
 * Runs `call` with the projection parameters unless this sync learnt that the tenant refuses
 * them; on such a refusal, records it and runs `call` once more without them.
 * @param call gets `omitProjection`: true means "send neither attributes nor excludedAttributes".
 */
export async function withProjection<T>(
  variants: TenantVariants,
  call: (omitProjection: boolean) => Promise<T>,
): Promise<T> {
  if (variants.choice("listingParameters") === "no-projection") return call(true);
  try {
    const result = await call(false);
    if (variants.choice("listingParameters") === undefined) {
      variants.choose("listingParameters", "projection", "the tenant accepted them");
    }
    return result;
  } catch (e) {
    if (!rejectsProjection(e)) throw e;
    variants.choose(
      "listingParameters",
      "no-projection",
      `${e.endpoint ?? "a listing"} answered ${e.status ?? 400}${e.detail ? `: ${e.detail}` : ""}`,
    );
    return call(true);
  }
}
