// SeismicError → ConnectError: each client failure gets the gRPC code hosts act on, the message
// passes through, and a 429 carries a RateLimitDescription with the reset time.
import { ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { Code } from "../baton/errors.js";
import { RateLimitDescriptionSchema } from "../gen/c1/connector/v2/annotation_ratelimit_pb.js";
import { SeismicError, type SeismicErrorCode } from "../seismic/index.js";
import { toConnectError } from "./errors.js";

const cases: [SeismicErrorCode, Code, boolean?][] = [
  ["invalid_client", Code.Unauthenticated],
  ["invalid_grant", Code.Unauthenticated],
  ["unknown_tenant", Code.Unauthenticated],
  ["token_rejected", Code.Unauthenticated],
  ["unauthenticated", Code.Unauthenticated],
  ["invalid_scope", Code.PermissionDenied],
  ["permission_denied", Code.PermissionDenied],
  ["not_found", Code.NotFound],
  ["conflict", Code.AlreadyExists],
  ["server_error", Code.Unavailable],
  ["network", Code.Unavailable, true],
  ["network", Code.FailedPrecondition, false],
  ["aborted", Code.Canceled],
  ["invalid_response", Code.Unknown],
  ["bad_request", Code.InvalidArgument],
  ["unsupported", Code.Unimplemented],
];

describe("toConnectError", () => {
  it.each(cases)("maps %s to code %s", (code, expected, retryable) => {
    const e = toConnectError(
      new SeismicError(code, `message for ${code}`, {
        endpoint: "GET /scim/v2/Users",
        retryable: retryable ?? false,
      }),
    );
    expect(e).toBeInstanceOf(ConnectError);
    expect(e).toMatchObject({ code: expected, rawMessage: `message for ${code}` });
  });

  it("turns a 429 into Unavailable with the reset time", () => {
    const resetAt = new Date(Date.now() + 47_000);
    const e = toConnectError(
      new SeismicError("rate_limited", "slow down", {
        retryAfterMs: 47_000,
        rateLimit: { limit: 600, remaining: 0, resetAt },
      }),
    ) as ConnectError;
    expect(e.code).toBe(Code.Unavailable);
    const detail = e.findDetails(RateLimitDescriptionSchema)[0];
    expect(detail?.limit).toBe(600n);
    expect(Number(detail?.resetAt?.seconds)).toBe(Math.floor(resetAt.getTime() / 1000));
  });

  it("uses retryAfterMs when Seismic sent no reset time", () => {
    const e = toConnectError(
      new SeismicError("rate_limited", "slow down", { retryAfterMs: 5_000 }),
    ) as ConnectError;
    const at = Number(e.findDetails(RateLimitDescriptionSchema)[0]?.resetAt?.seconds) * 1000;
    expect(at).toBeGreaterThan(Date.now());
    expect(at).toBeLessThan(Date.now() + 10_000);
  });

  it("leaves other errors alone", () => {
    const plain = new Error("x");
    expect(toConnectError(plain)).toBe(plain);
  });
});
