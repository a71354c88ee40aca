// SCIM /Groups routes: list with filter and paging, get (with inline `members`
// unless excludedAttributes=members), create, and full replace. There is no DELETE /Groups: it
// is not in Seismic's docs (Q5), so the router answers 405.

import { randomUUID } from "node:crypto";
import { projected } from "./attributes.js";
import { URN } from "./catalog.js";
import { groupFilter } from "./filter.js";
import type { Reply } from "./http.js";
import { findGroup } from "./lookup.js";
import { renderGroup } from "./render.js";
import type { ApiContext, Route } from "./router.js";
import { scim } from "./scim-users.js";
import type { GroupRecord, TenantState, UserRecord } from "./state.js";
import { bad, isObject, optString } from "./user-input.js";

export function withMembers(ctx: ApiContext): boolean {
  const ex = ctx.query.get("excludedAttributes") ?? "";
  return !ex
    .split(",")
    .map((a) => a.trim().toLowerCase())
    .includes("members");
}

export function displayName(v: unknown): string {
  if (typeof v !== "string" || v.trim().length === 0 || v.length > 255) {
    throw bad("displayName is required and must be 1 to 255 characters");
  }
  return v;
}

interface GroupFields {
  displayName: string;
  externalId: string | undefined;
  /** undefined = the body had no `members` (membership is left alone). */
  members: UserRecord[] | undefined;
}

function parseGroup(body: unknown, state: TenantState): GroupFields {
  if (!isObject(body)) throw bad("The request body must be a JSON object", "invalidSyntax");
  if (!Array.isArray(body.schemas) || !body.schemas.includes(URN.group)) {
    throw bad(`schemas must include ${URN.group}`, "invalidSyntax");
  }
  let members: UserRecord[] | undefined;
  if (body.members !== undefined && body.members !== null) {
    if (!Array.isArray(body.members)) throw bad("members must be an array");
    members = body.members.map((m: unknown) => {
      const id = isObject(m) ? m.value : undefined;
      const u = typeof id === "string" ? state.users.get(id.toLowerCase()) : undefined;
      if (u === undefined)
        throw bad(`members[].value '${String(id)}' is not a user of this tenant`);
      return u;
    });
  }
  return {
    displayName: displayName(body.displayName),
    externalId: optString(body.externalId, "externalId"),
    members,
  };
}

function list(ctx: ApiContext): Reply {
  const filter = ctx.query.get("filter");
  const all = ctx.state.groupArray();
  const groups = filter === null || filter.trim() === "" ? all : all.filter(groupFilter(filter));
  const members = withMembers(ctx);
  const render = projected(ctx.query, (g: GroupRecord) => renderGroup(g, ctx.baseUrl, members));
  return scim(200, ctx.listings.page("groups", ctx.path, ctx.query, groups, render));
}

function get(ctx: ApiContext): Reply {
  const g = findGroup(ctx.state, ctx.params[0] as string);
  return scim(200, renderGroup(g, ctx.baseUrl, withMembers(ctx)));
}

async function create(ctx: ApiContext): Promise<Reply> {
  const f = parseGroup(await ctx.json(), ctx.state);
  const group: GroupRecord = {
    id: randomUUID(),
    displayName: f.displayName,
    externalId: f.externalId,
    created: ctx.now,
    lastModified: ctx.now,
    members: new Set(),
  };
  ctx.state.addGroup(group);
  if (f.members !== undefined) ctx.state.setMembers(group, f.members, ctx.now);
  const location = `${ctx.baseUrl}/scim/v2/Groups/${group.id}`;
  return scim(201, renderGroup(group, ctx.baseUrl, true), { Location: location });
}

/** Full replace. A `members` list replaces the membership wholesale (the danger the connector
 * avoids); without `members` the membership is kept, since Seismic manages it elsewhere. */
async function replace(ctx: ApiContext): Promise<Reply> {
  const group = findGroup(ctx.state, ctx.params[0] as string);
  const f = parseGroup(await ctx.json(), ctx.state);
  ctx.state.renameGroup(group, f.displayName);
  group.externalId = f.externalId;
  if (f.members !== undefined) ctx.state.setMembers(group, f.members, ctx.now);
  group.lastModified = ctx.now;
  return scim(200, renderGroup(group, ctx.baseUrl, true));
}

export const groupRoutes: Route[] = [
  { method: "GET", template: "/scim/v2/Groups", access: "read", handler: list },
  { method: "POST", template: "/scim/v2/Groups", access: "write", handler: create },
  { method: "GET", template: "/scim/v2/Groups/{id}", access: "read", handler: get },
  { method: "PUT", template: "/scim/v2/Groups/{id}", access: "write", handler: replace },
];
