// The API origin (api.seismic.com stand-in): one request pipeline in gateway order. Every call is
// counted under its endpoint template first, then gets latency, faults, the rolling rate limit,
// routing, bearer and scope checks, and finally its SCIM or Reporting handler. The
// X-Seismic-Remaining-Calls / X-Seismic-Total-Calls headers go on every answer while the rate
// limit is on.

import type { IncomingMessage, ServerResponse } from "node:http";
import { refuseNonAdminWrite } from "./admin-check.js";
import { checkAccess } from "./api-auth.js";
import { sleep } from "./clock.js";
import type { FaultDecision, FaultInjector } from "./faults.js";
import { groupPatchRoutes } from "./group-patch.js";
import {
  BodyTooLarge,
  gatewayReply,
  noEndpoint,
  type Reply,
  readBody,
  ScimError,
  scimErrorReply,
  send,
} from "./http.js";
import type { ListingLiar } from "./listing-lies.js";
import { membershipRoutes } from "./membership.js";
import type { ResolvedOptions } from "./options.js";
import type { RateDecision, RollingWindowLimiter } from "./rate-limit.js";
import { reportingRoutes } from "./reporting.js";
import type { ReportingSnapshot } from "./reporting-snapshot.js";
import { type ApiContext, Router } from "./router.js";
import { schemaRoutes } from "./schemas.js";
import { groupRoutes } from "./scim-groups.js";
import { userRoutes } from "./scim-users.js";
import { StateConflict, type TenantState } from "./state.js";
import { refuseProjection } from "./strict-parameters.js";
import type { TokenStore } from "./tokens.js";
import { userPatchRoutes } from "./user-patch.js";

export interface ApiDeps {
  state: TenantState;
  options: ResolvedOptions;
  tokens: TokenStore;
  limiter: RollingWindowLimiter | undefined;
  faults: FaultInjector;
  reporting: ReportingSnapshot;
  listings: ListingLiar;
  baseUrl: () => string;
}

const router = new Router([
  ...userRoutes,
  ...userPatchRoutes,
  ...groupRoutes,
  ...groupPatchRoutes,
  ...membershipRoutes,
  ...schemaRoutes,
  ...reportingRoutes,
]);

function rateHeaders(used: number, remaining: number): Record<string, string> {
  return { "X-Seismic-Remaining-Calls": String(remaining), "X-Seismic-Total-Calls": String(used) };
}

function tooMany(o: ResolvedOptions, seconds: number): Reply {
  return gatewayReply(429, `Rate limit is exceeded. Try again in ${seconds} seconds.`, {
    clientId: o.clientId,
    tenant: o.tenant,
  });
}

/** Maps anything a handler throws to an answer; unexpected errors become a SCIM 500. */
function errorReply(e: unknown): Reply {
  if (e instanceof ScimError) return scimErrorReply(e);
  if (e instanceof StateConflict) {
    return e.kind === "notMember"
      ? scimErrorReply(new ScimError(404, e.message))
      : scimErrorReply(new ScimError(409, e.message, "uniqueness"));
  }
  if (e instanceof BodyTooLarge) return scimErrorReply(new ScimError(413, e.message));
  return scimErrorReply(new ScimError(500, "Internal server error"));
}

async function parseJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  if (text.trim() === "")
    throw new ScimError(400, "A JSON request body is required", "invalidSyntax");
  try {
    return JSON.parse(text);
  } catch {
    throw new ScimError(400, "The request body is not valid JSON", "invalidSyntax");
  }
}

/** A successful GET's answer as a body fault leaves it: cut in half, or an HTML page. */
function bodyFault(fault: FaultDecision, method: string, reply: Reply): Reply {
  if (fault.kind !== "truncate" && fault.kind !== "garbage") return reply;
  if (method !== "GET" || reply.status < 200 || reply.status >= 300) return reply;
  if (fault.kind === "garbage") {
    return {
      status: 200,
      raw: "<html><head><title>Gateway</title></head><body>Please try again.</body></html>",
      contentType: "text/html; charset=utf-8",
    };
  }
  const full = reply.raw ?? JSON.stringify(reply.body ?? null);
  return { ...reply, body: undefined, raw: full.slice(0, Math.floor(full.length / 2)) };
}

export function createApiHandler(d: ApiDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { state, options, limiter } = d;

  /** Headers for answers that do not take a call from the window (faults). */
  const peekHeaders = (now: number): Record<string, string> => {
    if (limiter === undefined) return {};
    const used = limiter.used(now);
    return rateHeaders(used, Math.max(0, limiter.limit - used));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://simulator.invalid");
    const path = url.pathname;
    const match = router.match(method, path);
    const template =
      match.kind === "route"
        ? match.route.template
        : match.kind === "method"
          ? match.template
          : path;
    state.countCall(`${method} ${template}`);

    await sleep(options.latencyMs);
    const fault = d.faults.next();
    if (fault.kind === "drop") {
      req.socket.destroy();
      return;
    }
    if (fault.kind === "slow") await sleep(fault.ms);
    const now = options.now();
    if (fault.kind === "error") {
      const text = { 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable" };
      return send(res, gatewayReply(fault.status, text[fault.status]), peekHeaders(now));
    }
    if (fault.kind === "burst429") {
      state.rateLimited++;
      const used = limiter === undefined ? 0 : limiter.used(now);
      return send(res, tooMany(options, 1), rateHeaders(Math.max(used, limiter?.limit ?? 0), 0));
    }

    let headers: Record<string, string> = {};
    if (limiter !== undefined) {
      const decision: RateDecision = limiter.take(now);
      headers = rateHeaders(decision.used, decision.remaining);
      if (!decision.allowed) {
        state.rateLimited++;
        return send(res, tooMany(options, decision.retryAfterSeconds), headers);
      }
    }

    if (match.kind !== "route") {
      if (match.kind === "none") {
        const reply = path.startsWith("/scim/")
          ? scimErrorReply(noEndpoint(method, path))
          : gatewayReply(404, `No endpoint ${method} ${path}`);
        return send(res, reply, headers);
      }
      const reply = scimErrorReply(
        new ScimError(405, `Method ${method} is not supported on ${match.template}`),
      );
      return send(res, reply, { ...headers, Allow: match.allow.join(", ") });
    }

    const auth = req.headers.authorization;
    const denied = checkAccess(auth, path, match.route.access, d.tokens, options.scimToken);
    if (denied !== undefined) return send(res, denied, headers);
    const notAdmin = refuseNonAdminWrite(auth, match.route.access, d.tokens, state);
    if (notAdmin !== undefined) return send(res, notAdmin, headers);
    if (options.strictParameters) {
      const refused = refuseProjection(url.searchParams);
      if (refused !== undefined) return send(res, scimErrorReply(refused), headers);
    }

    const ctx: ApiContext = {
      method,
      path,
      params: match.params,
      query: url.searchParams,
      headers: req.headers,
      baseUrl: d.baseUrl(),
      state,
      options,
      reporting: d.reporting,
      listings: d.listings,
      now,
      json: () => parseJson(req),
    };
    let reply: Reply;
    try {
      reply = await match.route.handler(ctx);
    } catch (e) {
      reply = errorReply(e);
    }
    send(res, bodyFault(fault, method, reply), headers);
  }

  return (req, res) => {
    handle(req, res).catch(() => {
      // Only reachable when writing the answer itself failed (client gone): drop the socket.
      if (!res.headersSent) send(res, errorReply(undefined));
      else res.destroy();
    });
  };
}
