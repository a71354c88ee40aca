import { describe, expect, it } from "vitest";
import { type Admission, RateLimiter } from "./rate-limiter.js";
import { ManualClock } from "./test-support/fake-seismic.js";

function limiter(clock: ManualClock, limit = 5, windowMs = 1000, marginMs = 0) {
  return new RateLimiter({ clock, limit, windowMs, marginMs });
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
  it("bursts the whole window at once, then admits each call as one leaves the window", async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const times = (await admitAll(clock, limiter(clock), 23)).map((t) => t - start);
    expect(times).toEqual([
      ...[0, 0, 0, 0, 0],
      ...[1000, 1000, 1000, 1000, 1000],
      ...[2000, 2000, 2000, 2000, 2000],
      ...[3000, 3000, 3000, 3000, 3000],
      ...[4000, 4000, 4000],
    ]);
  });

  it("replaces each call exactly when it leaves the window (plus the margin), keeping the window full", async () => {
    const clock = new ManualClock();
    const rl = limiter(clock, 3, 1000, 50);
    const start = clock.now();
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      await rl.acquire();
      times.push(clock.now() - start);
      clock.time += 100;
    }
    const rest = admitAll(clock, rl, 4);
    expect((await rest).map((t) => t - start)).toEqual([1050, 1150, 1250, 2100]);
    expect(times).toEqual([0, 100, 200]);
    // Waited from 300 to 1050, 1150 and 1250 (one caller in line at a time), then to 2100 (the call admitted at 1050 must leave).
    expect(rl.waitedMs).toBe(750 + 100 + 100 + 850);
  });

  it("says until when it holds callers back, while it does", async () => {
    const clock = new ManualClock();
    const rl = limiter(clock, 1, 1000);
    await rl.acquire();
    expect(rl.waitingUntil).toBeUndefined();
    const next = rl.acquire();
    await new Promise((r) => setImmediate(r));
    expect(rl.waitingUntil).toBe(clock.now() + 1000);
    await clock.runAll();
    await next;
    expect(rl.waitingUntil).toBeUndefined();
    expect(rl.waitedMs).toBe(1000);
  });

  it("leaves room for other clients the server counts, with a reserve, and takes it back when they stop", async () => {
    const clock = new ManualClock();
    const rl = limiter(clock, 600, 60_000);
    const first: Admission = await rl.acquire();
    expect(first.ours).toBe(1);
    // The server counted 201 calls with ours: 200 are another client's.
    rl.observe({ remaining: 399, used: 201 }, first);
    expect(rl.externalCalls).toBe(200);
    const start = clock.now();
    // 600 − 200 − a reserve of 6 = 394 of ours in the window; the 394th waits for the first to leave.
    const times = await admitAll(clock, rl, 394);
    expect(times.filter((t) => t === start)).toHaveLength(393);
    expect(times.at(-1)).toBe(start + 60_000);
    // The other client stopped: the next answer shows only our calls.
    const last = await rl.acquire();
    rl.observe({ remaining: 600 - last.ours, used: last.ours }, last);
    expect(rl.externalCalls).toBe(0);
    expect(await admitAll(clock, rl, 205)).toEqual(Array(205).fill(clock.now()));
  });

  it("ignores an older admission's answer that arrives after a newer one", async () => {
    const clock = new ManualClock();
    const rl = limiter(clock, 600, 60_000);
    const a = await rl.acquire();
    clock.time += 10;
    const b = await rl.acquire();
    rl.observe({ remaining: 598, used: 2 }, b);
    rl.observe({ remaining: 400, used: 200 }, a);
    expect(rl.externalCalls).toBe(0);
  });

  it("uses the server's own limit when it is lower than the configured one", async () => {
    const clock = new ManualClock();
    const rl = limiter(clock, 600, 60_000);
    const a = await rl.acquire();
    rl.observe({ remaining: 2, used: 1 }, a);
    const start = clock.now();
    expect((await admitAll(clock, rl, 3)).map((t) => t - start)).toEqual([0, 0, 60_000]);
  });

  it("holds every caller until a pause ends", async () => {
    const clock = new ManualClock();
    const rl = limiter(clock, Number.POSITIVE_INFINITY);
    const start = clock.now();
    rl.pauseUntil(start + 5000);
    rl.pauseUntil(start + 1000); // never shortens a pause
    const times = await admitAll(clock, rl, 3);
    expect(times).toEqual([start + 5000, start + 5000, start + 5000]);
    expect(rl.waitedMs).toBe(5000);
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
