// Client-side limiter that spends Seismic's rolling-window quota (600 calls per 60 s by default)
// exactly: it admits calls at once while the window has room, then each further call the moment
// one of ours leaves the window. The server's `X-Seismic-Remaining-Calls` corrects the count when
// other API clients of the tenant spend the same budget, and a 429's retry hint holds every
// caller back, so concurrent requests do not all hit the limit again.
import type { Clock } from "./clock.js";

/** Limiter settings. */
export interface RateLimiterOptions {
  /** At most this many admissions in any rolling window. `Infinity` disables the cap. */
  limit: number;
  windowMs: number;
  /**
   * How much longer than the window one of our calls keeps its slot. Seismic counts a call when
   * it arrives, we when we send it; a later call that travels faster than the one whose slot it
   * takes would otherwise land a few ms early and be refused.
   */
  marginMs: number;
  clock: Clock;
}

/** What the server said about the window, from `X-Seismic-Remaining-Calls` / `-Total-Calls`. */
export interface ServerQuota {
  remaining: number | undefined;
  used: number | undefined;
}

/** One admission: when it happened and how many of our calls the window held with it. */
export interface Admission {
  readonly at: number;
  readonly ours: number;
}

/** Other clients' calls in the window, as measured from the server's count at `at`. */
interface External {
  count: number;
  at: number;
}

/**
 * A sliding-log limiter. Callers are admitted one at a time, in order, so waits are computed
 * from a consistent view of the window.
 *
 * Rules, checked before each admission (the longest wait wins):
 * 1. our calls in the last `windowMs + marginMs`, plus the other clients' calls the server
 *    reported, stay under the limit (the lower of ours and the server's `remaining + used`);
 *    when other clients are seen, a reserve of 1 % is kept for their calls made since;
 * 2. not before a time set by `pauseUntil()` (a 429's retry hint).
 *
 * The server's count is used only to see calls that are not ours: `used − ours` at the moment a
 * call was admitted. Our own log is exact for our calls, so without other clients the window is
 * spent to the last call and nothing waits for the server to say so.
 */
export class RateLimiter {
  readonly #o: RateLimiterOptions;
  /** Admission times of our calls still in the window, oldest first, from `#head`. */
  #admitted: number[] = [];
  #head = 0;
  #tail: Promise<void> = Promise.resolve();
  #pausedUntil = 0;
  #serverLimit: number | undefined;
  #external: External | undefined;
  #waitedMs = 0;
  #waitingUntil: number | undefined;

  constructor(options: RateLimiterOptions) {
    this.#o = options;
  }

  /**
   * Resolves when the caller may send one request, with the admission to pass to
   * {@link observe} when the answer arrives.
   * @throws the signal's reason when `signal` aborts while waiting.
   */
  acquire(signal?: AbortSignal): Promise<Admission> {
    const turn = this.#tail.then(() => this.#admit(signal));
    this.#tail = turn.then(
      () => {},
      () => {},
    );
    return turn;
  }

  /**
   * Feeds the server's view of the window after the call admitted as `admission`: calls in the
   * server's count that are not ours are other clients' (another integration on the tenant).
   */
  observe(quota: ServerQuota, admission: Admission): void {
    const { remaining, used } = quota;
    if (remaining !== undefined && used !== undefined) this.#serverLimit = remaining + used;
    const limit = this.#serverLimit ?? this.#o.limit;
    const counted = used ?? (remaining === undefined ? undefined : limit - remaining);
    if (counted === undefined || !Number.isFinite(this.#o.limit)) return;
    // Answers may arrive out of order: the latest admission measured wins.
    if (this.#external && this.#external.at > admission.at) return;
    this.#external = { count: Math.max(0, counted - admission.ours), at: admission.at };
  }

  /** Holds every caller until `atMs` (clock time). Later calls only extend the pause. */
  pauseUntil(atMs: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, atMs);
  }

  /** Total time callers have been held back (the first caller in line's waits), in ms. */
  get waitedMs(): number {
    return this.#waitedMs;
  }

  /** While a caller is held back: the clock time it waits until; otherwise undefined. */
  get waitingUntil(): number | undefined {
    return this.#waitingUntil;
  }

  /** Other clients' calls in the window, as last measured (0 when none were seen). */
  get externalCalls(): number {
    return this.#externalAt(this.#o.clock.now());
  }

  #externalAt(now: number): number {
    const e = this.#external;
    // Calls measured two windows ago have surely left the window.
    return e && now < e.at + 2 * this.#o.windowMs ? e.count : 0;
  }

  async #admit(signal: AbortSignal | undefined): Promise<Admission> {
    const { clock, windowMs, marginMs } = this.#o;
    try {
      for (;;) {
        signal?.throwIfAborted();
        const now = clock.now();
        this.#evict(now - windowMs - marginMs);
        let wait = this.#pausedUntil - now;
        const held = this.#admitted.length - this.#head;
        const cap = this.#cap(now);
        if (held >= cap) {
          // The oldest call whose departure brings us under the cap; with no room at all (other
          // clients hold the whole window), until their measured calls have surely left it.
          const oldest =
            cap >= 1
              ? (this.#admitted[this.#head + held - cap] as number) + windowMs + marginMs
              : (this.#external?.at ?? now) + 2 * windowMs;
          wait = Math.max(wait, oldest - now);
        }
        if (wait <= 0) {
          if (!Number.isFinite(this.#o.limit)) return { at: now, ours: 1 };
          this.#admitted.push(now);
          // What the server would count of ours now: its window has no margin.
          return { at: now, ours: this.#admitted.length - this.#firstAfter(now - windowMs) };
        }
        this.#waitingUntil = now + wait;
        const started = clock.now();
        try {
          await clock.sleep(wait, signal);
        } finally {
          this.#waitedMs += clock.now() - started;
        }
      }
    } finally {
      this.#waitingUntil = undefined;
    }
  }

  /** How many of our calls the window may hold now. */
  #cap(now: number): number {
    const limit = Math.min(this.#o.limit, this.#serverLimit ?? Number.POSITIVE_INFINITY);
    const external = this.#externalAt(now);
    if (external === 0) return limit;
    return limit - external - Math.max(1, Math.ceil(limit / 100));
  }

  /** Index of our first admission after `time` (binary search; admissions are in time order). */
  #firstAfter(time: number): number {
    let lo = this.#head;
    let hi = this.#admitted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#admitted[mid] as number) <= time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #evict(cutoff: number): void {
    while (this.#head < this.#admitted.length && (this.#admitted[this.#head] as number) <= cutoff) {
      this.#head++;
    }
    // Compact now and then instead of shifting on every call.
    if (this.#head > 1024 && this.#head * 2 > this.#admitted.length) {
      this.#admitted = this.#admitted.slice(this.#head);
      this.#head = 0;
    }
  }
}
