import { describe, expect, it } from "vitest";
import { type Admission, RateLimiter } from "./rate-limiter.js";
import { ManualClock } from "./test-support/fake-seismic.js";

function limiter(clock: ManualClock, limit = 5, windowMs = 1000) {
  return new RateLimiter({ clock, limit, windowMs, prefetchReserve: 0 });
}

/**
 * Starts `n` concurrent acquires, answers each at once, and records the clock time at which each
 * is admitted.
 */
async function admitAll(clock: ManualClock, rl: RateLimiter, n: number): Promise<number[]> {
  const times: number[] = [];
  const all = Promise.all(
    Array.from({ length: n }, () =>
      rl.acquire().then((a) => {
        times.push(clock.now());
        rl.settle(a);
      }),
    ),
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

  it("frees a slot one window after the call's answer, so a call Seismic counted late never lands early", async () => {
    const clock = new ManualClock();
    const rl = limiter(clock, 2, 1000);
    const start = clock.now();
    const a = await rl.acquire();
    const b = await rl.acquire();
    clock.time = start + 100;
    rl.settle(b);
    clock.time = start + 300;
    rl.settle(a);
    const times: number[] = [];
    const next = Promise.all(
      [0, 1].map(() => rl.acquire().then((x) => times.push(clock.now() - start) && rl.settle(x))),
    );
    await clock.runAll();
    await next;
    expect(times).toEqual([1100, 1300]);
  });

  it("keeps the slot of a call in flight until it is answered", async () => {
    const clock = new ManualClock();
    const rl = limiter(clock, 1, 1000);
    const start = clock.now();
    const first = await rl.acquire();
    const second = rl.acquire();
    await clock.runAll();
    let admitted = false;
    second.then(() => {
      admitted = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(admitted).toBe(false);
    expect(rl.waitingUntil).toBeUndefined();
    clock.time = start + 500;
    rl.settle(first);
    await new Promise((r) => setImmediate(r));
    expect(rl.waitingUntil).toBe(start + 1500);
    await clock.runAll();
    expect((await second).at).toBe(start + 1500);
  });

  it("says until when it holds callers back, while it does, and how long it did", async () => {
    const clock = new ManualClock();
    const rl = limiter(clock, 1, 1000);
    rl.settle(await rl.acquire());
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
    rl.settle(first, { remaining: 399, used: 201 });
    expect(rl.externalCalls).toBe(200);
    const start = clock.now();
    // 600 − 200 − a reserve of 6 = 394 of ours in the window; the 394th waits for the first.
    const times = await admitAll(clock, rl, 394);
    expect(times.filter((t) => t === start)).toHaveLength(393);
    expect(times.at(-1)).toBe(start + 60_000);
    // The other client stopped: the next answer shows only our calls.
    const last = await rl.acquire();
    rl.settle(last, { remaining: 600 - last.ours, used: last.ours });
    expect(rl.externalCalls).toBe(0);
    expect(await admitAll(clock, rl, 205)).toEqual(Array(205).fill(clock.now()));
  });

  it("keeps other clients counted when an answer reads none while calls of ours were in flight", async () => {
    const clock = new ManualClock();
    const rl = limiter(clock, 30, 1000);
    const first = await rl.acquire();
    // Nothing else in flight: the server's 11 are ours and 10 of another client's.
    rl.settle(first, { remaining: 19, used: 11 });
    expect(rl.externalCalls).toBe(10);
    const burst = await Promise.all(Array.from({ length: 12 }, () => rl.acquire()));
    const measured = await rl.acquire();
    expect(measured.inFlight).toBe(12);
    // The burst reached the server after the measured call: it counts 12 (the other client's 10,
    // `first`, `measured`) where 14 of ours could be. That reading hides the other client.
    rl.settle(measured, { remaining: 18, used: 12 });
    expect(rl.externalCalls).toBe(10);
    for (const a of burst) rl.settle(a);
    // 30 − 10 − a reserve of 1 − 14 of ours: 5 more now, not 16.
    let admitted = 0;
    const more = Array.from({ length: 10 }, () => rl.acquire().then(() => admitted++));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(admitted).toBe(5);
    await clock.runAll();
    await Promise.all(more);
  });

  /**
   * `early` calls of ours admitted at a 1 s window's start and answered `answeredAt` ms later,
   * then one more admitted a window after them: the early ones left our log of the window, but
   * their slots are held to 1000 + `answeredAt`.
   */
  async function afterEarlyCalls(
    clock: ManualClock,
    limit: number,
    early: number,
    answeredAt = 50,
  ) {
    const rl = limiter(clock, limit, 1000);
    const start = clock.now();
    const first = await Promise.all(Array.from({ length: early }, () => rl.acquire()));
    clock.time = start + answeredAt;
    for (const a of first) rl.settle(a);
    clock.time = start + 1000;
    const measured = await rl.acquire();
    return { rl, start, measured };
  }

  it("does not take a call of ours the server counted late for another client's while it holds its slot", async () => {
    const clock = new ManualClock();
    const { rl, start, measured } = await afterEarlyCalls(clock, 10, 5);
    expect(measured.ours).toBe(1);
    // The server still counts them (it counted them as late as their answers): 6 calls.
    clock.time = start + 1040;
    rl.settle(measured, { remaining: 4, used: 6 });
    expect(rl.externalCalls).toBe(0);
    // The whole window is ours: 5 held + `measured` + 4 more now.
    const more = await Promise.all(Array.from({ length: 4 }, () => rl.acquire()));
    expect(more.map((a) => a.at)).toEqual(Array(4).fill(start + 1040));
    // Once their slots free, the 5 may have been another client's calls after all (the server
    // may have counted ours before its window began): they are held for them until measured.
    clock.time = start + 1050;
    expect(rl.externalCalls).toBe(5);
    let admitted = false;
    const next = rl.acquire().then((a) => {
      admitted = true;
      return a;
    });
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    expect(admitted).toBe(false);
    // The next answer reads only ours (`measured` and itself), the early ones gone.
    rl.settle(more[0] as Admission, { remaining: 8, used: 2 });
    expect(rl.externalCalls).toBe(0);
    expect((await next).at).toBe(start + 1050);
  });

  it("lets one call look again when such a reading holds calls back and nothing of ours is in flight", async () => {
    const clock = new ManualClock();
    const { rl, start, measured } = await afterEarlyCalls(clock, 4, 3);
    rl.settle(measured, { remaining: 0, used: 4 });
    // The early slots free at 1050: the 3 may have been others', so the window looks full.
    clock.time = start + 1060;
    expect(rl.externalCalls).toBe(3);
    const times: number[] = [];
    const admissions: Admission[] = [];
    const two = [0, 1].map(() =>
      rl.acquire().then((a) => {
        times.push(clock.now() - start);
        admissions.push(a);
      }),
    );
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    // One goes to look; the other waits for what it reads.
    expect(times).toEqual([1060]);
    clock.time = start + 1100;
    rl.settle(admissions[0] as Admission, { remaining: 2, used: 2 });
    await Promise.all(two);
    expect(times).toEqual([1060, 1100]);
    expect(rl.externalCalls).toBe(0);
  });

  it("keeps no reserve for a reading our own late-counted calls explain, nor keeps it over a later one", async () => {
    const clock = new ManualClock();
    const { rl, start, measured } = await afterEarlyCalls(clock, 10, 3, 20);
    // Answered after the early slots freed (1020): the server's 4 may be theirs or others'.
    clock.time = start + 1030;
    rl.settle(measured, { remaining: 6, used: 4 });
    expect(rl.externalCalls).toBe(3);
    // 10 − 3, with no reserve on top: `measured` and 6 more.
    const more = await Promise.all(Array.from({ length: 6 }, () => rl.acquire()));
    expect(more.map((a) => a.at)).toEqual(Array(6).fill(start + 1030));
    // Read with 5 of ours in flight, 0 others is not proof; but the reading it would have kept
    // proved nothing either, so it is replaced.
    expect((more[5] as Admission).inFlight).toBe(5);
    rl.settle(more[5] as Admission, { remaining: 3, used: 7 });
    expect(rl.externalCalls).toBe(0);
  });

  it("ignores an older admission's answer that arrives after a newer one's", async () => {
    const clock = new ManualClock();
    const rl = limiter(clock, 600, 60_000);
    const a = await rl.acquire();
    clock.time += 10;
    const b = await rl.acquire();
    rl.settle(b, { remaining: 598, used: 2 });
    rl.settle(a, { remaining: 400, used: 200 });
    expect(rl.externalCalls).toBe(0);
  });

  it("uses the server's own limit when it is lower than the configured one", async () => {
    const clock = new ManualClock();
    const rl = limiter(clock, 600, 60_000);
    const a = await rl.acquire();
    rl.settle(a, { remaining: 2, used: 1 });
    const start = clock.now();
    expect((await admitAll(clock, rl, 3)).map((t) => t - start)).toEqual([0, 0, 60_000]);
  });

  it("admits a prefetch only with room no other caller waits for, and never counts its wait", async () => {
    const clock = new ManualClock();
    const rl = limiter(clock, 2, 1000);
    const start = clock.now();
    rl.settle(await rl.acquire());
    const p1 = await rl.acquire(undefined, { prefetch: true });
    expect(p1.at).toBe(start);
    clock.time = start + 10;
    rl.settle(p1);
    const order: string[] = [];
    const p2 = rl.acquire(undefined, { prefetch: true }).then((a) => {
      order.push(`prefetch@${a.at - start}`);
      rl.settle(a);
    });
    const n = rl.acquire().then((a) => {
      order.push(`normal@${a.at - start}`);
      rl.settle(a);
    });
    await clock.runAll();
    await Promise.all([p2, n]);
    // The window's next slot (at 1000) goes to the caller the sync waits for.
    expect(order).toEqual(["normal@1000", "prefetch@1010"]);
    expect(rl.waitedMs).toBe(990);
  });

  it("makes a waiting prefetch an ordinary call once the sync waits for it", async () => {
    const clock = new ManualClock();
    const rl = limiter(clock, 1, 1000);
    const start = clock.now();
    rl.settle(await rl.acquire());
    const order: string[] = [];
    const track = (name: string, p: Promise<{ at: number }>) =>
      p.then((a) => {
        order.push(`${name}@${a.at - start}`);
        rl.settle(a as never);
      });
    const promote = new AbortController();
    const all = [
      track("prefetch", rl.acquire(undefined, { prefetch: true, promote: promote.signal })),
      track("n1", rl.acquire()),
    ];
    promote.abort();
    all.push(track("n2", rl.acquire()));
    await clock.runAll();
    await Promise.all(all);
    expect(order).toEqual(["n1@1000", "prefetch@2000", "n2@3000"]);
  });

  it("leaves prefetches a reserve of the window, and only a few in flight", async () => {
    const clock = new ManualClock();
    const rl = new RateLimiter({
      clock,
      limit: 10,
      windowMs: 1000,
      prefetchReserve: 3,
      maxPrefetchInFlight: 4,
    });
    const admitted: Admission[] = [];
    const waiting = Array.from({ length: 10 }, () =>
      rl.acquire(undefined, { prefetch: true }).then((a) => admitted.push(a)),
    );
    await new Promise((r) => setImmediate(r));
    // At most 4 in flight.
    expect(admitted).toHaveLength(4);
    for (const a of admitted.splice(0)) rl.settle(a);
    await new Promise((r) => setImmediate(r));
    // 10 − a reserve of 3 = 7 slots for prefetches in this window.
    expect(admitted).toHaveLength(3);
    expect(admitted.every((a) => a.prefetch === true)).toBe(true);
    // The reserve is there for an ordinary call.
    const now = clock.now();
    expect((await rl.acquire()).at).toBe(now);
    for (const a of admitted.splice(0)) rl.settle(a);
    await clock.runAll();
    await Promise.all(waiting);
  });

  it("drops a waiting prefetch whose signal aborts", async () => {
    const clock = new ManualClock();
    const rl = limiter(clock, 1, 1000);
    rl.settle(await rl.acquire());
    const ac = new AbortController();
    const p = rl.acquire(ac.signal, { prefetch: true });
    ac.abort(new Error("dropped"));
    await expect(p).rejects.toThrow("dropped");
    const next = rl.acquire();
    await clock.runAll();
    expect((await next).at).toBeGreaterThan(0);
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
    rl.settle(await rl.acquire());
    const controller = new AbortController();
    const waiting = rl.acquire(controller.signal);
    await new Promise((r) => setImmediate(r));
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    // The queue keeps working for others.
    const next = rl.acquire();
    await clock.runAll();
    await next;
  });

  describe("prefetchLull", () => {
    const tick = () => new Promise((r) => setImmediate(r));
    const prefetching = (clock: ManualClock, limit: number) =>
      new RateLimiter({ clock, limit, windowMs: 1000, prefetchReserve: 0, maxPrefetchInFlight: 2 });

    it("resolves at once without a limit or without prefetches", async () => {
      const clock = new ManualClock();
      await limiter(clock, Number.POSITIVE_INFINITY).prefetchLull();
      await limiter(clock).prefetchLull();
    });

    it("waits until no prefetch is in flight or waiting, then a moment for the readers to refill", async () => {
      const clock = new ManualClock();
      const rl = prefetching(clock, 10);
      const start = clock.now();
      const admitted: Admission[] = [];
      for (let i = 0; i < 3; i++) {
        void rl.acquire(undefined, { prefetch: true }).then((a) => admitted.push(a));
      }
      await tick();
      expect(admitted).toHaveLength(2);
      let lullAt: number | undefined;
      const lull = rl.prefetchLull().then(() => {
        lullAt = clock.now() - start;
      });
      clock.time = start + 10;
      for (const a of admitted.splice(0)) rl.settle(a);
      await tick();
      // The third went out as the first two came back: still prefetching.
      expect(admitted).toHaveLength(1);
      clock.time = start + 30;
      rl.settle(admitted[0] as Admission);
      await tick();
      expect(lullAt).toBeUndefined();
      await clock.runAll();
      await lull;
      expect(lullAt).toBe(50);
    });

    it("resolves while prefetches still wait when the window has no room for them", async () => {
      const clock = new ManualClock();
      const rl = prefetching(clock, 2);
      const start = clock.now();
      const admitted: Admission[] = [];
      const waiting = Array.from({ length: 3 }, () =>
        rl.acquire(undefined, { prefetch: true }).then((a) => admitted.push(a)),
      );
      await tick();
      let lullAt: number | undefined;
      const lull = rl.prefetchLull().then(() => {
        lullAt = clock.now() - start;
      });
      clock.time = start + 10;
      for (const a of admitted.splice(0)) rl.settle(a);
      await clock.runAll();
      await lull;
      // Not at the next window (1010), when the third prefetch can go.
      expect(lullAt).toBe(30);
      for (const a of admitted.splice(0)) rl.settle(a);
      await Promise.all(waiting);
    });

    it("holds nobody while prefetches wait for room a lull found spent, and holds again a window later", async () => {
      const clock = new ManualClock();
      const rl = prefetching(clock, 2);
      const start = clock.now();
      const inFlight: Admission[] = [];
      const at = () => inFlight.map((a) => a.at - start);
      const lullEnds = async () => {
        let ended: number | undefined;
        const lull = rl.prefetchLull().then(() => {
          ended = clock.now() - start;
        });
        await tick();
        return { lull, ended: () => ended };
      };
      const five = Array.from({ length: 5 }, () =>
        rl.acquire(undefined, { prefetch: true }).then((a) => inFlight.push(a)),
      );
      await tick();
      const first = await lullEnds();
      clock.time = start + 10;
      for (const a of inFlight.splice(0)) rl.settle(a);
      await clock.runAll();
      await first.lull;
      expect(first.ended()).toBe(30);
      // Two more went out as the first two's slots freed; the fifth waits for room.
      expect(at()).toEqual([1010, 1010]);
      const second = await lullEnds();
      expect(second.ended()).toBe(clock.now() - start);
      for (const a of inFlight.splice(0)) rl.settle(a);
      await clock.runAll();
      expect(at()).toEqual([clock.now() - start]);
      for (const a of inFlight.splice(0)) rl.settle(a);
      await Promise.all(five);
      // A window with no prefetch waiting for room: a new burst is held for again.
      clock.time += 1100;
      const sixth = rl.acquire(undefined, { prefetch: true }).then((a) => inFlight.push(a));
      await tick();
      const third = await lullEnds();
      expect(third.ended()).toBeUndefined();
      for (const a of inFlight.splice(0)) rl.settle(a);
      await clock.runAll();
      await third.lull;
      await sixth;
      expect(third.ended()).toBeDefined();
    });

    it("holds a caller back 2 s at most", async () => {
      const clock = new ManualClock();
      const rl = prefetching(clock, 10);
      const start = clock.now();
      void rl.acquire(undefined, { prefetch: true });
      await tick();
      let lullAt: number | undefined;
      const lull = rl.prefetchLull().then(() => {
        lullAt = clock.now() - start;
      });
      await clock.runAll();
      await lull;
      expect(lullAt).toBe(2000);
    });
  });
});
