/**
 * Maps Seismic client failures onto the Baton runtime's one connector error, so hosts see a gRPC
 * code they act on (retry Unavailable, stop on Unauthenticated) and a message that says what to
 * fix. SeismicError messages never carry secrets, so they are passed through as written.
 */
import type { ResourceSyncer } from "../baton/connector.js";
import { Code, connectorError, rateLimitedError } from "../baton/errors.js";
import { SeismicError } from "../seismic/index.js";

/** How long a host should wait after a 429 when Seismic gave no hint (its window is 60 s). */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

function codeFor(error: SeismicError): Code {
  switch (error.code) {
    case "invalid_client":
    case "invalid_grant":
    case "unknown_tenant":
    case "token_rejected":
    case "unauthenticated":
      return Code.Unauthenticated;
    case "invalid_scope":
    case "permission_denied":
      return Code.PermissionDenied;
    case "not_found":
      return Code.NotFound;
    case "conflict":
      return Code.AlreadyExists;
    case "rate_limited":
    case "server_error":
      return Code.Unavailable;
    case "network":
      // A refused or reset connection heals; an unresolvable host name will not, and hosts
      // retry Unavailable without limit.
      return error.retryable ? Code.Unavailable : Code.FailedPrecondition;
    case "aborted":
      return Code.Canceled;
    case "invalid_response":
      // Seismic answered, but not in the documented shape: not our invariant (Internal), not
      // the caller's mistake; the message names the endpoint and the field.
      return Code.Unknown;
    case "inconsistent_listing":
      // Seismic's paging data contradicts itself: storing what was read would lose rows.
      return Code.DataLoss;
    case "bad_request":
    case "invalid_argument":
      return Code.InvalidArgument;
    case "unsupported":
      return Code.Unimplemented;
    case "invalid_config":
      return Code.FailedPrecondition;
  }
}

/**
 * Turns a SeismicError into a ConnectError (anything else is returned unchanged for the runtime to
 * map). A 429 carries a RateLimitDescription with the reset time, so hosts wait exactly that long.
 */
export function toConnectError(error: unknown): unknown {
  if (!(error instanceof SeismicError)) return error;
  if (error.code === "rate_limited") {
    const waitMs = error.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS;
    return rateLimitedError(
      error.message,
      {
        resetAt: error.rateLimit?.resetAt ?? new Date(Date.now() + waitMs),
        ...(error.rateLimit?.limit === undefined ? {} : { limit: error.rateLimit.limit }),
        remaining: error.rateLimit?.remaining ?? 0,
      },
      error,
    );
  }
  return connectorError(codeFor(error), error.message, error);
}

/** Runs `fn`, rethrowing a SeismicError as the matching ConnectError. */
export async function mapErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toConnectError(e);
  }
}

/**
 * Wraps every method of a syncer with {@link mapErrors}, keeping exactly the optional members the
 * syncer has (the runtime derives capabilities from which members exist). Listings go through
 * `listing` instead, the one place that refuses to prune silently (listing-guard.ts).
 */
export function guardSyncer(
  s: ResourceSyncer,
  listing: <T>(type: ResourceSyncer["resourceType"], fn: () => Promise<T>) => Promise<T>,
): ResourceSyncer {
  const type = s.resourceType;
  const guarded: { -readonly [K in keyof ResourceSyncer]: ResourceSyncer[K] } = {
    resourceType: type,
    list: (parent, page, ctx) => listing(type, () => s.list(parent, page, ctx)),
    entitlements: (resource, page, ctx) => listing(type, () => s.entitlements(resource, page, ctx)),
    grants: (resource, page, ctx) => listing(type, () => s.grants(resource, page, ctx)),
  };
  const { staticEntitlements, get, grant, revoke, accounts, provisioningRefusal } = s;
  const del = s.delete;
  if (provisioningRefusal !== undefined) guarded.provisioningRefusal = provisioningRefusal;
  if (staticEntitlements) {
    guarded.staticEntitlements = (page, ctx) =>
      mapErrors(() => staticEntitlements.call(s, page, ctx));
  }
  if (get) guarded.get = (id, parent, ctx) => mapErrors(() => get.call(s, id, parent, ctx));
  if (grant) guarded.grant = (p, e, ctx) => mapErrors(() => grant.call(s, p, e, ctx));
  if (revoke) guarded.revoke = (g, ctx) => mapErrors(() => revoke.call(s, g, ctx));
  if (del) guarded.delete = (id, parent, ctx) => mapErrors(() => del.call(s, id, parent, ctx));
  if (s.actions) {
    guarded.actions = s.actions.map((a) => ({
      schema: a.schema,
      prepare: (args) => {
        const run = a.prepare(args);
        return (ctx) => mapErrors(() => run(ctx));
      },
    }));
  }
  if (accounts) {
    guarded.accounts = {
      credentialDetails: accounts.credentialDetails,
      ...(accounts.creationSchema ? { creationSchema: accounts.creationSchema } : {}),
      create: (info, credentials, ctx) => mapErrors(() => accounts.create(info, credentials, ctx)),
    };
  }
  return guarded;
}
