// Every Seismic endpoint the client calls: method, path template, the API family (which picks the
// credential), the OAuth scope it needs (named in 403 errors) and a link to Seismic's docs.
// Sources, by key: SD-* Seismic's developer documentation, CODE-* public client code that calls
// the same endpoints (collected for this project; the keys name which one a fact came from).

/** HTTP methods the client uses. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** `scim` calls use the static SCIM token when configured; `reporting` always uses OAuth. */
export type ApiFamily = "scim" | "reporting";

/** The scopes Seismic defines for the calls we make. */
export const SCOPES = {
  userView: "seismic.user.view",
  userManage: "seismic.user.manage",
  reporting: "seismic.reporting",
} as const;

/** One API route. `path` is a template whose `{name}` segments are filled by {@link expandPath}. */
export interface Endpoint {
  readonly method: HttpMethod;
  readonly path: string;
  readonly api: ApiFamily;
  /** The scope the call needs; named in `permission_denied` errors when Seismic does not say. */
  readonly scope: string;
  /** Seismic's documentation for the route. */
  readonly docs: string;
}

const SD = "https://developer.seismic.com/seismicsoftware/reference";

function scimRead(path: string, docs: string): Endpoint {
  return { method: "GET", path, api: "scim", scope: SCOPES.userView, docs };
}

function scimWrite(method: HttpMethod, path: string, docs: string): Endpoint {
  return { method, path, api: "scim", scope: SCOPES.userManage, docs };
}

/** The token endpoint (form POST, client id + secret). Source: SD-login / CODE-infa. */
export const TOKEN_ENDPOINT = {
  method: "POST",
  path: "/tenants/{tenant}/connect/token",
  docs: `${SD}/login-with-client-credentials-user-delegation-flow`,
} as const;

/** The API routes, by operation. */
export const ENDPOINTS = {
  listUsers: scimRead(
    "/scim/v2/Users",
    `${SD}/seismicscimuserandgroupmanagementretrieveallusersretrieveusersmatchingcertaincriteria`,
  ),
  getUser: scimRead(
    "/scim/v2/Users/{userId}",
    `${SD}/seismicscimuserandgroupmanagementretrieveauserbyguid`,
  ),
  createUser: scimWrite(
    "POST",
    "/scim/v2/Users",
    `${SD}/seismicscimuserandgroupmanagementcreateanewuser`,
  ),
  replaceUser: scimWrite(
    "PUT",
    "/scim/v2/Users/{userId}",
    `${SD}/seismicscimuserandgroupmanagementupdateauserwithafullpayload`,
  ),
  patchUser: scimWrite(
    "PATCH",
    "/scim/v2/Users/{userId}",
    `${SD}/seismicscimuserandgroupmanagementupdatecertainattributeswithinauser`,
  ),
  deleteUser: scimWrite(
    "DELETE",
    "/scim/v2/Users/{userId}",
    `${SD}/seismicscimuserandgroupmanagementdeleteauserbyguid`,
  ),
  listUserGroups: scimRead(
    "/scim/v2/Users/{userId}/Groups",
    `${SD}/seismicscimuserandgroupmanagementgetthegroupsauserisin`,
  ),
  // Seen only in public client code (CODE-infa `seismic-api.http`), not in Seismic's docs (Q1).
  addUserToGroup: scimWrite(
    "POST",
    "/scim/v2/Users/{userId}/Groups/{groupId}",
    "https://github.com/informatica-na-presales-ops/seismic-api/blob/main/seismic-api.http",
  ),
  // Undocumented counterpart of addUserToGroup (the plausible default).
  removeUserFromGroup: scimWrite(
    "DELETE",
    "/scim/v2/Users/{userId}/Groups/{groupId}",
    "https://github.com/informatica-na-presales-ops/seismic-api/blob/main/seismic-api.http",
  ),
  listGroups: scimRead(
    "/scim/v2/Groups",
    `${SD}/seismicscimuserandgroupmanagementretrieveallgroupsretrievegroupsmatchingcertaincriteria`,
  ),
  getGroup: scimRead(
    "/scim/v2/Groups/{groupId}",
    `${SD}/seismicscimuserandgroupmanagementretrieveagroupbyguid`,
  ),
  // Path inferred by symmetry with /Users/{id}/Groups.
  listGroupMembers: scimRead(
    "/scim/v2/Groups/{groupId}/Users",
    `${SD}/seismicscimuserandgroupmanagementgetalistofmembersofaspecificgroup`,
  ),
  getSchemas: scimRead(
    "/scim/v2/Schemas",
    `${SD}/seismicscimuserandgroupmanagementgetcurrenttenantschema`,
  ),
  replaceGroup: scimWrite(
    "PUT",
    "/scim/v2/Groups/{groupId}",
    `${SD}/seismicscimuserandgroupmanagementupdateagroupwithafullpayload`,
  ),
  listPlatformRoles: {
    method: "GET",
    path: "/reporting/v2/roles",
    api: "reporting",
    scope: SCOPES.reporting,
    docs: `${SD}/reporting-rolesget`,
  },
  listUserRoleAssignments: {
    method: "GET",
    path: "/reporting/v2/userRoleAssignments",
    api: "reporting",
    scope: SCOPES.reporting,
    docs: `${SD}/reporting-userroleassignmentsget`,
  },
  // The older names of the same two tables (Seismic's Reporting docs list both); a tenant may
  // answer only these (seismic/variants/reporting-tables.ts).
  listEntitlementRoles: {
    method: "GET",
    path: "/reporting/v2/entitlementRoles",
    api: "reporting",
    scope: SCOPES.reporting,
    docs: `${SD}/users-groups`,
  },
  listUserEntitlementRoleAssignments: {
    method: "GET",
    path: "/reporting/v2/userEntitlementRoleAssignments",
    api: "reporting",
    scope: SCOPES.reporting,
    docs: "https://github.com/amp-labs/connectors/blob/main/providers/seismic/schemas.json",
  },
  // Table named in the Reporting OpenAPI-derived schema, not in the reference pages (unconfirmed); not
  // paginated.
  listGroupMemberRows: {
    method: "GET",
    path: "/reporting/v2/groupMembers",
    api: "reporting",
    scope: SCOPES.reporting,
    docs: `${SD}/h1-reporting-api-overview`,
  },
} as const satisfies Record<string, Endpoint>;

/** `METHOD /path/{template}`: how errors and logs name an endpoint (no ids, no query). */
export function endpointLabel(endpoint: Pick<Endpoint, "method" | "path">): string {
  return `${endpoint.method} ${endpoint.path}`;
}

/**
 * Fills `{name}` segments of `template` with percent-encoded values.
 *
 * @throws Error when a parameter is missing (a programming error, not a Seismic failure).
 */
export function expandPath(
  template: string,
  params: Readonly<Record<string, string>> = {},
): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(value);
  });
}

/** `base` (which may carry a path prefix, e.g. a proxy's) joined with an absolute `path`. */
export function joinUrl(base: URL, path: string): URL {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}${path}`;
  return url;
}
