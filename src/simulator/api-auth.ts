// Bearer-token and scope checks of the API origin: OAuth delegation tokens for
// everything, the optional static SCIM token for /scim/v2 only; 401 for a missing, unknown or
// expired token, 403 naming the scope a call needs.

import { gatewayReply, type Reply } from "./http.js";
import type { Access } from "./router.js";
import type { TokenInfo, TokenStore } from "./tokens.js";

export const SCOPE = {
  view: "seismic.user.view",
  manage: "seismic.user.manage",
  reporting: "seismic.reporting",
} as const;

const STATIC_SCIM: TokenInfo = {
  kind: "scim",
  scopes: new Set([SCOPE.view, SCOPE.manage]),
  userId: undefined,
  expiresAt: Number.POSITIVE_INFINITY,
};

/** Scopes any one of which allows the access. */
const NEEDS: Record<Access, readonly string[]> = {
  read: [SCOPE.view, SCOPE.manage],
  write: [SCOPE.manage],
  reporting: [SCOPE.reporting],
};

export function unauthorized(): Reply {
  const reply = gatewayReply(401, "Unauthorized: the access token is missing, invalid or expired.");
  reply.headers = { "WWW-Authenticate": 'Bearer error="invalid_token"' };
  return reply;
}

/** Returns an error reply, or undefined when the request may proceed. */
export function checkAccess(
  authorization: string | undefined,
  path: string,
  access: Access,
  tokens: TokenStore,
  scimToken: string | undefined,
): Reply | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (m === null) return unauthorized();
  const token = m[1] as string;
  const info =
    scimToken !== undefined && token === scimToken
      ? path.startsWith("/scim/v2/")
        ? STATIC_SCIM
        : undefined
      : tokens.verify(token);
  if (info === undefined) return unauthorized();
  const needs = NEEDS[access];
  if (needs.some((s) => info.scopes.has(s))) return undefined;
  return gatewayReply(403, `Forbidden: this call requires the scope ${needs.join(" or ")}.`, {
    requiredScopes: [...needs],
  });
}
