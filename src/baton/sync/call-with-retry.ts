/**
 * How the syncer calls a connector: Unavailable and DeadlineExceeded are retried without limit,
 * with linear backoff (attempt × 1 s, capped at 60 s) or the wait a RateLimitDescription in the
 * status details asks for, like the Go syncer. Every other error stops the sync, named after the
 * call and the resource it was for.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { isRetryable } from "../errors.js";
import { retryDelay, type Sleep } from "../retry.js";

/** Reported on each retry, for logs and progress. */
export type RetryListener = (info: {
  call: string;
  target: string;
  attempt: number;
  waitMs: number;
  error: ConnectError;
}) => void;

/** A failed connector call, naming the call and the resource. */
export class SyncCallError extends Error {
  constructor(
    readonly call: string,
    readonly target: string,
    override readonly cause: ConnectError,
  ) {
    super(
      `${call}${target ? ` for ${target}` : ""} failed: ${Code[cause.code]}: ${cause.rawMessage}`,
    );
    this.name = "SyncCallError";
  }
  /** The gRPC code of the underlying failure. */
  get code(): Code {
    return this.cause.code;
  }
}

export interface RetryPolicy {
  sleep: Sleep;
  signal?: AbortSignal;
  onRetry?: RetryListener;
  /** Cap on attempts (0 = unlimited, as in the Go syncer). */
  maxAttempts?: number;
}

/** Calls `fn`, retrying transient failures; throws {@link SyncCallError} otherwise. */
export async function callWithRetry<T>(
  call: string,
  target: string,
  fn: () => Promise<T>,
  policy: RetryPolicy,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const err = ConnectError.from(e);
      const limit = policy.maxAttempts ?? 0;
      if (!isRetryable(err.code) || (limit > 0 && attempt >= limit) || policy.signal?.aborted) {
        throw new SyncCallError(call, target, err);
      }
      const waitMs = retryDelay(err, Math.min(attempt * 1000, 60_000));
      policy.onRetry?.({ call, target, attempt, waitMs, error: err });
      await policy.sleep(waitMs, policy.signal);
    }
  }
}
