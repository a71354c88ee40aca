// Fail fast on a wrong address. Until a host has answered once, a network failure far more likely
// means the configured URL is wrong than that Seismic is having a moment, and five backed-off
// retries (then the host's own retries of Validate) turned a typo into minutes of waiting. So,
// per origin, until its first HTTP answer:
// - nothing there (connection refused, DNS failure, host or network unreachable, connect
//   timeout): no retry at all;
// - connected but silent (headers or body timeout): one more attempt, so the call ends within
//   two request timeouts;
// - anything else (a reset after connecting: something is listening): the normal retries.
// Once the origin has answered, every failure gets the configured retries, as before.
import type { NetworkFailure } from "./retry.js";

/** Codes that mean no server was reached at the address. */
const NOTHING_THERE: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** How a network failure relates to the address having ever worked. */
export interface FirstContactVerdict {
  /** Retries still worth making for this failure. */
  maxRetries: number;
  /** True when the origin never answered: the message should name the URL flag. */
  neverAnswered: boolean;
}

/** Remembers which origins have answered at least once (for the life of one client). */
export class FirstContact {
  readonly #answered = new Set<string>();

  /** Records an HTTP answer (any status) from `origin`. */
  answered(origin: string): void {
    this.#answered.add(origin);
  }

  /** Whether `origin` has answered before. */
  hasAnswered(origin: string): boolean {
    return this.#answered.has(origin);
  }

  /** The retries a failure at `origin` may have, given the configured `maxRetries`. */
  verdict(origin: string, failure: NetworkFailure, maxRetries: number): FirstContactVerdict {
    if (this.#answered.has(origin)) return { maxRetries, neverAnswered: false };
    if (NOTHING_THERE.has(failure.code)) return { maxRetries: 0, neverAnswered: true };
    if (failure.timeout) return { maxRetries: Math.min(1, maxRetries), neverAnswered: true };
    return { maxRetries, neverAnswered: true };
  }
}
