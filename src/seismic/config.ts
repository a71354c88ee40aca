// Configuration of the Seismic client: what the caller must provide (tenant and delegation
// credentials) and the defaults for everything else (hosts, scopes, rate limit, timeouts, retries).
import { SeismicError } from "./errors.js";

/** The scopes requested by default: SCIM read, SCIM write and Reporting. */
export const DEFAULT_SCOPES: readonly string[] = [
  "seismic.user.view",
  "seismic.user.manage",
  "seismic.reporting",
];

/** Client-side rate limit: at most `limit` calls in any rolling `windowMs`. */
export interface RateLimitConfig {
  /** Calls per window. Default 600 (Seismic's tier 3). */
  limit: number;
  /** Window length in ms. Default 60 000. */
  windowMs: number;
}

/** Per-attempt HTTP timeouts, in ms. */
export interface TimeoutConfig {
  /** TCP + TLS connect. Default 10 000. Only applies to the dispatcher the client creates. */
  connectMs?: number;
  /** Until response headers arrive. Default 30 000. */
  headersMs?: number;
  /** Maximum idle time between body chunks. Default 60 000. */
  bodyMs?: number;
}

/** What the caller provides. Only the first four fields are required. */
export interface SeismicConfig {
  /** Tenant name: the subdomain of `https://{tenant}.seismic.com`. */
  tenant: string;
  clientId: string;
  clientSecret: string;
  /** The GUID of the user the app acts as (the "delegated user"). */
  delegationUserId: string;
  /** API base URL. Default `https://api.seismic.com`. */
  apiUrl?: string;
  /** Auth base URL. Default `https://auth.seismic.com`. */
  authUrl?: string;
  /** Static bearer token for `/scim/v2` calls only; the OAuth token is still used for Reporting. */
  scimToken?: string;
  /** OAuth scopes to request. Default {@link DEFAULT_SCOPES}. */
  scopes?: readonly string[];
  /** Client-side rate limit, or `false` to disable it (429s are still honoured). */
  rateLimit?: Partial<RateLimitConfig> | false;
  timeouts?: TimeoutConfig;
  /** Retries per call for 429, 5xx and network errors. Default 5. */
  maxRetries?: number;
  /** Longest server-requested wait (429 hint) the client sleeps through. Default 120 000 ms. */
  maxRetryAfterMs?: number;
  /** `User-Agent` header. Default `baton-seismic`. */
  userAgent?: string;
}

/** {@link SeismicConfig} with every default filled in and URLs parsed. */
export interface ResolvedSeismicConfig {
  tenant: string;
  clientId: string;
  clientSecret: string;
  delegationUserId: string;
  apiUrl: URL;
  authUrl: URL;
  scimToken: string | undefined;
  scopes: readonly string[];
  rateLimit: Required<RateLimitConfig> | false;
  timeouts: Required<TimeoutConfig>;
  maxRetries: number;
  maxRetryAfterMs: number;
  userAgent: string;
}

/**
 * Validates `config` and fills in defaults.
 *
 * @throws SeismicError `invalid_config` naming the bad field (never its value when it is secret).
 */
export function resolveConfig(config: SeismicConfig): ResolvedSeismicConfig {
  const required = ["tenant", "clientId", "clientSecret", "delegationUserId"] as const;
  for (const field of required) {
    if (typeof config[field] !== "string" || config[field].trim() === "") {
      throw invalid(`${field} is required`);
    }
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(config.tenant)) {
    throw invalid(
      `tenant "${config.tenant}" is not a tenant name: use the subdomain of https://{tenant}.seismic.com`,
    );
  }
  if (config.scimToken !== undefined && config.scimToken.trim() === "") {
    throw invalid("scimToken is empty: omit it to use the OAuth token for SCIM");
  }
  const scopes = config.scopes ?? DEFAULT_SCOPES;
  if (scopes.some((s) => !/^\S+$/.test(s))) {
    throw invalid("scopes must be non-empty strings without spaces");
  }
  const limit = config.rateLimit === false ? false : resolveRateLimit(config.rateLimit ?? {});
  return {
    tenant: config.tenant,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    delegationUserId: config.delegationUserId,
    apiUrl: parseBaseUrl("apiUrl", config.apiUrl ?? "https://api.seismic.com"),
    authUrl: parseBaseUrl("authUrl", config.authUrl ?? "https://auth.seismic.com"),
    scimToken: config.scimToken,
    scopes: [...scopes],
    rateLimit: limit,
    timeouts: {
      connectMs: positive("timeouts.connectMs", config.timeouts?.connectMs ?? 10_000),
      headersMs: positive("timeouts.headersMs", config.timeouts?.headersMs ?? 30_000),
      bodyMs: positive("timeouts.bodyMs", config.timeouts?.bodyMs ?? 60_000),
    },
    maxRetries: nonNegativeInt("maxRetries", config.maxRetries ?? 5),
    maxRetryAfterMs: positive("maxRetryAfterMs", config.maxRetryAfterMs ?? 120_000),
    userAgent: config.userAgent ?? "baton-seismic",
  };
}

function resolveRateLimit(partial: Partial<RateLimitConfig>): Required<RateLimitConfig> {
  const limit = positiveInt("rateLimit.limit", partial.limit ?? 600);
  return {
    limit,
    windowMs: positive("rateLimit.windowMs", partial.windowMs ?? 60_000),
  };
}

function parseBaseUrl(field: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`${field} "${value}" is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw invalid(`${field} must be an http(s) URL, got ${url.protocol}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw invalid(`${field} must not contain credentials, a query or a fragment`);
  }
  return url;
}

function positive(field: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw invalid(`${field} must be a positive number`);
  return value;
}

function positiveInt(field: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw invalid(`${field} must be a positive integer`);
  return value;
}

function nonNegativeInt(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw invalid(`${field} must be an integer >= 0`);
  return value;
}

function invalid(message: string): SeismicError {
  return new SeismicError("invalid_config", `Invalid Seismic configuration: ${message}`);
}
