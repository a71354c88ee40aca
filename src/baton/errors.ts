/**
 * The one connector error of the Baton runtime: a Connect error carrying a gRPC code, a message
 * that says what to do, typed protobuf details and the cause. Everything the builder, server and
 * syncer report goes through these helpers, so codes and details are chosen in one place.
 */

import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  RateLimitDescription_Status,
  RateLimitDescriptionSchema,
} from "../gen/c1/connector/v2/annotation_ratelimit_pb.js";
import { ErrorInfoSchema } from "../gen/google/rpc/error_details_pb.js";

export { Code, ConnectError };

/** Upstream rate-limit state, as a connector learns it from the API it calls. */
export interface RateLimitInfo {
  limit?: number;
  remaining?: number;
  resetAt: Date;
}

/** Creates a connector error with a gRPC code and an optional cause (never shown to callers). */
export function connectorError(code: Code, message: string, cause?: unknown): ConnectError {
  return new ConnectError(message, code, undefined, undefined, cause);
}

/**
 * An `Unavailable` error whose `grpc-status-details-bin` carries a
 * `c1.connector.v2.RateLimitDescription`, so a Baton host waits until `resetAt` before retrying.
 */
export function rateLimitedError(
  message: string,
  info: RateLimitInfo,
  cause?: unknown,
): ConnectError {
  return new ConnectError(
    message,
    Code.Unavailable,
    undefined,
    [
      {
        desc: RateLimitDescriptionSchema,
        value: {
          status: RateLimitDescription_Status.OVERLIMIT,
          limit: BigInt(Math.max(0, Math.trunc(info.limit ?? 0))),
          remaining: BigInt(Math.max(0, Math.trunc(info.remaining ?? 0))),
          resetAt: timestampFromDate(info.resetAt),
        },
      },
    ],
    cause,
  );
}

/** `InvalidArgument` that names the offending field, e.g. `ListResourcesRequest.page_size`. */
export function invalidArgument(field: string, problem: string): ConnectError {
  return new ConnectError(`invalid ${field}: ${problem}`, Code.InvalidArgument);
}

/** What the Go server answers for provisioning RPCs when provisioning was not switched on. */
export function provisioningDisabled(): ConnectError {
  return new ConnectError(
    "provisioning is not enabled: start the connector with --provisioning",
    Code.FailedPrecondition,
  );
}

/**
 * An intentional refusal of a grant: `FailedPrecondition` with the `google.rpc.ErrorInfo` detail
 * the Baton SDK uses for cancelled grants, so platforms show the reason instead of retrying.
 */
export function grantCancelled(reason: string): ConnectError {
  return new ConnectError(reason, Code.FailedPrecondition, undefined, [
    {
      desc: ErrorInfoSchema,
      value: {
        reason: "grant_cancelled",
        domain: "github.com/conductorone/baton-sdk",
        metadata: { reason },
      },
    },
  ]);
}

/** Node system error codes that mean "try again later" rather than "this is wrong". */
const transientSystemCodes: Record<string, Code> = {
  ECONNRESET: Code.Unavailable,
  ECONNREFUSED: Code.Unavailable,
  EPIPE: Code.Unavailable,
  ENETUNREACH: Code.Unavailable,
  EHOSTUNREACH: Code.Unavailable,
  EAI_AGAIN: Code.DeadlineExceeded,
  ETIMEDOUT: Code.DeadlineExceeded,
};

/**
 * Turns anything thrown into a ConnectError: ConnectErrors pass through, Node system errors map to
 * Unavailable or DeadlineExceeded, and anything else becomes Internal (like the Go server's
 * recovery interceptor) with the original kept as the cause.
 */
export function toConnectorError(err: unknown): ConnectError {
  if (err instanceof ConnectError) return err;
  const sysCode = (err as { code?: unknown } | null)?.code;
  if (typeof sysCode === "string" && sysCode in transientSystemCodes) {
    return new ConnectError(
      `transient network failure (${sysCode})`,
      transientSystemCodes[sysCode],
      undefined,
      undefined,
      err,
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ConnectError(`internal error: ${message}`, Code.Internal, undefined, undefined, err);
}

/** Whether a Baton host retries this code (syncer: without limit; builder: bounded). */
export function isRetryable(code: Code): boolean {
  return code === Code.Unavailable || code === Code.DeadlineExceeded;
}

export { UsageError } from "./usage-error.js";
