// zod models of what Seismic returns: SCIM users, groups, list responses and schemas, and the
// Reporting roles and role assignments. Objects are loose (unknown attributes pass through, so a
// new Seismic field never breaks a sync) but required fields are checked, and optional fields may
// be null (Seismic's .NET JSON writes nulls) which we normalise to undefined.
import { z } from "zod";

/** URN of the SCIM core User schema. */
export const SCIM_USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
/** URN of the SCIM core Group schema. */
export const SCIM_GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
/** URN of SCIM PATCH request bodies. */
export const SCIM_PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/** URN of SCIM error bodies (RFC 7644 §3.12). */
export const SCIM_ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";
/** The SCIM enterprise User extension. */
export const ENTERPRISE_USER_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/** Seismic's tenant-defined custom user properties, keyed by property name. */
export const SEISMIC_USER_SCHEMA = "urn:ietf:params:scim:schemas:extension:seismic:2.0:User";
/** Seismic's built-in extended user properties (biography, hireDate, location, …). */
export const SEISMIC_USER_EXTENDED_SCHEMA =
  "urn:ietf:params:scim:schemas:extension:seismic:2.0:UserExtendedProperty";

/** An optional field that may also arrive as `null`; both become `undefined`. */
function optional<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((value) => value ?? undefined);
}

const str = () => optional(z.string());
const bool = () => optional(z.boolean());

/** SCIM `meta`. */
export const ScimMeta = z.looseObject({
  resourceType: str(),
  created: str(),
  lastModified: str(),
  location: str(),
  version: str(),
});
export type ScimMeta = z.output<typeof ScimMeta>;

/** SCIM `name`. Seismic makes `name` optional on create, so its parts are optional too. */
export const ScimName = z.looseObject({
  givenName: str(),
  familyName: str(),
  formatted: str(),
  middleName: str(),
});
export type ScimName = z.output<typeof ScimName>;

/** One entry of `emails`. Seismic accepts exactly one, of type `work`. */
export const ScimEmail = z.looseObject({
  value: z.string(),
  type: str(),
  primary: bool(),
});
export type ScimEmail = z.output<typeof ScimEmail>;

/** One entry of `roles`: content licence roles (`Premium`, …) and Learning roles (case-sensitive). */
export const ScimRole = z.looseObject({
  value: z.string(),
  display: str(),
  type: str(),
  primary: bool(),
});
export type ScimRole = z.output<typeof ScimRole>;

/** The SCIM enterprise User extension. */
export const EnterpriseUser = z.looseObject({
  employeeNumber: str(),
  costCenter: str(),
  organization: str(),
  division: str(),
  department: str(),
  manager: optional(z.looseObject({ value: str(), displayName: str(), $ref: str() })),
});
export type EnterpriseUser = z.output<typeof EnterpriseUser>;

/** Seismic's built-in extended properties; types beyond strings are not documented. */
export const SeismicUserExtendedProperty = z.looseObject({
  biography: str(),
  hireDate: str(),
  location: str(),
  managerName: str(),
  ssoId: str(),
  deactivatedTime: str(),
  createdBy: z.unknown().optional(),
  creatorType: z.unknown().optional(),
});
export type SeismicUserExtendedProperty = z.output<typeof SeismicUserExtendedProperty>;

/**
 * A SCIM User as Seismic returns it. Required: `id` and `userName`. `active` is optional: Seismic
 * does not say every user carries it, and a missing flag means "status unknown", never enabled.
 */
export const ScimUser = z.looseObject({
  schemas: optional(z.array(z.string())),
  id: z.string(),
  userName: z.string(),
  externalId: str(),
  name: optional(ScimName),
  displayName: str(),
  emails: optional(z.array(ScimEmail)).transform((v) => v ?? []),
  // Never defaulted: defaulting a missing flag to true would report a locked user as enabled.
  active: bool(),
  title: str(),
  userType: str(),
  preferredLanguage: str(),
  locale: str(),
  timezone: str(),
  roles: optional(z.array(ScimRole)),
  meta: optional(ScimMeta),
  [ENTERPRISE_USER_SCHEMA]: optional(EnterpriseUser),
  [SEISMIC_USER_SCHEMA]: optional(z.record(z.string(), z.unknown())),
  [SEISMIC_USER_EXTENDED_SCHEMA]: optional(SeismicUserExtendedProperty),
});
export type ScimUser = z.output<typeof ScimUser>;

/**
 * A user as `GET /Groups/{id}/Users?attributes=id` lists it, validated for what membership needs:
 * its id. A server that ignores `attributes` returns full users; validating every attribute of
 * half a million members would cost seconds of a large sync, so the other attributes are dropped.
 */
export const ScimMemberUser = z.object({ id: z.string() });
export type ScimMemberUser = z.output<typeof ScimMemberUser>;

/** A member reference inside a Group. */
export const ScimMember = z.looseObject({
  value: z.string(),
  display: str(),
  type: str(),
  $ref: str(),
});
export type ScimMember = z.output<typeof ScimMember>;

/** A SCIM Group. Required: `id`, `displayName`. Inline `members` is not paginated; prefer the
 * `/Groups/{id}/Users` endpoint. */
export const ScimGroup = z.looseObject({
  schemas: optional(z.array(z.string())),
  id: z.string(),
  displayName: z.string(),
  externalId: str(),
  members: optional(z.array(ScimMember)),
  meta: optional(ScimMeta),
});
export type ScimGroup = z.output<typeof ScimGroup>;

/** A schema definition from `GET /Schemas`. */
export const ScimSchema = z.looseObject({
  id: z.string(),
  name: str(),
  description: str(),
  attributes: optional(z.array(z.looseObject({ name: z.string() }))),
});
export type ScimSchema = z.output<typeof ScimSchema>;

/**
 * Marks a parsed page whose body had no `Resources` (or `null`). RFC 7644 §3.4.2 requires the key
 * whenever `totalResults` is non-zero, so the listing check (listing-integrity.ts) must tell a
 * missing list from an empty one; a symbol, so no attribute a server sends can set it.
 */
export const RESOURCES_ABSENT: unique symbol = Symbol("Resources absent");

/** A SCIM ListResponse page. */
export interface ScimListResponse<T> {
  totalResults: number;
  itemsPerPage: number | undefined;
  startIndex: number | undefined;
  /** The page's items; `[]` when the body had none (then {@link RESOURCES_ABSENT} is set). */
  Resources: T[];
  [RESOURCES_ABSENT]?: true;
  [key: string]: unknown;
}

/**
 * Builds the ListResponse schema for a resource schema. A missing or null `Resources` parses as
 * `[]` with {@link RESOURCES_ABSENT} set.
 */
export function scimListResponse<T extends z.ZodType>(item: T) {
  return z
    .looseObject({
      schemas: optional(z.array(z.string())),
      totalResults: z.number().int().nonnegative(),
      itemsPerPage: optional(z.number().int().nonnegative()),
      startIndex: optional(z.number().int()),
      Resources: z.array(item).nullish(),
    })
    .transform((page): ScimListResponse<z.output<T>> => {
      if (page.Resources != null) return page as ScimListResponse<z.output<T>>;
      return { ...page, Resources: [], [RESOURCES_ABSENT]: true };
    });
}

export const ScimUserList = scimListResponse(ScimUser);
export const ScimGroupList = scimListResponse(ScimGroup);
export const ScimMemberUserList = scimListResponse(ScimMemberUser);
export const ScimSchemaList = scimListResponse(ScimSchema);

/** A platform (entitlement) role from `GET /reporting/v2/roles`. */
export const PlatformRole = z.looseObject({
  id: z.string(),
  roleName: z.string(),
  roleDescription: str(),
  isPredefined: bool(),
  isDeleted: bool(),
  createdAt: str(),
  createdBy: str(),
  modifiedAt: str(),
  modifiedBy: str(),
});
export type PlatformRole = z.output<typeof PlatformRole>;

/** A user's platform role assignment from `GET /reporting/v2/userRoleAssignments`. */
export const UserRoleAssignment = z.looseObject({
  id: str(),
  roleId: z.string(),
  roleName: str(),
  assigneeId: z.string(),
  assignedAt: str(),
  createdBy: str(),
  modifiedAt: str(),
});
export type UserRoleAssignment = z.output<typeof UserRoleAssignment>;

/**
 * A row of Reporting's `groupMembers` table: one direct membership. Only the ids are kept (the
 * table repeats each group's name on every row, ≈ 500,000 rows at 100,000 users).
 */
export const GroupMemberRow = z.object({
  groupId: z.string(),
  userId: z.string(),
});
export type GroupMemberRow = z.output<typeof GroupMemberRow>;

/** Wrapper keys seen around Reporting arrays; the documented shape is a bare array. */
const REPORTING_WRAPPERS = ["items", "data", "value", "results", "records"] as const;

/**
 * A Reporting table: a bare JSON array, or an object wrapping the array under one of
 * `items`/`data`/`value`/`results`/`records` (the Reporting OpenAPI was not readable, so both
 * shapes are accepted). The parsed value is always the array.
 */
export function reportingTable<T extends z.ZodType>(item: T) {
  return z.preprocess((body) => {
    if (body !== null && typeof body === "object" && !Array.isArray(body)) {
      for (const key of REPORTING_WRAPPERS) {
        const inner = (body as Record<string, unknown>)[key];
        if (Array.isArray(inner)) return inner;
      }
    }
    return body;
  }, z.array(item));
}

export const PlatformRoleTable = reportingTable(PlatformRole);
export const UserRoleAssignmentTable = reportingTable(UserRoleAssignment);
export const GroupMemberTable = reportingTable(GroupMemberRow);

/** An RFC 7644 §3.12 SCIM error body. `status` is a string in the RFC; accept numbers too. */
export const ScimErrorBody = z.looseObject({
  schemas: optional(z.array(z.string())),
  status: optional(z.union([z.string(), z.number()])),
  scimType: str(),
  detail: str(),
});

/** The OAuth token endpoint's JSON reply. `expires_in` may be a numeric string. */
export const TokenResponse = z.looseObject({
  access_token: z.string().min(1),
  expires_in: optional(z.coerce.number().positive()),
  token_type: str(),
});

/** The OAuth error body (RFC 6749 §5.2). */
export const OAuthErrorBody = z.looseObject({
  error: z.string(),
  error_description: str(),
});
