import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limiter.js";
import { ManualClock } from "./test-support/fake-seismic.js";

function limiter(clock: ManualClock, limit = 5, windowMs = 1000, slowDownBelow = 0) {
  return new RateLimiter({ clock, limit, windowMs, slowDownBelow });
}

/** Starts `n` concurrent acquires and records the clock time at which each is admitted. */
async function admitAll(clock: ManualClock, rl: RateLimiter, n: number): Promise<number[]> {
  const times: number[] = [];
  const all = Promise.all(
    Array.from({ length: n }, () => rl.acquire().then(() => times.push(clock.now()))),
  );
  await clock.runAll();
  await all;
  return times;
}

describe("RateLimiter", () => {
  it("never admits more than the limit in any rolling window (concurrent callers)", async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const times = await admitAll(clock, limiter(clock), 23);
    expect(times).toHaveLength(23);
    for (let i = 0; i + 5 < times.length; i++) {
      expect((times[i + 5] ?? 0) - (times[i] ?? 0)).toBeGreaterThanOrEqual(1000);
    }
    // …and does not wait longer than needed: 23 calls at 5/s take 4 windows.
    expect((times.at(-1) ?? 0) - start).toBe(4000);
  });

  it("spaces calls over the window when the server reports few remaining", async () => {
    const clock = new ManualClock();
    const rl = limiter(clock, 600, 60_000, 60);
    rl.observe({ remaining: 20, used: 580 });
    expect(rl.spacingMs).toBe(3000);
    const times = await admitAll(clock, rl, 3);
    expect([(times[1] ?? 0) - (times[0] ?? 0), (times[2] ?? 0) - (times[1] ?? 0)]).toEqual([
      3000, 3000,
    ]);
    rl.observe({ remaining: 0, used: 600 });
    expect(rl.spacingMs).toBe(60_000);
    rl.observe({ remaining: 300, used: 300 });
    expect(rl.spacingMs).toBe(0);
    rl.observe({ remaining: undefined, used: undefined });
    expect(rl.spacingMs).toBe(0);
  });

  it("holds every caller until a pause ends", async () => {
    const clock = new ManualClock();
    const rl = limiter(clock, Number.POSITIVE_INFINITY);
    const start = clock.now();
    rl.pauseUntil(start + 5000);
    rl.pauseUntil(start + 1000); // never shortens a pause
    const times = await admitAll(clock, rl, 3);
    expect(times).toEqual([start + 5000, start + 5000, start + 5000]);
    expect(rl.waitedMs).toBeGreaterThanOrEqual(5000);
  });

  it("rejects a waiting caller whose signal aborts", async () => {
    const clock = new ManualClock();
    const rl = limiter(clock, 1);
    await rl.acquire();
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(rl.acquire(controller.signal)).rejects.toThrow("stop");
    // The queue keeps working for others.
    const next = rl.acquire();
    await clock.runAll();
    await next;
  });
});
