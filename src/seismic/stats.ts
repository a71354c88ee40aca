// Counters of what the client did, for logs, benchmarks and tests ("no more API calls than the
// retries need").

/** A snapshot of the client's counters since it was created. */
export interface SeismicStats {
  /** API requests sent (every attempt, including retries; token requests excluded). */
  calls: number;
  /** Attempts that were retries (429, 5xx, network), excluding 401 re-authentications. */
  retries: number;
  /** 429 responses received. */
  rateLimited: number;
  /** Token requests sent to the auth server (every attempt). */
  tokenRequests: number;
  /** Tokens minted successfully. */
  tokensMinted: number;
  /** Calls re-sent once with a fresh token after a 401. */
  reauthentications: number;
  /** Total time spent waiting in the client-side rate limiter, ms. */
  throttledMs: number;
}

/** Mutable counters shared by the token manager and the request path. */
export class StatsCounter {
  calls = 0;
  retries = 0;
  rateLimited = 0;
  tokenRequests = 0;
  tokensMinted = 0;
  reauthentications = 0;

  /** Copies the counters; `throttledMs` is supplied by the limiter. */
  snapshot(throttledMs: number): SeismicStats {
    return {
      calls: this.calls,
      retries: this.retries,
      rateLimited: this.rateLimited,
      tokenRequests: this.tokenRequests,
      tokensMinted: this.tokensMinted,
      reauthentications: this.reauthentications,
      throttledMs,
    };
  }
}
