// Options of the embedded Seismic tenant simulator, their defaults, and the checks that turn a
// bad option into one clear error before any server starts.

/** Faults injected on the API origin, deterministic for `seed` (requests are drawn in arrival order). */
export interface FaultOptions {
  /** Seed of the fault stream (default 1). */
  seed?: number;
  /** Share of API calls answered 500, 502 or 503 (0..1). */
  serverErrorRate?: number;
  /** Share of API calls whose connection is destroyed without an answer (0..1). */
  dropRate?: number;
  /** Share of API calls delayed by `slowMs` before being served (0..1). */
  slowRate?: number;
  /** Delay of a slow call in ms (default 2000). */
  slowMs?: number;
  /** Every `every` API calls, the last `length` of them are answered 429 regardless of the window. */
  burst429?: { every: number; length: number };
}

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
  otherClients?: number;
}

export interface SimulatorOptions {
  /** Same seed => same tenant (default 1). */
  seed?: number;
  /** Number of seeded users (default 200). */
  users?: number;
  /** Number of seeded groups (default 20). */
  groups?: number;
  /** Tenant name, the `{tenant}` of the token URL (default "simtenant"). */
  tenant?: string;
  /** OAuth client id of the app registration (default "sim-client"). */
  clientId?: string;
  /** OAuth client secret (default "sim-secret"). */
  clientSecret?: string;
  /**
   * Id of the delegated user. The seeded tenant's first user (an active System Administrator)
   * takes this id, so any GUID works; default: that user's seeded GUID.
   */
  delegationUserId?: string;
  /** Optional static SCIM bearer token, accepted for /scim/v2 calls only. */
  scimToken?: string;
  /** Listen host of both servers (default 127.0.0.1). */
  host?: string;
  /** Port of the API origin (default 0: ephemeral). */
  apiPort?: number;
  /** Port of the auth origin (default 0: ephemeral). */
  authPort?: number;
  /** Lifetime of issued access tokens (default 3600). */
  tokenLifetimeSeconds?: number;
  /** Scopes the app registration grants (default: seismic.user.view seismic.user.manage seismic.reporting). */
  grantedScopes?: string[];
  /**
   * Rolling-window rate limit per tenant (default 600 per 60 000 ms); false turns it off.
   * `otherClients`: calls per window that other API clients of the tenant spend from the same
   * budget, evenly spaced and already in steady state at start-up (default 0).
   */
  rateLimit?: RateLimitOptions | false;
  /** Default true; false makes GET /Groups/{id}/Users and GET /Users/{id}/Groups answer 404. */
  membershipEndpoints?: boolean;
  /** Reporting snapshot is retaken on a Reporting call once it is this old; default: only on demand. */
  reportingLagMs?: number;
  /** Faults on the API origin; can be changed at run time with `setFaults`. */
  faults?: FaultOptions;
  /** Latency added to every API call, in ms. */
  latencyMs?: number;
  /** Clock in ms since the epoch (default Date.now); tests pass a fake one to move time. */
  now?: () => number;
}

export const DEFAULT_SCOPES = ["seismic.user.view", "seismic.user.manage", "seismic.reporting"];

export const DEFAULTS = {
  seed: 1,
  users: 200,
  groups: 20,
  tenant: "simtenant",
  clientId: "sim-client",
  clientSecret: "sim-secret",
  host: "127.0.0.1",
  tokenLifetimeSeconds: 3600,
  rateLimit: { limit: 600, windowMs: 60_000 },
} as const;

export interface ResolvedOptions {
  seed: number;
  users: number;
  groups: number;
  tenant: string;
  clientId: string;
  clientSecret: string;
  delegationUserId: string | undefined;
  scimToken: string | undefined;
  host: string;
  apiPort: number;
  authPort: number;
  tokenLifetimeSeconds: number;
  grantedScopes: string[];
  rateLimit: RateLimitOptions | false;
  membershipEndpoints: boolean;
  reportingLagMs: number | undefined;
  faults: FaultOptions | undefined;
  latencyMs: number;
  now: () => number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Fills in defaults and throws one Error naming every bad option. */
export function resolveOptions(o: SimulatorOptions = {}): ResolvedOptions {
  const problems: string[] = [];
  const int = (name: string, v: number | undefined, min: number, def: number): number => {
    if (v === undefined) return def;
    if (!Number.isInteger(v) || v < min) problems.push(`${name} must be an integer >= ${min}`);
    return v;
  };
  const r: ResolvedOptions = {
    seed: int("seed", o.seed, 0, DEFAULTS.seed),
    users: int("users", o.users, 1, DEFAULTS.users),
    groups: int("groups", o.groups, 0, DEFAULTS.groups),
    tenant: o.tenant ?? DEFAULTS.tenant,
    clientId: o.clientId ?? DEFAULTS.clientId,
    clientSecret: o.clientSecret ?? DEFAULTS.clientSecret,
    delegationUserId: o.delegationUserId?.toLowerCase(),
    scimToken: o.scimToken,
    host: o.host ?? DEFAULTS.host,
    apiPort: int("apiPort", o.apiPort, 0, 0),
    authPort: int("authPort", o.authPort, 0, 0),
    tokenLifetimeSeconds: o.tokenLifetimeSeconds ?? DEFAULTS.tokenLifetimeSeconds,
    grantedScopes: o.grantedScopes ?? [...DEFAULT_SCOPES],
    rateLimit: o.rateLimit === undefined ? { ...DEFAULTS.rateLimit } : o.rateLimit,
    membershipEndpoints: o.membershipEndpoints ?? true,
    reportingLagMs: o.reportingLagMs,
    faults: o.faults,
    latencyMs: o.latencyMs ?? 0,
    now: o.now ?? Date.now,
  };
  if (!/^[A-Za-z0-9-]+$/.test(r.tenant)) problems.push("tenant must be letters, digits and '-'");
  if (r.clientId === "") problems.push("clientId must not be empty");
  if (r.clientSecret === "") problems.push("clientSecret must not be empty");
  if (r.scimToken === "") problems.push("scimToken must not be empty when given");
  if (r.delegationUserId !== undefined && !GUID.test(r.delegationUserId)) {
    problems.push("delegationUserId must be a GUID (Seismic user ids are GUIDs)");
  }
  if (!(r.tokenLifetimeSeconds >= 0)) problems.push("tokenLifetimeSeconds must be >= 0");
  if (r.rateLimit !== false) {
    const { limit, windowMs } = r.rateLimit;
    if (!Number.isInteger(limit) || limit < 1)
      problems.push("rateLimit.limit must be an integer >= 1");
    if (!(windowMs > 0)) problems.push("rateLimit.windowMs must be > 0");
    const others = r.rateLimit.otherClients ?? 0;
    if (!Number.isInteger(others) || others < 0 || others >= limit)
      problems.push("rateLimit.otherClients must be an integer >= 0 and below rateLimit.limit");
  }
  if (r.reportingLagMs !== undefined && !(r.reportingLagMs >= 0)) {
    problems.push("reportingLagMs must be >= 0");
  }
  if (!(r.latencyMs >= 0)) problems.push("latencyMs must be >= 0");
  if (problems.length > 0) throw new Error(`Invalid simulator options: ${problems.join("; ")}`);
  return r;
}
