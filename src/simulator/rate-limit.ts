// Seismic's tier-3 rate limit: N calls per rolling window per tenant. Accepted calls
// are remembered by timestamp; a call over the limit is refused and not counted, so a client that
// waits the advertised time gets through. Other API clients of the tenant (another integration on
// the same budget) can be simulated: they spend a fixed number of calls per window,
// evenly spaced and already in steady state when the simulator starts.

export interface RateDecision {
  allowed: boolean;
  /** Calls used in the current window, including this one when allowed. */
  used: number;
  remaining: number;
  /** Whole seconds until the oldest call leaves the window (at least 1); meaningful when refused. */
  retryAfterSeconds: number;
}

/** Calls of other API clients: `perWindow` calls in every window, the first at `since`. */
export interface OtherClients {
  perWindow: number;
  since: number;
}

export class RollingWindowLimiter {
  private stamps: number[] = [];
  private head = 0;
  /** The time of the other clients' next call (they are replayed lazily, in time order). */
  private nextOther: number;
  private readonly otherSpacing: number;
  /** Calls the other clients were allowed. */
  otherCalls = 0;

  readonly limit: number;
  readonly windowMs: number;

  constructor(limit: number, windowMs: number, others?: OtherClients) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.otherSpacing = others && others.perWindow > 0 ? windowMs / others.perWindow : 0;
    // Steady state from the start: the window before `since` already holds their calls.
    this.nextOther = others
      ? others.since - windowMs + this.otherSpacing
      : Number.POSITIVE_INFINITY;
  }

  /** Lets the other clients make the calls they made up to `now` (refused ones are dropped). */
  private replayOthers(now: number): void {
    if (this.otherSpacing <= 0) return;
    while (this.nextOther <= now) {
      const at = this.nextOther;
      this.nextOther += this.otherSpacing;
      this.evict(at);
      if (this.stamps.length - this.head < this.limit) {
        this.stamps.push(at);
        this.otherCalls++;
      }
    }
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
    this.replayOthers(now);
    this.evict(now);
    return this.stamps.length - this.head;
  }

  take(now: number): RateDecision {
    const used = this.used(now);
    if (used >= this.limit) {
      // The oldest stamp leaves first; it may be another client's.
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
