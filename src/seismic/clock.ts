// Time source for the Seismic client: the limiter, token cache and retry backoff read time and
// sleep through this interface so tests can run them on a virtual clock instead of waiting.
import { setTimeout as delay } from "node:timers/promises";

/** Reads the current time and waits. Inject a fake in tests; production uses {@link systemClock}. */
export interface Clock {
  /** Milliseconds since the epoch, like `Date.now()`. */
  now(): number;
  /** Resolves after `ms` milliseconds; rejects with the signal's reason if it is aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The wall clock: `Date.now()` and a timer-based sleep. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    ms <= 0 ? Promise.resolve() : delay(ms, undefined, signal ? { signal } : undefined),
};
