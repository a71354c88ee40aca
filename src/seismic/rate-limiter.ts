// Client-side limiter that keeps the client under Seismic's rolling-window quota (600 calls per
// 60 s by default), slows down when the server says few calls remain, and holds every caller
// back after a 429 so concurrent requests do not all hit the limit again.
import type { Clock } from "./clock.js";

/** Limiter settings. */
export interface RateLimiterOptions {
  /** At most this many admissions in any rolling window. `Infinity` disables the cap. */
  limit: number;
  windowMs: number;
  /** Below this many remaining calls (server header), calls are spaced over the window. 0 disables. */
  slowDownBelow: number;
  clock: Clock;
}

/** What the server said about the window, from `X-Seismic-Remaining-Calls` / `-Total-Calls`. */
export interface ServerQuota {
  remaining: number | undefined;
  used: number | undefined;
}

/**
 * A sliding-log limiter. Callers are admitted one at a time, in order, so waits are computed
 * from a consistent view of the window.
 *
 * Rules, checked before each admission (the longest wait wins):
 * 1. fewer than `limit` admissions in the last `windowMs`;
 * 2. after `observe()` saw `remaining < slowDownBelow`: at least `windowMs / max(remaining, 1)`
 *    since the previous admission, spreading the remaining calls over the window;
 * 3. not before a time set by `pauseUntil()` (a 429's retry hint).
 */
export class RateLimiter {
  readonly #options: RateLimiterOptions;
  readonly #admitted: number[] = [];
  #tail: Promise<void> = Promise.resolve();
  #pausedUntil = 0;
  #spacingMs = 0;
  #lastAdmission = Number.NEGATIVE_INFINITY;
  #waitedMs = 0;

  constructor(options: RateLimiterOptions) {
    this.#options = options;
  }

  /**
   * Resolves when the caller may send one request.
   * @throws the signal's reason when `signal` aborts while waiting.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.#tail.then(() => this.#admit(signal));
    this.#tail = turn.catch(() => {});
    return turn;
  }

  /** Feeds the server's view of the window; adjusts the spacing of rule 2. */
  observe(quota: ServerQuota): void {
    const { remaining } = quota;
    if (remaining === undefined || this.#options.slowDownBelow <= 0) return;
    this.#spacingMs =
      remaining >= this.#options.slowDownBelow
        ? 0
        : this.#options.windowMs / Math.max(remaining, 1);
  }

  /** Holds every caller until `atMs` (clock time). Later calls only extend the pause. */
  pauseUntil(atMs: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, atMs);
  }

  /** Current spacing between calls imposed by rule 2, in ms (0 when not slowing down). */
  get spacingMs(): number {
    return this.#spacingMs;
  }

  /** Total time callers have waited in the limiter, in ms. */
  get waitedMs(): number {
    return this.#waitedMs;
  }

  async #admit(signal: AbortSignal | undefined): Promise<void> {
    const { clock, limit, windowMs } = this.#options;
    for (;;) {
      signal?.throwIfAborted();
      const now = clock.now();
      while (this.#admitted.length > 0 && (this.#admitted[0] ?? 0) <= now - windowMs) {
        this.#admitted.shift();
      }
      let wait = this.#pausedUntil - now;
      if (this.#admitted.length >= limit) {
        wait = Math.max(wait, (this.#admitted[0] ?? now) + windowMs - now);
      }
      wait = Math.max(wait, this.#lastAdmission + this.#spacingMs - now);
      if (wait <= 0) {
        if (Number.isFinite(limit)) this.#admitted.push(now);
        this.#lastAdmission = now;
        return;
      }
      this.#waitedMs += wait;
      await clock.sleep(wait, signal);
    }
  }
}
