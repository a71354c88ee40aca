// Seismic's validation of user payloads: required core schema, userName of 1..255
// characters, exactly one email of type "work", case-sensitive known role values, known userType
// values and the tenant's declared custom properties. Shared by POST, PUT and PATCH so the three
// cannot drift apart.

import {
  ALL_ROLE_VALUES,
  CUSTOM_ATTRIBUTES,
  ENTERPRISE_ATTRIBUTES,
  LICENCE_VALUES,
  URN,
  USER_TYPES,
} from "./catalog.js";
import { ScimError } from "./http.js";
import type { UserRecord } from "./state.js";

/** The writable part of a user; everything else (id, meta, groups) is server-owned. */
export type UserFields = Pick<
  UserRecord,
  | "userName"
  | "externalId"
  | "givenName"
  | "familyName"
  | "email"
  | "active"
  | "title"
  | "userType"
  | "preferredLanguage"
  | "timezone"
  | "roles"
  | "department"
  | "organization"
  | "costCenter"
  | "custom"
>;

export const bad = (detail: string, scimType = "invalidValue"): ScimError =>
  new ScimError(400, detail, scimType);

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** An optional string attribute: undefined or null clears it. */
export function optString(v: unknown, name: string, max = 255): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw bad(`${name} must be a string`);
  if (v.length > max) throw bad(`${name} must be at most ${max} characters`);
  return v;
}

export function userName(v: unknown): string {
  if (typeof v !== "string" || v.trim().length === 0 || v.length > 255) {
    throw bad("userName is required and must be 1 to 255 characters");
  }
  return v;
}

export function workEmail(v: unknown): string {
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) {
    throw bad("emails is required: exactly one email of type 'work'");
  }
  if (!Array.isArray(v)) throw bad("emails must be an array");
  if (v.length > 1) throw bad("Only one email is supported: send exactly one email of type 'work'");
  const e: unknown = v[0];
  if (!isObject(e) || typeof e.value !== "string" || !e.value.includes("@")) {
    throw bad("emails[0].value must be an email address");
  }
  if (e.type !== "work") throw bad("Only the email type 'work' is supported");
  return e.value;
}

export function active(v: unknown): boolean {
  if (typeof v !== "boolean") throw bad("active must be a boolean (true or false)");
  return v;
}

export function userType(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string" || !(USER_TYPES as readonly string[]).includes(v)) {
    throw bad(`userType must be one of ${USER_TYPES.join(", ")}`);
  }
  return v;
}

/** roles[]: {value} entries with known, case-sensitive values and at most one content licence. */
export function roles(v: unknown): string[] {
  if (!Array.isArray(v)) throw bad('roles must be an array of {"value": ...} objects');
  const out: string[] = [];
  for (const r of v) {
    const value = isObject(r) ? r.value : undefined;
    if (typeof value !== "string") throw bad("each role must be an object with a string value");
    if (!ALL_ROLE_VALUES.has(value)) {
      throw bad(`Unknown role '${value}' (role values are case-sensitive)`);
    }
    if (!out.includes(value)) out.push(value);
  }
  if (out.filter((r) => LICENCE_VALUES.has(r)).length > 1) {
    throw bad("A user can hold only one content role (Business, Premium or Partner)");
  }
  return out;
}

export function licenceIn(roleValues: readonly string[]): string | undefined {
  return roleValues.find((r) => LICENCE_VALUES.has(r));
}

/** One custom property of the Seismic extension; null or undefined removes it. */
export function customValue(name: string, v: unknown): [string, string | undefined] {
  const def = CUSTOM_ATTRIBUTES.find((a) => a.name.toLowerCase() === name.toLowerCase());
  if (def === undefined) {
    throw bad(
      `Unknown custom property '${name}': see GET /scim/v2/Schemas for this tenant's properties`,
    );
  }
  if (v === undefined || v === null) return [def.name, undefined];
  if (typeof v !== "string") throw bad(`${def.name} must be a string`);
  if (def.canonicalValues !== undefined && !def.canonicalValues.includes(v)) {
    throw bad(`${def.name} must be one of ${def.canonicalValues.join(", ")}`);
  }
  return [def.name, v];
}

export function customProperties(v: unknown): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw bad(`${URN.seismic} must be an object`);
  const out: Record<string, string> = {};
  for (const [k, raw] of Object.entries(v)) {
    const [name, value] = customValue(k, raw);
    if (value !== undefined) out[name] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Parses a POST or PUT body. Missing optional fields come back undefined (PUT clears them). */
export function parseUser(body: unknown): UserFields {
  if (!isObject(body)) throw bad("The request body must be a JSON object", "invalidSyntax");
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.includes(URN.user)) {
    throw bad(`schemas must include ${URN.user}`, "invalidSyntax");
  }
  const name = body.name;
  if (name !== undefined && name !== null && !isObject(name)) throw bad("name must be an object");
  const ent = body[URN.enterprise];
  if (ent !== undefined && ent !== null && !isObject(ent))
    throw bad(`${URN.enterprise} must be an object`);
  const roleValues =
    body.roles === undefined || body.roles === null ? undefined : roles(body.roles);
  const fields: UserFields = {
    userName: userName(body.userName),
    externalId: optString(body.externalId, "externalId"),
    givenName: optString(isObject(name) ? name.givenName : undefined, "name.givenName"),
    familyName: optString(isObject(name) ? name.familyName : undefined, "name.familyName"),
    email: workEmail(body.emails),
    active: body.active === undefined ? true : active(body.active),
    title: optString(body.title, "title"),
    // "If roles is specified, roles takes precedence and userType is ignored": the stored
    // userType then follows the content licence in roles.
    userType: roleValues !== undefined ? licenceIn(roleValues) : userType(body.userType),
    preferredLanguage: optString(body.preferredLanguage, "preferredLanguage"),
    timezone: optString(body.timezone, "timezone"),
    roles: roleValues,
    department: undefined,
    organization: undefined,
    costCenter: undefined,
    custom: customProperties(body[URN.seismic]),
  };
  if (isObject(ent)) {
    for (const a of ENTERPRISE_ATTRIBUTES) fields[a] = optString(ent[a], `${URN.enterprise}:${a}`);
  }
  return fields;
}
