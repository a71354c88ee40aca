// Tests of the simulator: the rolling-window limit, its 429 body and its headers, over real HTTP where it matters.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Call, caller, getToken } from "./harness.js";
import { type Simulator, startSimulator } from "./index.js";
import { RollingWindowLimiter } from "./rate-limit.js";

describe("RollingWindowLimiter", () => {
  it("allows `limit` calls per rolling window and says when the oldest leaves", () => {
    const l = new RollingWindowLimiter(3, 60_000);
    expect(l.take(0)).toEqual({ allowed: true, used: 1, remaining: 2, retryAfterSeconds: 0 });
    expect(l.take(10_000).used).toBe(2);
    expect(l.take(20_000).remaining).toBe(0);
    expect(l.take(30_000)).toEqual({
      allowed: false,
      used: 3,
      remaining: 0,
      retryAfterSeconds: 30,
    });
    expect(l.take(59_999)).toEqual({ allowed: false, used: 3, remaining: 0, retryAfterSeconds: 1 });
    expect(l.take(60_000)).toEqual({ allowed: true, used: 3, remaining: 0, retryAfterSeconds: 0 });
    expect(l.used(80_000)).toBe(1);
  });

  it("shares the window with other clients that spend their calls evenly, in steady state from the start", () => {
    const l = new RollingWindowLimiter(10, 1000, { perWindow: 4, since: 5000 });
    // Their calls at 4250, 4500, 4750 and 5000 fill 4 of the 10 slots at start-up.
    expect(l.used(5000)).toBe(4);
    for (let i = 0; i < 6; i++) expect(l.take(5000).allowed).toBe(true);
    expect(l.take(5000)).toMatchObject({ allowed: false, used: 10, retryAfterSeconds: 1 });
    // At 5250 their call from 4250 leaves and their next one takes its slot at once.
    expect(l.take(5250)).toMatchObject({ allowed: false, used: 10 });
    expect(l.otherCalls).toBe(5);
    // Once ours leave (at 6000), they only ever hold 4.
    expect(l.used(6000)).toBe(4);
    expect(l.take(6000)).toMatchObject({ allowed: true, used: 5, remaining: 5 });
    expect(l.used(10_000)).toBe(4);
  });
});

describe("rate limit over HTTP", () => {
  let clock = Date.UTC(2026, 0, 1);
  let sim: Simulator;
  let call: Call;

  beforeAll(async () => {
    sim = await startSimulator({
      users: 10,
      groups: 1,
      tenant: "intdev",
      clientId: "app-123",
      rateLimit: { limit: 4, windowMs: 60_000 },
      now: () => clock,
    });
    call = caller(sim, await getToken(sim));
  });
  afterAll(() => sim.close());

  it("counts every API call, puts the headers on each answer and answers 429 with Seismic's body", async () => {
    const seen: [number, string | null, string | null][] = [];
    const record = async (p: Promise<{ status: number; headers: Headers }>): Promise<void> => {
      const r = await p;
      seen.push([
        r.status,
        r.headers.get("x-seismic-remaining-calls"),
        r.headers.get("x-seismic-total-calls"),
      ]);
    };
    await record(call("GET", "/scim/v2/Users?count=1"));
    clock += 13_000;
    await record(caller(sim, "bad")("GET", "/scim/v2/Users"));
    await record(call("GET", "/nowhere"));
    await record(call("GET", `/scim/v2/Users/${sim.delegationUserId}`));
    clock += 1_500;
    const limited = await call("GET", "/scim/v2/Users");
    expect(seen).toEqual([
      [200, "3", "1"],
      [401, "2", "2"],
      [404, "1", "3"],
      [200, "0", "4"],
    ]);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("x-seismic-remaining-calls")).toBe("0");
    expect(limited.headers.get("x-seismic-total-calls")).toBe("4");
    expect(limited.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(limited.body).toEqual({
      statusCode: 429,
      message: "Rate limit is exceeded. Try again in 46 seconds.",
      clientId: "app-123",
      tenant: "intdev",
    });
    expect(sim.state.rateLimited()).toBe(1);
    clock += 45_500;
    expect((await call("GET", "/scim/v2/Users")).status).toBe(200);
    expect(sim.state.calls().get("GET /scim/v2/Users")).toBe(4);
  });

  it("leaves the token endpoint out of the API budget", async () => {
    clock += 120_000;
    for (let i = 0; i < 6; i++) await getToken(sim);
    const r = await call("GET", "/scim/v2/Schemas");
    expect(r.headers.get("x-seismic-total-calls")).toBe("1");
  });
});

describe("rate limit off", () => {
  it("never answers 429 and sends no limit headers", async () => {
    const sim = await startSimulator({ users: 5, groups: 1, rateLimit: false });
    try {
      const call = caller(sim, await getToken(sim));
      for (let i = 0; i < 20; i++) {
        const r = await call("GET", "/scim/v2/Users?count=1");
        expect(r.status).toBe(200);
        expect(r.headers.get("x-seismic-remaining-calls")).toBeNull();
      }
      expect(sim.state.rateLimited()).toBe(0);
    } finally {
      await sim.close();
    }
  });
});
