// PATCH /scim/v2/Groups/{id}: replace-only, path required; displayName and externalId. Members
// cannot be changed here (Seismic documents no add/remove on members), so that path is a 400
// pointing at the membership endpoints.

import type { Reply } from "./http.js";
import { findGroup } from "./lookup.js";
import { parsePatch, unsupportedPath } from "./patch-op.js";
import { renderGroup } from "./render.js";
import type { ApiContext, Route } from "./router.js";
import { displayName, withMembers } from "./scim-groups.js";
import { scim } from "./scim-users.js";
import type { GroupRecord } from "./state.js";
import { optString } from "./user-input.js";

async function patch(ctx: ApiContext): Promise<Reply> {
  const group = findGroup(ctx.state, ctx.params[0] as string);
  const ops = parsePatch(await ctx.json());
  const changes = ops.map((op): ((g: GroupRecord) => void) => {
    switch (op.path.toLowerCase()) {
      case "displayname": {
        const name = displayName(op.value);
        ctx.state.assertGroupNameFree(name, group);
        return (g) => ctx.state.renameGroup(g, name);
      }
      case "externalid": {
        const id = optString(op.value, "externalId");
        return (g) => {
          g.externalId = id;
        };
      }
      case "members":
        throw unsupportedPath(
          op.path,
          ": change membership with POST or DELETE /scim/v2/Users/{userId}/Groups/{groupId}",
        );
      default:
        throw unsupportedPath(op.path);
    }
  });
  for (const apply of changes) apply(group);
  group.lastModified = ctx.now;
  return scim(200, renderGroup(group, ctx.baseUrl, withMembers(ctx)));
}

export const groupPatchRoutes: Route[] = [
  { method: "PATCH", template: "/scim/v2/Groups/{id}", access: "write", handler: patch },
];
