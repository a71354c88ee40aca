// Options of the embedded Seismic tenant simulator, their defaults, and the checks that turn a
// bad option into one clear error before any server starts.

import { type DialectName, type DialectSwitches, dialectSwitches } from "./dialects.js";

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
  /** Share of API calls whose successful GET answer has its JSON body cut in half (0..1). */
  truncateRate?: number;
  /** Share of API calls whose successful GET answer is a 200 HTML page instead of JSON (0..1). */
  garbageRate?: number;
}

/** The paged SCIM listings a {@link ListingLies} can apply to. */
export type LyingListing = "users" | "groups" | "members";

/**
 * Ways the paged listings lie about their paging, for testing a client's listing checks. Each is
 * off unless set; they apply to the listings in `on` (default all three: GET /Users, GET /Groups
 * and GET /Groups/{id}/Users), during the first `reads` reads of each (a read starts with a
 * request at startIndex 1; default: every read).
 */
export interface ListingLies {
  on?: LyingListing[];
  /** Lie only during the first this many reads of each listing (e.g. 1: a re-read is honest). */
  reads?: number;
  /** Report totalResults as this share of the real count, rounded down (e.g. 0.5). */
  totalResultsFactor?: number;
  /** Report this totalResults whatever the real count (e.g. 1000000). */
  totalResults?: number;
  /** The page asked for at this startIndex comes without its Resources key. */
  noResourcesAt?: number;
  /** Pages after the first start this many items early: their ids repeat, as many are skipped. */
  duplicatesAcrossPages?: number;
  /** Every page is the first one, whatever startIndex asks for. */
  ignoreStartIndex?: boolean;
}

export interface SimulatorOptions extends DialectSwitches {
  /** A preset of the dialect switches (dialects.ts); switches given alongside win. */
  dialect?: DialectName;
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
  /** Rolling-window rate limit per tenant (default 600 per 60 000 ms); false turns it off. */
  rateLimit?: { limit: number; windowMs: number } | false;
  /** Default true; false makes GET /Groups/{id}/Users and GET /Users/{id}/Groups answer 404. */
  membershipEndpoints?: boolean;
  /**
   * Default true; false: the delegated user is not a System Administrator (no such platform
   * role), so Seismic refuses its SCIM writes with 403 whatever the token's scopes.
   */
  delegatedUserAdmin?: boolean;
  /** Reporting snapshot is retaken on a Reporting call once it is this old; default: only on demand. */
  reportingLagMs?: number;
  /** Faults on the API origin; can be changed at run time with `setFaults`. */
  faults?: FaultOptions;
  /** Paging lies of the list endpoints (default: none). */
  listingLies?: ListingLies;
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
  rateLimit: { limit: number; windowMs: number } | false;
  membershipEndpoints: boolean;
  groupMembersEndpoint: "serve" | "missing" | "not-allowed";
  memberWriteRoutes: boolean;
  reportingTables: "roles" | "entitlementRoles" | "none";
  userActive: boolean;
  strictParameters: boolean;
  delegatedUserAdmin: boolean;
  reportingLagMs: number | undefined;
  faults: FaultOptions | undefined;
  listingLies: ListingLies | undefined;
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
  let dialect: DialectSwitches = {};
  if (o.dialect !== undefined) {
    try {
      dialect = dialectSwitches(o.dialect);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  const pickSwitch = <K extends keyof DialectSwitches>(key: K) => o[key] ?? dialect[key];
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
    groupMembersEndpoint: pickSwitch("groupMembersEndpoint") ?? "serve",
    memberWriteRoutes: pickSwitch("memberWriteRoutes") ?? true,
    reportingTables: pickSwitch("reportingTables") ?? "roles",
    userActive: pickSwitch("userActive") ?? true,
    strictParameters: pickSwitch("strictParameters") ?? false,
    delegatedUserAdmin: o.delegatedUserAdmin ?? true,
    reportingLagMs: o.reportingLagMs,
    faults: o.faults,
    listingLies: o.listingLies,
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
  }
  if (r.reportingLagMs !== undefined && !(r.reportingLagMs >= 0)) {
    problems.push("reportingLagMs must be >= 0");
  }
  if (!["serve", "missing", "not-allowed"].includes(r.groupMembersEndpoint)) {
    problems.push("groupMembersEndpoint must be serve, missing or not-allowed");
  }
  if (!["roles", "entitlementRoles", "none"].includes(r.reportingTables)) {
    problems.push("reportingTables must be roles, entitlementRoles or none");
  }
  if (!(r.latencyMs >= 0)) problems.push("latencyMs must be >= 0");
  const lies = r.listingLies;
  if (lies !== undefined) {
    if (lies.reads !== undefined) int("listingLies.reads", lies.reads, 1, 1);
    if (lies.totalResults !== undefined) int("listingLies.totalResults", lies.totalResults, 0, 0);
    if (lies.noResourcesAt !== undefined)
      int("listingLies.noResourcesAt", lies.noResourcesAt, 1, 1);
    if (lies.duplicatesAcrossPages !== undefined)
      int("listingLies.duplicatesAcrossPages", lies.duplicatesAcrossPages, 1, 1);
    const f = lies.totalResultsFactor;
    if (f !== undefined && !(f >= 0 && f <= 1)) {
      problems.push("listingLies.totalResultsFactor must be within 0..1");
    }
    const kinds = ["users", "groups", "members"];
    if (lies.on?.some((k) => !kinds.includes(k))) {
      problems.push(`listingLies.on must name listings among ${kinds.join(", ")}`);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid simulator options: ${problems.join("; ")}`);
  return r;
}
