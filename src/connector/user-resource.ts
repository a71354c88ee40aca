/**
 * Turns a SCIM user into a Baton user resource: display name from the name parts, the UserTrait
 * (work email, status, login, structured name, timestamps), a flat profile with the HR fields
 * and the tenant's extension attributes, and the SCIM id as external_id. Status, profile and
 * created_at are set on the resource and on the deprecated trait fields, for older readers that
 * only know them.
 */
import { create, type JsonObject, type JsonValue } from "@bufbuild/protobuf";
import { type Timestamp, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { pack } from "../baton/annotations.js";
import {
  UserTrait_AccountType,
  UserTrait_Status_Status,
  UserTraitSchema,
} from "../gen/c1/connector/v2/annotation_trait_pb.js";
import {
  type Resource,
  ResourceSchema,
  Status_ResourceStatus,
} from "../gen/c1/connector/v2/resource_pb.js";
import {
  ENTERPRISE_USER_SCHEMA,
  type ScimUser,
  SEISMIC_USER_EXTENDED_SCHEMA,
  SEISMIC_USER_SCHEMA,
} from "../seismic/index.js";
import { userType } from "./resource-types.js";

/** Longest display name the Resource validation rule accepts. */
const MAX_DISPLAY_NAME = 1024;

/** The name Seismic shows: `name.formatted`, else given + family name, else the userName. */
export function userDisplayName(user: ScimUser): string {
  const formatted = user.name?.formatted?.trim();
  const parts = [user.name?.givenName, user.name?.familyName]
    .map((p) => p?.trim())
    .filter((p): p is string => !!p);
  const name = formatted || parts.join(" ") || user.displayName?.trim() || user.userName;
  return name.slice(0, MAX_DISPLAY_NAME);
}

/** The work email (Seismic keeps exactly one), else the primary one, else the first. */
export function workEmail(user: ScimUser): string | undefined {
  const emails = user.emails;
  return (
    emails.find((e) => e.type === "work")?.value ??
    emails.find((e) => e.primary)?.value ??
    emails[0]?.value
  );
}

function timestamp(text: string | undefined): Timestamp | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : timestampFromDate(new Date(ms));
}

/**
 * A Struct-safe value: strings, finite numbers, booleans and null pass; lists keep their
 * primitive items; objects (and lists holding them) become JSON text so nothing is lost or nested.
 */
function structValue(value: unknown): JsonValue | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) {
    const primitive = value.every(
      (v) => v === null || ["string", "boolean"].includes(typeof v) || Number.isFinite(v),
    );
    return primitive ? (value as JsonValue[]) : JSON.stringify(value);
  }
  return JSON.stringify(value);
}

function setIf(profile: JsonObject, key: string, value: unknown): void {
  const v = structValue(value);
  if (v !== undefined) profile[key] = v;
}

/**
 * The user's profile: core and enterprise fields by name, the tenant's custom properties as
 * `custom.<name>` and Seismic's extended properties as `extended.<name>`, all flat.
 */
export function userProfile(user: ScimUser): JsonObject {
  const enterprise = user[ENTERPRISE_USER_SCHEMA];
  const profile: JsonObject = {};
  setIf(profile, "userName", user.userName);
  setIf(profile, "email", workEmail(user));
  setIf(profile, "givenName", user.name?.givenName);
  setIf(profile, "familyName", user.name?.familyName);
  setIf(profile, "title", user.title);
  setIf(profile, "department", enterprise?.department);
  setIf(profile, "organization", enterprise?.organization);
  setIf(profile, "costCenter", enterprise?.costCenter);
  setIf(profile, "division", enterprise?.division);
  setIf(profile, "employeeNumber", enterprise?.employeeNumber);
  setIf(profile, "userType", user.userType);
  setIf(profile, "preferredLanguage", user.preferredLanguage);
  setIf(profile, "timezone", user.timezone);
  setIf(profile, "externalId", user.externalId);
  setIf(profile, "active", user.active);
  setIf(profile, "created", user.meta?.created);
  setIf(profile, "lastModified", user.meta?.lastModified);
  if (user.roles) profile.roles = user.roles.map((r) => r.value);
  for (const [key, value] of Object.entries(user[SEISMIC_USER_SCHEMA] ?? {})) {
    setIf(profile, `custom.${key}`, value);
  }
  for (const [key, value] of Object.entries(user[SEISMIC_USER_EXTENDED_SCHEMA] ?? {})) {
    setIf(profile, `extended.${key}`, value);
  }
  return profile;
}

/** The Baton resource of a Seismic user. */
export function userResource(user: ScimUser): Resource {
  const email = workEmail(user);
  const profile = userProfile(user);
  const createdAt = timestamp(user.meta?.created);
  // A tenant that leaves `active` out tells us nothing: the status stays unspecified.
  const status =
    user.active === undefined
      ? { status: UserTrait_Status_Status.UNSPECIFIED }
      : user.active
        ? { status: UserTrait_Status_Status.ENABLED }
        : { status: UserTrait_Status_Status.DISABLED, details: "locked" };
  const given = user.name?.givenName;
  const family = user.name?.familyName;
  const employeeNumber = user[ENTERPRISE_USER_SCHEMA]?.employeeNumber;
  const trait = create(UserTraitSchema, {
    emails: email ? [{ address: email, isPrimary: true }] : [],
    status,
    profile,
    accountType: UserTrait_AccountType.HUMAN,
    login: user.userName,
    ...(createdAt ? { createdAt } : {}),
    ...(given || family
      ? { structuredName: { givenName: given ?? "", familyName: family ?? "" } }
      : {}),
    ...(employeeNumber ? { employeeIds: [employeeNumber] } : {}),
  });
  return create(ResourceSchema, {
    id: { resourceType: userType.id, resource: user.id },
    // Go connectors put the upstream system's own id here; for Seismic that is the SCIM id.
    externalId: { id: user.id },
    displayName: userDisplayName(user),
    annotations: [pack(UserTraitSchema, trait)],
    profile,
    status:
      user.active === undefined
        ? { status: Status_ResourceStatus.UNSPECIFIED }
        : user.active
          ? { status: Status_ResourceStatus.ENABLED }
          : { status: Status_ResourceStatus.DISABLED, details: "locked" },
    ...(createdAt ? { createdAt } : {}),
  });
}
