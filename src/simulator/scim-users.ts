// SCIM /Users routes: list with filter and paging, get, create with Seismic's
// validation, full replace (PUT) and permanent delete. PATCH lives in user-patch.ts.

import { randomUUID } from "node:crypto";
import { projected } from "./attributes.js";
import { userFilter, userNameEquals } from "./filter.js";
import { type Reply, SCIM_JSON } from "./http.js";
import { findUser } from "./lookup.js";
import { renderUser } from "./render.js";
import type { ApiContext, Route } from "./router.js";
import type { UserRecord } from "./state.js";
import { parseUser } from "./user-input.js";

export const scim = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  status,
  body,
  contentType: SCIM_JSON,
  ...(headers === undefined ? {} : { headers }),
});

function matchingUsers(ctx: ApiContext): readonly UserRecord[] {
  const filter = ctx.query.get("filter");
  if (filter === null || filter.trim() === "") return ctx.state.userArray();
  const byName = userNameEquals(filter);
  if (byName !== undefined) {
    const u = ctx.state.userByName(byName);
    return u === undefined ? [] : [u];
  }
  return ctx.state.userArray().filter(userFilter(filter));
}

function list(ctx: ApiContext): Reply {
  const users = matchingUsers(ctx);
  const render = projected(ctx.query, (u: UserRecord) =>
    renderUser(u, ctx.baseUrl, ctx.options.userActive),
  );
  return scim(200, ctx.listings.page("users", ctx.path, ctx.query, users, render));
}

function get(ctx: ApiContext): Reply {
  return scim(
    200,
    renderUser(findUser(ctx.state, ctx.params[0] as string), ctx.baseUrl, ctx.options.userActive),
  );
}

async function create(ctx: ApiContext): Promise<Reply> {
  const fields = parseUser(await ctx.json());
  const user: UserRecord = {
    ...fields,
    id: randomUUID(),
    extended: { creatorType: "Scim" },
    created: ctx.now,
    lastModified: ctx.now,
    groups: new Set(),
  };
  ctx.state.addUser(user);
  const body = renderUser(user, ctx.baseUrl, ctx.options.userActive);
  return scim(201, body, { Location: `${ctx.baseUrl}/scim/v2/Users/${user.id}` });
}

/** Full replace: "Any missing fields in the request will be updated to null". */
async function replace(ctx: ApiContext): Promise<Reply> {
  const user = findUser(ctx.state, ctx.params[0] as string);
  const fields = parseUser(await ctx.json());
  ctx.state.renameUser(user, fields.userName);
  Object.assign(user, fields);
  user.lastModified = ctx.now;
  return scim(200, renderUser(user, ctx.baseUrl, ctx.options.userActive));
}

function remove(ctx: ApiContext): Reply {
  ctx.state.deleteUser(findUser(ctx.state, ctx.params[0] as string));
  return { status: 204 };
}

export const userRoutes: Route[] = [
  { method: "GET", template: "/scim/v2/Users", access: "read", handler: list },
  { method: "POST", template: "/scim/v2/Users", access: "write", handler: create },
  { method: "GET", template: "/scim/v2/Users/{id}", access: "read", handler: get },
  { method: "PUT", template: "/scim/v2/Users/{id}", access: "write", handler: replace },
  { method: "DELETE", template: "/scim/v2/Users/{id}", access: "write", handler: remove },
];
