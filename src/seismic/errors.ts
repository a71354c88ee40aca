// The one error type of the Seismic client. Every failure, from a rejected client secret to a
// malformed page of users, surfaces as a SeismicError with a stable `code` that callers switch
// on, and a message that says what happened and what to do. Messages never carry secrets.

/** Stable, machine-readable failure kinds. */
export type SeismicErrorCode =
  /** The client configuration is invalid (missing tenant, bad URL, …). */
  | "invalid_config"
  /** A caller passed an argument the API cannot accept (empty id, PATCH without a path, …). */
  | "invalid_argument"
  /** Token endpoint: the client id or secret was rejected (OAuth `invalid_client`). */
  | "invalid_client"
  /** Token endpoint: the delegation user is unknown, locked or not consented (`invalid_grant`). */
  | "invalid_grant"
  /** Token endpoint: a requested scope is not registered for the app (`invalid_scope`). */
  | "invalid_scope"
  /** Token endpoint: the tenant does not exist (404). */
  | "unknown_tenant"
  /** Token endpoint: any other refusal to issue a token. */
  | "token_rejected"
  /** 401 from the API, after one re-mint of the OAuth token (or with the static SCIM token). */
  | "unauthenticated"
  /** 403: the token lacks a scope or the delegated user lacks a permission. */
  | "permission_denied"
  /** 404: the resource (or route) does not exist. */
  | "not_found"
  /** 409: the resource already exists or changed concurrently. */
  | "conflict"
  /** 429 after the retry budget, or a server-requested wait longer than we accept. */
  | "rate_limited"
  /** 400 and other 4xx the caller must fix. */
  | "bad_request"
  /** 405/501: the endpoint is not available on this tenant or API version. */
  | "unsupported"
  /** 5xx after the retry budget (or at once for POST/PATCH, which are not blindly retried). */
  | "server_error"
  /** Connection refused or reset, DNS failure, socket error or timeout. */
  | "network"
  /** The call was aborted by the caller's AbortSignal. */
  | "aborted"
  /** A 2xx response whose body is not the JSON shape Seismic documents. */
  | "invalid_response"
  /** A paged listing whose pages do not add up (see listing-integrity.ts), also when read twice. */
  | "inconsistent_listing";

/** Which credential authenticated the failed call, so errors never leave that ambiguous. */
export type SeismicCredential =
  /** The OAuth delegation access token minted from the client id and secret. */
  | "oauth_token"
  /** The static SCIM bearer token from configuration. */
  | "scim_token"
  /** The client id and secret, sent to the token endpoint. */
  | "client_credentials";

/** Rate-limit state reported by Seismic's headers (`X-Seismic-Remaining-Calls`, …) when known. */
export interface RateLimitInfo {
  /** Calls allowed per window: remaining + used when both headers are present. */
  limit?: number;
  /** Calls left in the current rolling window. */
  remaining?: number;
  /** When calls are expected to be accepted again (from a 429's retry hint). */
  resetAt?: Date;
}

/** Optional facts attached to a {@link SeismicError}. */
export interface SeismicErrorDetails {
  status?: number;
  /** Method and path template, e.g. `GET /scim/v2/Users/{userId}`; never a query string. */
  endpoint?: string;
  credential?: SeismicCredential;
  /** The scope the call needs (403) or that was refused (`invalid_scope`). */
  scope?: string;
  retryAfterMs?: number;
  rateLimit?: RateLimitInfo;
  /** RFC 7644 `scimType` from a SCIM error body. */
  scimType?: string;
  /** Server-provided detail (SCIM `detail`, OAuth `error_description`, or truncated raw text). */
  detail?: string;
  /** OAuth `error` value from the token endpoint. */
  oauthError?: string;
  /** The client-generated id of the request, as logged. */
  requestId?: string;
  /** Whether retrying later may succeed (429, 5xx, network). */
  retryable?: boolean;
  /** The underlying error (network errors only). Not serialised by `toJSON`. */
  cause?: unknown;
}

/**
 * A failed Seismic call. Switch on {@link SeismicError.code}; show {@link SeismicError.message}
 * to people. `toJSON()` returns only the documented fields (no `cause`), so the error can be
 * logged as structured data.
 */
export class SeismicError extends Error {
  override readonly name = "SeismicError";
  readonly code: SeismicErrorCode;
  readonly status: number | undefined;
  readonly endpoint: string | undefined;
  readonly credential: SeismicCredential | undefined;
  readonly scope: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly rateLimit: RateLimitInfo | undefined;
  readonly scimType: string | undefined;
  readonly detail: string | undefined;
  readonly oauthError: string | undefined;
  readonly requestId: string | undefined;
  readonly retryable: boolean;

  constructor(code: SeismicErrorCode, message: string, details: SeismicErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.endpoint = details.endpoint;
    this.credential = details.credential;
    this.scope = details.scope;
    this.retryAfterMs = details.retryAfterMs;
    this.rateLimit = details.rateLimit;
    this.scimType = details.scimType;
    this.detail = details.detail;
    this.oauthError = details.oauthError;
    this.requestId = details.requestId;
    this.retryable = details.retryable ?? false;
  }

  /** True when `error` is a SeismicError, optionally with one of the given codes. */
  static is(error: unknown, ...codes: SeismicErrorCode[]): error is SeismicError {
    return error instanceof SeismicError && (codes.length === 0 || codes.includes(error.code));
  }

  /** The documented fields, for structured logs. Excludes `cause` and the stack. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      status: this.status,
      endpoint: this.endpoint,
      credential: this.credential,
      scope: this.scope,
      retryAfterMs: this.retryAfterMs,
      rateLimit: this.rateLimit,
      scimType: this.scimType,
      detail: this.detail,
      oauthError: this.oauthError,
      requestId: this.requestId,
      retryable: this.retryable,
    };
  }
}

/** Describes a credential in words, for messages. */
export function describeCredential(credential: SeismicCredential): string {
  switch (credential) {
    case "oauth_token":
      return "the OAuth delegation token";
    case "scim_token":
      return "the static SCIM token";
    case "client_credentials":
      return "the client id and secret";
  }
}
