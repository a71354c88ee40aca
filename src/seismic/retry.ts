// When and how long to wait before retrying a Seismic call. Pure functions: the request path and
// the token manager ask these rules, so the policy is written once.
//
// The rule for retrying:
// - 429: always retried (Seismic's limiter refuses the call before processing it), after the
//   `Retry-After` header, else the "Try again in N seconds" of the JSON message, else an
//   exponential backoff from 2 s capped at 60 s.
// - GET, PUT, DELETE (idempotent): retried on 500, 502, 503, 504, connection resets, socket
//   errors and timeouts, with exponential backoff from 500 ms capped at 30 s (+0-25% jitter), or
//   after the `Retry-After` of a 503. A retried DELETE may answer 404 when the first attempt
//   succeeded; the caller treats that as done.
// - POST, PATCH: retried only when the request surely was not processed: connection refused,
//   DNS unavailable or connect timeout (nothing was sent), 429, or 503 (refused before processing).
//   A 500/502/504, a reset or a timeout after sending is ambiguous: it is not retried, and the
//   caller reads the state back to settle it.
// - Each call retries at most `maxRetries` times (default 5) across all of these reasons.
import type { HttpMethod } from "./endpoints.js";

/** Statuses that are transient for idempotent methods. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);

/** Backoff parameters, in ms. */
export interface BackoffPolicy {
  /** First delay for 5xx and network errors. Default 500. */
  baseDelayMs: number;
  /** Cap for 5xx and network errors. Default 30 000. */
  maxDelayMs: number;
  /** First delay for a 429 without a hint. Default 2 000. */
  rateLimitBaseDelayMs: number;
  /** Cap for a 429 without a hint. Default 60 000. */
  rateLimitMaxDelayMs: number;
}

/** The defaults described in the module comment. */
export const DEFAULT_BACKOFF: BackoffPolicy = {
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  rateLimitBaseDelayMs: 2_000,
  rateLimitMaxDelayMs: 60_000,
};

/** True for methods whose repetition cannot double an effect. */
export function isIdempotent(method: HttpMethod): boolean {
  return method === "GET" || method === "PUT" || method === "DELETE";
}

/** Whether a response status is worth retrying for `method` (429 is handled separately). */
export function isRetryableStatus(status: number, method: HttpMethod): boolean {
  if (!RETRYABLE_STATUSES.has(status)) return false;
  return isIdempotent(method) || status === 503;
}

/**
 * Exponential backoff with a little jitter: min(cap, d · (1 + random/4)) where d = base·2^retry,
 * so the first delay is at least `baseMs` (2 s for a 429 means "from 2 s") and never above `capMs`.
 * @param retry 0 for the first retry.
 * @param random a source in [0, 1); injectable for deterministic tests.
 */
export function backoffDelay(
  retry: number,
  baseMs: number,
  capMs: number,
  random: () => number,
): number {
  const delay = baseMs * 2 ** Math.min(retry, 30);
  return Math.round(Math.min(capMs, delay * (1 + random() / 4)));
}

/** Parses `Retry-After` (delta seconds or an HTTP date) into ms from `nowMs`; undefined if absent or bad. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Finds "Try again in N seconds" in a 429 body (JSON `message` or raw text) and returns ms. */
export function parseTryAgainIn(body: string): number | undefined {
  const match = /try again in (\d+(?:\.\d+)?)\s*(?:seconds?|secs?|s)\b/i.exec(body);
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

/** Node and undici error codes after which a request may succeed when sent again. */
const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** Codes that mean no byte of the request reached the server. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** How a thrown network error should be treated. */
export interface NetworkFailure {
  /** The Node/undici error code, e.g. `ECONNRESET`, or `UNKNOWN`. */
  code: string;
  /** Sending again may succeed. */
  transient: boolean;
  /** The request surely never reached the server, so even POST/PATCH may be re-sent. */
  notSent: boolean;
  /** A timeout (connect, headers or body). */
  timeout: boolean;
}

/** Classifies an error thrown by undici; looks through `cause` and AggregateError members. */
export function classifyNetworkError(error: unknown): NetworkFailure {
  const code = findCode(error) ?? "UNKNOWN";
  return {
    code,
    transient: TRANSIENT_NETWORK_CODES.has(code),
    notSent: NOT_SENT_CODES.has(code),
    timeout: code === "ETIMEDOUT" || code.endsWith("_TIMEOUT"),
  };
}

function findCode(error: unknown, depth = 0): string | undefined {
  if (depth > 4 || error === null || typeof error !== "object") return undefined;
  const record = error as { code?: unknown; cause?: unknown; errors?: unknown };
  // undici wraps a reset socket as UND_ERR_SOCKET; the precise code is on its cause.
  if (typeof record.code === "string" && record.code !== "UND_ERR_SOCKET") return record.code;
  const inner =
    findCode(record.cause, depth + 1) ??
    (Array.isArray(record.errors) ? findCode(record.errors[0], depth + 1) : undefined);
  return inner ?? (typeof record.code === "string" ? record.code : undefined);
}
