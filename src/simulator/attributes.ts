// The SCIM `attributes` query parameter (RFC 7644 §3.4.2.5): a comma-separated list of the
// attributes to return instead of the default set. `schemas` and `id` are returned always (their
// `returned` characteristic is "always", RFC 7643 §3.1). The simulator projects at the top level:
// `name.givenName` keeps all of `name`, and `urn:…:User:department` keeps the whole extension.
// Returning a superset is allowed for sub-attributes in practice and keeps the projection simple.

import type { Json } from "./render.js";

const ALWAYS = ["schemas", "id"];
const CORE_URN_PREFIX = /^urn:ietf:params:scim:schemas:core:2\.0:(?:user|group):/;

/** The projection the request asks for, or undefined when it asks for the default set. */
function attributeProjection(query: URLSearchParams): ((resource: Json) => Json) | undefined {
  const raw = query.get("attributes");
  if (raw === null || raw.trim() === "") return undefined;
  const wanted = raw
    .split(",")
    // Core attributes may be given fully qualified (`urn:…:core:2.0:User:userName`).
    .map((a) => a.trim().toLowerCase().replace(CORE_URN_PREFIX, ""))
    .filter((a) => a !== "");
  const keeps = (key: string): boolean => {
    const k = key.toLowerCase();
    return (
      ALWAYS.includes(key) ||
      wanted.some((a) => a === k || a.startsWith(`${k}.`) || a.startsWith(`${k}:`))
    );
  };
  return (resource) => {
    const out: Json = {};
    for (const [key, value] of Object.entries(resource)) if (keeps(key)) out[key] = value;
    // `schemas` names the core schema and only the extensions still present.
    if (Array.isArray(resource.schemas)) {
      out.schemas = resource.schemas.filter(
        (urn, i) => i === 0 || (typeof urn === "string" && urn in out),
      );
    }
    return out;
  };
}

/** `render`, followed by the request's projection when it asks for one. */
export function projected<T>(query: URLSearchParams, render: (item: T) => Json): (item: T) => Json {
  const project = attributeProjection(query);
  return project ? (item) => project(render(item)) : render;
}
