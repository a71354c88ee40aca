// GET /scim/v2/Schemas and /Schemas/{urn}: the User, Group and enterprise schemas and
// the tenant-specific extensions, in RFC 7643 §7 form, unpaginated. Clients read the Seismic User
// extension here to learn the tenant's custom properties before provisioning.

import {
  ALL_ROLE_VALUES,
  CUSTOM_ATTRIBUTES,
  ENTERPRISE_ATTRIBUTES,
  EXTENDED_ATTRIBUTES,
  URN,
  USER_TYPES,
} from "./catalog.js";
import { type Reply, ScimError } from "./http.js";
import type { ApiContext, Route } from "./router.js";
import { scim } from "./scim-users.js";

type Attr = Record<string, unknown>;

function str(name: string, o: Partial<Attr> = {}): Attr {
  return {
    name,
    type: "string",
    multiValued: false,
    description: "",
    required: false,
    caseExact: false,
    mutability: "readWrite",
    returned: "default",
    uniqueness: "none",
    ...o,
  };
}

function schema(
  id: string,
  name: string,
  description: string,
  attributes: Attr[],
  baseUrl: string,
) {
  return {
    schemas: [URN.schema],
    id,
    name,
    description,
    attributes,
    meta: { resourceType: "Schema", location: `${baseUrl}/scim/v2/Schemas/${id}` },
  };
}

function allSchemas(baseUrl: string) {
  const user = [
    str("id", {
      mutability: "readOnly",
      returned: "always",
      caseExact: true,
      uniqueness: "server",
    }),
    str("userName", { required: true, uniqueness: "server", description: "1 to 255 characters" }),
    str("externalId", { caseExact: true }),
    {
      ...str("name", { type: "complex" }),
      subAttributes: [
        str("givenName"),
        str("familyName"),
        str("formatted", { mutability: "readOnly" }),
      ],
    },
    {
      ...str("emails", { type: "complex", multiValued: true, required: true }),
      description: "Exactly one email, of type 'work'",
      subAttributes: [str("value", { required: true }), str("type", { canonicalValues: ["work"] })],
    },
    str("active", { type: "boolean", description: "false = locked: the user cannot log in" }),
    str("title"),
    str("userType", { canonicalValues: [...USER_TYPES], description: "The user's licence" }),
    str("preferredLanguage"),
    str("timezone"),
    {
      ...str("roles", { type: "complex", multiValued: true, caseExact: true }),
      description: "Content licence and Learning roles; takes precedence over userType",
      subAttributes: [str("value", { caseExact: true, canonicalValues: [...ALL_ROLE_VALUES] })],
    },
  ];
  const group = [
    str("id", {
      mutability: "readOnly",
      returned: "always",
      caseExact: true,
      uniqueness: "server",
    }),
    str("displayName", { required: true }),
    str("externalId", { caseExact: true }),
    {
      ...str("members", { type: "complex", multiValued: true, mutability: "readOnly" }),
      subAttributes: [
        str("value", { caseExact: true }),
        str("display", { mutability: "readOnly" }),
      ],
    },
  ];
  const custom = CUSTOM_ATTRIBUTES.map((a) =>
    str(a.name, {
      description: a.description,
      ...(a.canonicalValues === undefined ? {} : { canonicalValues: [...a.canonicalValues] }),
    }),
  );
  return [
    schema(URN.user, "User", "User Account", user, baseUrl),
    schema(URN.group, "Group", "Group", group, baseUrl),
    schema(
      URN.enterprise,
      "EnterpriseUser",
      "Enterprise User",
      ENTERPRISE_ATTRIBUTES.map((a) => str(a)),
      baseUrl,
    ),
    schema(URN.seismic, "SeismicUser", "This tenant's custom user properties", custom, baseUrl),
    schema(
      URN.extended,
      "UserExtendedProperty",
      "Seismic extended user properties",
      EXTENDED_ATTRIBUTES.map((a) => str(a, { mutability: "readOnly" })),
      baseUrl,
    ),
  ];
}

function list(ctx: ApiContext): Reply {
  const resources = allSchemas(ctx.baseUrl);
  return scim(200, {
    schemas: [URN.listResponse],
    totalResults: resources.length,
    itemsPerPage: resources.length,
    startIndex: 1,
    Resources: resources,
  });
}

function get(ctx: ApiContext): Reply {
  const id = ctx.params[0] as string;
  const found = allSchemas(ctx.baseUrl).find((s) => s.id.toLowerCase() === id.toLowerCase());
  if (found === undefined) throw new ScimError(404, `Schema ${id} not found`);
  return scim(200, found);
}

export const schemaRoutes: Route[] = [
  { method: "GET", template: "/scim/v2/Schemas", access: "read", handler: list },
  { method: "GET", template: "/scim/v2/Schemas/{id}", access: "read", handler: get },
];
