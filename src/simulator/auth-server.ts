// The auth origin (auth.seismic.com stand-in): POST /tenants/{tenant}/connect/token with the
// "client credentials with user delegation" grant. Checks run in IdentityServer's
// order: client (invalid_client, also for an unknown tenant), grant type, delegated user
// (invalid_grant when unknown, locked or not the app's delegated user), then scopes. Faults and
// the rate limit apply to the API origin only.

import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyTooLarge, JSON_TYPE, type Reply, readBody, send } from "./http.js";
import type { ResolvedOptions } from "./options.js";
import type { TenantState } from "./state.js";
import type { TokenStore } from "./tokens.js";

export const TOKEN_PATH = /^\/tenants\/([^/]+)\/connect\/token$/;

export interface AuthDeps {
  state: TenantState;
  options: ResolvedOptions;
  tokens: TokenStore;
  delegationUserId: string;
}

function oauthError(error: string, description?: string, status = 400): Reply {
  const body: Record<string, string> = { error };
  if (description !== undefined) body.error_description = description;
  return { status, body, contentType: JSON_TYPE, headers: { "Cache-Control": "no-store" } };
}

function token(form: URLSearchParams, tenant: string, d: AuthDeps): Reply {
  const o = d.options;
  if (tenant !== o.tenant) return oauthError("invalid_client");
  if (form.get("client_id") !== o.clientId || form.get("client_secret") !== o.clientSecret) {
    return oauthError("invalid_client");
  }
  const grant = form.get("grant_type");
  if (grant === null || grant === "") return oauthError("invalid_request", "grant_type is missing");
  if (grant !== "delegation") return oauthError("unsupported_grant_type");
  const userId = form.get("user_id");
  if (userId === null || userId === "") return oauthError("invalid_request", "user_id is missing");
  const user = d.state.users.get(userId.toLowerCase());
  if (user === undefined) return oauthError("invalid_grant", "unknown user");
  if (user.id !== d.delegationUserId) {
    return oauthError("invalid_grant", "user is not the delegated user of this app");
  }
  if (!user.active) return oauthError("invalid_grant", "user is locked");
  const requested = (form.get("scope") ?? "").split(" ").filter((s) => s !== "");
  const scopes = requested.length === 0 ? o.grantedScopes : [...new Set(requested)];
  const notGranted = scopes.filter((s) => !o.grantedScopes.includes(s));
  if (notGranted.length > 0)
    return oauthError("invalid_scope", `not granted: ${notGranted.join(" ")}`);
  d.state.tokensIssued++;
  return {
    status: 200,
    body: {
      access_token: d.tokens.issue(user.id, scopes, o.tokenLifetimeSeconds),
      token_type: "Bearer",
      expires_in: Math.floor(o.tokenLifetimeSeconds),
      scope: scopes.join(" "),
    },
    contentType: JSON_TYPE,
    headers: { "Cache-Control": "no-store", Pragma: "no-cache" },
  };
}

export function createAuthHandler(
  d: AuthDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const path = new URL(req.url ?? "/", "http://simulator.invalid").pathname;
    const m = TOKEN_PATH.exec(path);
    d.state.countCall(`${method} ${m === null ? path : "/tenants/{tenant}/connect/token"}`);
    if (m === null) return send(res, oauthError("not_found", `No endpoint ${method} ${path}`, 404));
    if (method !== "POST") {
      return send(res, {
        ...oauthError("invalid_request", "use POST", 405),
        headers: { Allow: "POST" },
      });
    }
    const type = req.headers["content-type"] ?? "";
    if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      return send(
        res,
        oauthError("invalid_request", "the body must be application/x-www-form-urlencoded"),
      );
    }
    const form = new URLSearchParams(await readBody(req, 65_536));
    let tenant: string;
    try {
      tenant = decodeURIComponent(m[1] as string);
    } catch {
      tenant = "";
    }
    send(res, token(form, tenant, d));
  }

  return (req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) return void res.destroy();
      const tooLarge = e instanceof BodyTooLarge;
      send(
        res,
        oauthError(tooLarge ? "invalid_request" : "server_error", undefined, tooLarge ? 413 : 500),
      );
    });
  };
}
