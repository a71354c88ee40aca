import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { rateLimitedError } from "./errors.js";
import { retryDelay, withRetries } from "./retry.js";

const NOW = Date.parse("2030-01-01T00:00:00Z");
const at = (ms: number) => new Date(NOW + ms);

describe("retryDelay", () => {
  it("uses the fallback without a RateLimitDescription, capped at 60 s", () => {
    const err = new ConnectError("down", Code.Unavailable);
    expect(retryDelay(err, 5_000, NOW)).toBe(5_000);
    expect(retryDelay(err, 90_000, NOW)).toBe(60_000);
  });

  it("waits until the reset when nothing remains", () => {
    const err = rateLimitedError("429", { resetAt: at(12_345), remaining: 0, limit: 600 });
    expect(retryDelay(err, 1_000, NOW)).toBe(12_345);
  });

  it("spreads the window over what remains, rounded up to whole seconds", () => {
    const err = rateLimitedError("slow down", { resetAt: at(10_000), remaining: 4, limit: 600 });
    expect(retryDelay(err, 1_000, NOW)).toBe(3_000);
    const one = rateLimitedError("slow down", { resetAt: at(10_000), remaining: 1 });
    expect(retryDelay(one, 1_000, NOW)).toBe(10_000);
  });

  it("caps the rate-limit wait at 60 s and never goes negative", () => {
    const far = rateLimitedError("429", { resetAt: at(5 * 60_000), remaining: 0 });
    expect(retryDelay(far, 1_000, NOW)).toBe(60_000);
    const past = rateLimitedError("429", { resetAt: at(-5_000), remaining: 0 });
    expect(retryDelay(past, 1_000, NOW)).toBe(0);
    const pastRemaining = rateLimitedError("429", { resetAt: at(-5_000), remaining: 3 });
    expect(retryDelay(pastRemaining, 1_000, NOW)).toBe(0);
  });
});

describe("withRetries", () => {
  it("retries Unavailable after each wait in turn, then succeeds", async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetries(
      async () => {
        calls++;
        if (calls < 3) throw new ConnectError("down", Code.Unavailable);
        return "ok";
      },
      [15_000, 30_000, 45_000],
      async (ms) => {
        waits.push(ms);
      },
    );
    expect(result).toBe("ok");
    expect(waits).toEqual([15_000, 30_000]);
  });

  it("does not retry other codes, and gives up when the waits run out", async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    const denied = withRetries(
      async () => {
        throw new ConnectError("no", Code.PermissionDenied);
      },
      [1_000],
      sleep,
    );
    await expect(denied).rejects.toMatchObject({ code: Code.PermissionDenied });
    expect(waits).toEqual([]);

    const down = withRetries(
      async () => {
        throw new ConnectError("down", Code.DeadlineExceeded);
      },
      [1_000, 2_000],
      sleep,
    );
    await expect(down).rejects.toMatchObject({ code: Code.DeadlineExceeded });
    expect(waits).toEqual([1_000, 2_000]);
  });
});
