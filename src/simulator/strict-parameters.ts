// The `strictParameters` switch: a server that does not implement RFC 7644's projection
// parameters and refuses them (400 invalidValue naming the parameter) instead of ignoring them,
// which is what a client that sends `attributes` or `excludedAttributes` must cope with.

import { ScimError } from "./http.js";

const PROJECTION = ["attributes", "excludedAttributes"];

/** The 400 for the first projection parameter in `query`, or undefined when there is none. */
export function refuseProjection(query: URLSearchParams): ScimError | undefined {
  const name = PROJECTION.find((p) => query.has(p));
  if (name === undefined) return undefined;
  return new ScimError(400, `The query parameter '${name}' is not supported`, "invalidValue");
}
