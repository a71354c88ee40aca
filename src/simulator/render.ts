// Turns stored records into the SCIM resources the API returns. Absent values are omitted rather
// than sent as null, as SCIM servers commonly do; `schemas` lists only the extensions in use.

import { URN } from "./catalog.js";
import type { GroupRecord, UserRecord } from "./state.js";

export type Json = Record<string, unknown>;

const iso = (t: number): string => new Date(t).toISOString();

/** The display name Seismic shows for a member: the name parts, else the userName. */
export function displayNameOf(u: UserRecord): string {
  const parts = [u.givenName, u.familyName].filter((p) => p !== undefined && p !== "");
  return parts.length > 0 ? parts.join(" ") : u.userName;
}

/** `withActive` false renders the user without `active` (the `userActive` switch). */
export function renderUser(u: UserRecord, baseUrl: string, withActive = true): Json {
  const schemas: string[] = [URN.user];
  const out: Json = { schemas, id: u.id };
  if (u.externalId !== undefined) out.externalId = u.externalId;
  out.userName = u.userName;
  if (u.givenName !== undefined || u.familyName !== undefined) {
    const name: Json = {};
    if (u.givenName !== undefined) name.givenName = u.givenName;
    if (u.familyName !== undefined) name.familyName = u.familyName;
    name.formatted = displayNameOf(u);
    out.name = name;
  }
  out.emails = [{ value: u.email, type: "work", primary: true }];
  if (withActive) out.active = u.active;
  if (u.title !== undefined) out.title = u.title;
  if (u.userType !== undefined) out.userType = u.userType;
  if (u.preferredLanguage !== undefined) out.preferredLanguage = u.preferredLanguage;
  if (u.timezone !== undefined) out.timezone = u.timezone;
  if (u.roles !== undefined) out.roles = u.roles.map((value) => ({ value }));
  if (u.department !== undefined || u.organization !== undefined || u.costCenter !== undefined) {
    schemas.push(URN.enterprise);
    const ent: Json = {};
    if (u.department !== undefined) ent.department = u.department;
    if (u.organization !== undefined) ent.organization = u.organization;
    if (u.costCenter !== undefined) ent.costCenter = u.costCenter;
    out[URN.enterprise] = ent;
  }
  if (u.extended !== undefined) {
    schemas.push(URN.extended);
    out[URN.extended] = { ...u.extended };
  }
  if (u.custom !== undefined) {
    schemas.push(URN.seismic);
    out[URN.seismic] = { ...u.custom };
  }
  out.meta = {
    resourceType: "User",
    created: iso(u.created),
    lastModified: iso(u.lastModified),
    location: `${baseUrl}/scim/v2/Users/${u.id}`,
  };
  return out;
}

/** A group with its inline `members` unless `members` is excluded (excludedAttributes=members). */
export function renderGroup(g: GroupRecord, baseUrl: string, withMembers: boolean): Json {
  const out: Json = { schemas: [URN.group], id: g.id };
  if (g.externalId !== undefined) out.externalId = g.externalId;
  out.displayName = g.displayName;
  if (withMembers) {
    const members: Json[] = [];
    for (const u of g.members) {
      members.push({
        value: u.id,
        display: displayNameOf(u),
        $ref: `${baseUrl}/scim/v2/Users/${u.id}`,
      });
    }
    out.members = members;
  }
  out.meta = {
    resourceType: "Group",
    created: iso(g.created),
    lastModified: iso(g.lastModified),
    location: `${baseUrl}/scim/v2/Groups/${g.id}`,
  };
  return out;
}
