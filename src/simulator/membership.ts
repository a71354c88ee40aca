// Seismic's custom membership endpoints: paginated GET /Users/{id}/Groups
// and GET /Groups/{id}/Users, plus POST and DELETE /Users/{userId}/Groups/{groupId} to add and
// remove one membership. Adding an existing member is a 409 and removing a non-member a 404, so
// the caller can tell "already exists" and "already revoked" apart from success. Switches make
// the two GET endpoints answer 404, the members path alone answer 404 or 405, and the two writes
// answer 404, as on tenants without them (dialects.ts).

import { projected } from "./attributes.js";
import { noEndpoint, type Reply, ScimError } from "./http.js";
import { findGroup, findUser } from "./lookup.js";
import { listResponse, parsePage } from "./pagination.js";
import { renderGroup, renderUser } from "./render.js";
import type { ApiContext, Route } from "./router.js";
import { withMembers } from "./scim-groups.js";
import { scim } from "./scim-users.js";
import type { UserRecord } from "./state.js";

function requireEnabled(ctx: ApiContext): void {
  if (!ctx.options.membershipEndpoints) throw noEndpoint(ctx.method, ctx.path);
}

function userGroups(ctx: ApiContext): Reply {
  requireEnabled(ctx);
  const user = findUser(ctx.state, ctx.params[0] as string);
  const page = parsePage(ctx.query);
  const members = withMembers(ctx);
  return scim(
    200,
    listResponse(
      [...user.groups],
      page,
      projected(ctx.query, (g) => renderGroup(g, ctx.baseUrl, members)),
    ),
  );
}

function requireWriteRoutes(ctx: ApiContext): void {
  if (!ctx.options.memberWriteRoutes) throw noEndpoint(ctx.method, ctx.path);
}

function groupUsers(ctx: ApiContext): Reply {
  requireEnabled(ctx);
  if (ctx.options.groupMembersEndpoint === "missing") throw noEndpoint(ctx.method, ctx.path);
  if (ctx.options.groupMembersEndpoint === "not-allowed") {
    throw new ScimError(405, `Method ${ctx.method} is not supported on /scim/v2/Groups/{id}/Users`);
  }
  const group = findGroup(ctx.state, ctx.params[0] as string);
  const render = projected(ctx.query, (u: UserRecord) =>
    renderUser(u, ctx.baseUrl, ctx.options.userActive),
  );
  return scim(200, ctx.listings.page("members", ctx.path, ctx.query, [...group.members], render));
}

function add(ctx: ApiContext): Reply {
  requireWriteRoutes(ctx);
  const user = findUser(ctx.state, ctx.params[0] as string);
  const group = findGroup(ctx.state, ctx.params[1] as string);
  ctx.state.addMember(group, user, ctx.now);
  return { status: 204 };
}

function remove(ctx: ApiContext): Reply {
  requireWriteRoutes(ctx);
  const user = findUser(ctx.state, ctx.params[0] as string);
  const group = findGroup(ctx.state, ctx.params[1] as string);
  ctx.state.removeMember(group, user, ctx.now);
  return { status: 204 };
}

export const membershipRoutes: Route[] = [
  { method: "GET", template: "/scim/v2/Users/{id}/Groups", access: "read", handler: userGroups },
  { method: "GET", template: "/scim/v2/Groups/{id}/Users", access: "read", handler: groupUsers },
  {
    method: "POST",
    template: "/scim/v2/Users/{id}/Groups/{groupId}",
    access: "write",
    handler: add,
  },
  {
    method: "DELETE",
    template: "/scim/v2/Users/{id}/Groups/{groupId}",
    access: "write",
    handler: remove,
  },
];
