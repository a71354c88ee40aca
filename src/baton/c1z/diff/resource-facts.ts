/**
 * What a reviewer compares between two versions of a resource: its name, parent, status, the
 * user trait's identity fields (emails, login, account type, employee ids, last login) and every
 * profile key, each flattened to one text value. Two versions differ where these values differ;
 * annotations the facts do not cover (icons, internal markers) are not access changes.
 */
import type { JsonValue } from "@bufbuild/protobuf";
import { type Timestamp, timestampDate } from "@bufbuild/protobuf/wkt";
import {
  GroupTraitSchema,
  RoleTraitSchema,
  UserTrait_AccountType,
  UserTrait_Status_Status,
  UserTraitSchema,
} from "../../../gen/c1/connector/v2/annotation_trait_pb.js";
import { type Resource, Status_ResourceStatus } from "../../../gen/c1/connector/v2/resource_pb.js";
import { pick } from "../../annotations.js";

/** One field that differs: its name and both values ("" when absent on that side). */
export interface FieldChange {
  readonly field: string;
  readonly old: string;
  readonly new: string;
}

/** The resource's facts in a fixed order: core fields first, then `profile.<key>` sorted by key. */
export function resourceFacts(resource: Resource): Map<string, string> {
  const facts = new Map<string, string>();
  const set = (field: string, value: string | undefined) => {
    if (value !== undefined && value !== "") facts.set(field, value);
  };
  set("displayName", resource.displayName);
  set("description", resource.description);
  const parent = resource.parentResourceId;
  if (parent && parent.resource !== "") set("parent", `${parent.resourceType}:${parent.resource}`);
  const user = pick(resource.annotations, UserTraitSchema);
  set("status", statusText(resource, user?.status));
  if (user) {
    const emails = [...user.emails].sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary));
    set("emails", emails.map((e) => e.address).join(", "));
    set("login", user.login);
    set("loginAliases", user.loginAliases.join(", "));
    if (user.accountType !== UserTrait_AccountType.UNSPECIFIED) {
      set("accountType", enumText(UserTrait_AccountType[user.accountType]));
    }
    set("employeeIds", user.employeeIds.join(", "));
    set("lastLogin", timeText(user.lastLogin));
    if (user.mfaStatus) set("mfaEnabled", String(user.mfaStatus.mfaEnabled));
    if (user.ssoStatus) set("ssoEnabled", String(user.ssoStatus.ssoEnabled));
  }
  // Resource.profile supersedes the trait's; older writers only fill the trait's.
  const profile =
    resource.profile && Object.keys(resource.profile).length > 0
      ? resource.profile
      : (user?.profile ??
        pick(resource.annotations, GroupTraitSchema)?.profile ??
        pick(resource.annotations, RoleTraitSchema)?.profile);
  for (const key of Object.keys(profile ?? {}).sort()) {
    set(`profile.${key}`, valueText(profile?.[key]));
  }
  return facts;
}

/** The fields whose values differ, in the order of {@link resourceFacts} (old side's first). */
export function factChanges(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): FieldChange[] {
  const out: FieldChange[] = [];
  for (const [field, old] of before) {
    const now = after.get(field) ?? "";
    if (now !== old) out.push({ field, old, new: now });
  }
  for (const [field, now] of after) {
    if (!before.has(field)) out.push({ field, old: "", new: now });
  }
  return out;
}

/** `enabled`, `disabled (locked)`, …: Resource.status, else the user trait's. */
function statusText(
  resource: Resource,
  trait: { status: UserTrait_Status_Status; details: string } | undefined,
): string | undefined {
  const own = resource.status;
  if (own && own.status !== Status_ResourceStatus.UNSPECIFIED) {
    return withDetails(enumText(Status_ResourceStatus[own.status]), own.details);
  }
  if (trait && trait.status !== UserTrait_Status_Status.UNSPECIFIED) {
    return withDetails(enumText(UserTrait_Status_Status[trait.status]), trait.details);
  }
  return undefined;
}

function withDetails(status: string, details: string): string {
  return details ? `${status} (${details})` : status;
}

function enumText(name: string | undefined): string {
  return (name ?? "unknown").toLowerCase();
}

function timeText(ts: Timestamp | undefined): string | undefined {
  return ts ? timestampDate(ts).toISOString() : undefined;
}

/** Strings as they are; everything else (lists, numbers, booleans) as compact JSON. */
function valueText(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}
