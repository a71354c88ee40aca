// Seismic's tier-3 rate limit: N calls per rolling window per tenant. Accepted calls
// are remembered by timestamp; a call over the limit is refused and not counted, so a client that
// waits the advertised time gets through.

export interface RateDecision {
  allowed: boolean;
  /** Calls used in the current window, including this one when allowed. */
  used: number;
  remaining: number;
  /** Whole seconds until the oldest call leaves the window (at least 1); meaningful when refused. */
  retryAfterSeconds: number;
}

export class RollingWindowLimiter {
  private stamps: number[] = [];
  private head = 0;

  readonly limit: number;
  readonly windowMs: number;

  constructor(limit: number, windowMs: number) {
    this.limit = limit;
    this.windowMs = windowMs;
  }

  private evict(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.head < this.stamps.length && (this.stamps[this.head] as number) <= cutoff) {
      this.head++;
    }
    // Compact now and then instead of shifting on every call.
    if (this.head > 4096 && this.head * 2 > this.stamps.length) {
      this.stamps = this.stamps.slice(this.head);
      this.head = 0;
    }
  }

  /** Calls used in the window at `now`, without taking one. */
  used(now: number): number {
    this.evict(now);
    return this.stamps.length - this.head;
  }

  take(now: number): RateDecision {
    const used = this.used(now);
    if (used >= this.limit) {
      const oldest = this.stamps[this.head] as number;
      const wait = Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
      return { allowed: false, used, remaining: 0, retryAfterSeconds: wait };
    }
    this.stamps.push(now);
    return {
      allowed: true,
      used: used + 1,
      remaining: this.limit - used - 1,
      retryAfterSeconds: 0,
    };
  }
}
