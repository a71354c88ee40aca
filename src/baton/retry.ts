/**
 * Bounded retries of a connector's own function on Unavailable/DeadlineExceeded, as the Go builder
 * does around Validate (5 tries, waits 1..5 s) and Grant/Revoke (3 retries, waits 15/30/45 s).
 * A RateLimitDescription in the error's details overrides the wait (capped at 60 s).
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { ConnectError } from "@connectrpc/connect";
import { RateLimitDescriptionSchema } from "../gen/c1/connector/v2/annotation_ratelimit_pb.js";
import { isRetryable, toConnectorError } from "./errors.js";

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Sleeps, waking early (with the abort reason) when the signal aborts. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

const MAX_WAIT_MS = 60_000;

/**
 * How long to wait before retrying after `err`: the RateLimitDescription's advice when present
 * (until reset when nothing remains, else the window spread over what remains), else `fallbackMs`.
 */
export function retryDelay(err: ConnectError, fallbackMs: number, now = Date.now()): number {
  const desc = err.findDetails(RateLimitDescriptionSchema)[0];
  let wait = fallbackMs;
  if (desc?.resetAt) {
    const untilReset = timestampDate(desc.resetAt).getTime() - now;
    const remaining = Number(desc.remaining);
    wait = remaining <= 0 ? untilReset : Math.ceil(untilReset / remaining / 1000) * 1000;
    wait = Math.max(wait, 0);
  }
  return Math.min(wait, MAX_WAIT_MS);
}

/** Runs `fn`, retrying retryable failures after each of `waitsMs` in turn. */
export async function withRetries<T>(
  fn: () => Promise<T>,
  waitsMs: readonly number[],
  sleep: Sleep,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const err = toConnectorError(e);
      if (!isRetryable(err.code) || attempt >= waitsMs.length) throw err;
      await sleep(retryDelay(err, waitsMs[attempt] ?? 0), signal);
    }
  }
}
