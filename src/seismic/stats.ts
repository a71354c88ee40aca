// Counters of what the client did, for logs, benchmarks, metrics and tests ("no more API calls
// than the retries need"), including how long the rate limiter held calls back.

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
  /** Total time calls were held back by the client-side rate limiter (or a 429's pause), ms. */
  throttledMs: number;
  /** While calls are held back: until when (ms since the epoch); absent otherwise. */
  throttledUntil?: number;
  /** Other API clients' calls in Seismic's current window, as last measured from its headers. */
  externalCalls: number;
}

/** What the snapshot reads from the rate limiter. */
export interface LimiterReadings {
  readonly waitedMs: number;
  readonly waitingUntil: number | undefined;
  readonly externalCalls: number;
}

/** Mutable counters shared by the token manager and the request path. */
export class StatsCounter {
  calls = 0;
  retries = 0;
  rateLimited = 0;
  tokenRequests = 0;
  tokensMinted = 0;
  reauthentications = 0;

  /** Copies the counters, with the limiter's readings. */
  snapshot(limiter: LimiterReadings): SeismicStats {
    const until = limiter.waitingUntil;
    return {
      calls: this.calls,
      retries: this.retries,
      rateLimited: this.rateLimited,
      tokenRequests: this.tokenRequests,
      tokensMinted: this.tokensMinted,
      reauthentications: this.reauthentications,
      throttledMs: limiter.waitedMs,
      ...(until === undefined ? {} : { throttledUntil: until }),
      externalCalls: limiter.externalCalls,
    };
  }
}
