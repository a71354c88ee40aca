// What the client lets its owner watch, without knowing who watches (metrics, tests): each API
// attempt with its status and duration, each scheduled retry, and each token request. Observers
// are called synchronously on the request path; one that throws is ignored, never the request.
import type { HttpMethod } from "./endpoints.js";

/** One HTTP attempt on the API origin. */
export interface ApiAttemptEvent {
  /** `METHOD /path/{template}`, as errors and logs name it. */
  readonly endpoint: string;
  readonly method: HttpMethod;
  /** The HTTP status, or "network" when no response came (reset, refused, timeout). */
  readonly status: number | "network";
  readonly durationMs: number;
}

/** A retry the client scheduled. */
export interface ApiRetryEvent {
  readonly endpoint: string;
  /** `429`, `HTTP 503`, or a network error code such as `ECONNRESET`. */
  readonly reason: string;
  readonly delayMs: number;
}

/** One request to the token endpoint. */
export interface TokenRequestEvent {
  readonly outcome: "minted" | "failed";
  readonly status: number | "network";
}

export interface SeismicObserver {
  apiAttempt?(event: ApiAttemptEvent): void;
  apiRetry?(event: ApiRetryEvent): void;
  tokenRequest?(event: TokenRequestEvent): void;
}

/** Calls one observer method, shielding the request path from its failures. */
export function notify<K extends keyof SeismicObserver>(
  observer: SeismicObserver | undefined,
  method: K,
  event: Parameters<NonNullable<SeismicObserver[K]>>[0],
): void {
  const fn = observer?.[method] as ((e: typeof event) => void) | undefined;
  if (!fn) return;
  try {
    fn.call(observer, event);
  } catch {
    // An observer's bug must not fail a Seismic call.
  }
}
