// PATCH /scim/v2/Users/{id}: replace-only operations on the paths Seismic documents (active,
// roles, userType, profile fields, emails, the enterprise extension and the tenant's custom
// properties). All operations are validated before any is applied, so a bad one changes nothing.

import { ENTERPRISE_ATTRIBUTES, URN } from "./catalog.js";
import type { Reply } from "./http.js";
import { findUser } from "./lookup.js";
import { extensionPath, parsePatch, type ReplaceOp, unsupportedPath } from "./patch-op.js";
import { renderUser } from "./render.js";
import type { ApiContext, Route } from "./router.js";
import { scim } from "./scim-users.js";
import type { TenantState, UserRecord } from "./state.js";
import {
  active,
  bad,
  customValue,
  isObject,
  optString,
  roles,
  userName,
  userType,
  workEmail,
} from "./user-input.js";

type Apply = (u: UserRecord) => void;

const SIMPLE: Record<string, (v: unknown, u: UserRecord, s: TenantState) => Apply> = {
  active: (v) => {
    const a = active(v);
    return (u) => {
      u.active = a;
    };
  },
  roles: (v) => {
    const r = v === null ? undefined : roles(v);
    return (u) => {
      u.roles = r;
    };
  },
  usertype: (v) => {
    const t = userType(v);
    return (u) => {
      u.userType = t;
    };
  },
  username: (v, u, s) => {
    const n = userName(v);
    s.assertUserNameFree(n, u);
    return (x) => s.renameUser(x, n);
  },
  emails: (v) => {
    const e = workEmail(v);
    return (u) => {
      u.email = e;
    };
  },
  title: field("title"),
  externalid: field("externalId"),
  preferredlanguage: field("preferredLanguage"),
  timezone: field("timezone"),
  "name.givenname": field("givenName", "name.givenName"),
  "name.familyname": field("familyName", "name.familyName"),
  name: (v) => {
    if (!isObject(v)) throw bad("name must be an object");
    const g = optString(v.givenName, "name.givenName");
    const f = optString(v.familyName, "name.familyName");
    return (u) => {
      u.givenName = g;
      u.familyName = f;
    };
  },
};

type StringKey =
  | "title"
  | "externalId"
  | "preferredLanguage"
  | "timezone"
  | "givenName"
  | "familyName";

function field(key: StringKey, label: string = key): (v: unknown) => Apply {
  return (v) => {
    const s = optString(v, label);
    return (u) => {
      u[key] = s;
    };
  };
}

function enterprise(attr: string, v: unknown): Apply {
  const a = ENTERPRISE_ATTRIBUTES.find((x) => x.toLowerCase() === attr.toLowerCase());
  if (a === undefined) throw unsupportedPath(`${URN.enterprise}:${attr}`);
  const s = optString(v, a);
  return (u) => {
    u[a] = s;
  };
}

function custom(attr: string, v: unknown): Apply {
  const [name, value] = customValue(attr, v);
  return (u) => {
    const next = { ...u.custom };
    if (value === undefined) delete next[name];
    else next[name] = value;
    u.custom = Object.keys(next).length > 0 ? next : undefined;
  };
}

function resolve(op: ReplaceOp, user: UserRecord, state: TenantState): Apply {
  const simple = SIMPLE[op.path.toLowerCase()];
  if (simple !== undefined) return simple(op.value, user, state);
  const ent = extensionPath(op.path, URN.enterprise);
  if (ent !== undefined) return enterprise(ent, op.value);
  const cus = extensionPath(op.path, URN.seismic);
  if (cus !== undefined) return custom(cus, op.value);
  throw unsupportedPath(op.path);
}

async function patch(ctx: ApiContext): Promise<Reply> {
  const user = findUser(ctx.state, ctx.params[0] as string);
  const ops = parsePatch(await ctx.json());
  const changes = ops.map((op) => resolve(op, user, ctx.state));
  for (const apply of changes) apply(user);
  user.lastModified = ctx.now;
  return scim(200, renderUser(user, ctx.baseUrl, ctx.options.userActive));
}

export const userPatchRoutes: Route[] = [
  { method: "PATCH", template: "/scim/v2/Users/{id}", access: "write", handler: patch },
];
