// Tests of the simulator: deterministic fault injection, unit and over HTTP, over real HTTP where it matters.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaultInjector } from "./faults.js";
import { type Call, caller, getToken } from "./harness.js";
import { type Simulator, startSimulator } from "./index.js";

describe("FaultInjector", () => {
  const opts = { seed: 7, serverErrorRate: 0.1, dropRate: 0.05, slowRate: 0.1, slowMs: 30 };
  const run = (o: object, n = 2000) => {
    const f = new FaultInjector(o);
    return Array.from({ length: n }, () => f.next());
  };

  it("gives the same sequence for the same seed and another for another seed", () => {
    expect(run(opts)).toEqual(run(opts));
    expect(run(opts)).not.toEqual(run({ ...opts, seed: 8 }));
  });

  it("injects about the configured shares", () => {
    const seq = run(opts);
    const count = (k: string) => seq.filter((d) => d.kind === k).length;
    expect(count("error")).toBeGreaterThan(140);
    expect(count("error")).toBeLessThan(260);
    expect(count("drop")).toBeGreaterThan(60);
    expect(count("drop")).toBeLessThan(140);
    expect(count("slow")).toBeGreaterThan(140);
    expect(
      new Set(seq.filter((d) => d.kind === "error").map((d) => (d as { status: number }).status)),
    ).toEqual(new Set([500, 502, 503]));
    expect(seq.find((d) => d.kind === "slow")).toEqual({ kind: "slow", ms: 30 });
  });

  it("puts 429 bursts on the last `length` calls of every `every`", () => {
    const kinds = run({ burst429: { every: 5, length: 2 } }, 10).map((d) => d.kind);
    expect(kinds).toEqual([
      "none",
      "none",
      "none",
      "burst429",
      "burst429",
      "none",
      "none",
      "none",
      "burst429",
      "burst429",
    ]);
  });

  it("draws body faults from the same stream, after the other kinds", () => {
    const seq = run({ seed: 3, truncateRate: 0.2, garbageRate: 0.1 }, 1000);
    const count = (k: string) => seq.filter((d) => d.kind === k).length;
    expect(count("truncate")).toBeGreaterThan(140);
    expect(count("truncate")).toBeLessThan(260);
    expect(count("garbage")).toBeGreaterThan(60);
    expect(count("garbage")).toBeLessThan(140);
    // Body faults at zero leave an existing stream as it was.
    expect(run({ ...opts, truncateRate: 0, garbageRate: 0 })).toEqual(run(opts));
  });

  it("refuses impossible options", () => {
    expect(() => new FaultInjector({ serverErrorRate: 0.7, dropRate: 0.5 })).toThrow(
      /sum to at most 1/,
    );
    expect(() => new FaultInjector({ burst429: { every: 2, length: 3 } })).toThrow(/burst429/);
  });
});

describe("faults over HTTP", () => {
  let sim: Simulator;
  let call: Call;

  beforeAll(async () => {
    sim = await startSimulator({
      users: 10,
      groups: 1,
      tenant: "acme",
      clientId: "cid",
      latencyMs: 1,
    });
    call = caller(sim, await getToken(sim));
  });
  afterAll(() => sim.close());

  it("answers 5xx with a JSON body and the limit headers, and counts the calls", async () => {
    sim.setFaults({ serverErrorRate: 1 });
    const before = sim.state.calls().get("GET /scim/v2/Groups") ?? 0;
    const statuses = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const r = await call("GET", "/scim/v2/Groups");
      statuses.add(r.status);
      const text = { 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable" }[
        r.status
      ];
      expect(r.body).toEqual({ statusCode: r.status, message: text });
      expect(r.headers.get("x-seismic-remaining-calls")).toMatch(/^\d+$/);
    }
    expect([...statuses].every((s) => s === 500 || s === 502 || s === 503)).toBe(true);
    expect(sim.state.calls().get("GET /scim/v2/Groups")).toBe(before + 12);
    sim.setFaults(undefined);
    expect((await call("GET", "/scim/v2/Groups")).status).toBe(200);
  });

  it("drops connections without an answer", async () => {
    sim.setFaults({ dropRate: 1 });
    await expect(call("GET", "/scim/v2/Users")).rejects.toThrow();
    sim.setFaults(undefined);
    expect((await call("GET", "/scim/v2/Users")).status).toBe(200);
  });

  it("serves bursts of 429 with Seismic's body and headers", async () => {
    sim.setFaults({ burst429: { every: 3, length: 1 } });
    const limited = sim.state.rateLimited();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await call("GET", "/scim/v2/Schemas");
      statuses.push(r.status);
      if (r.status === 429) {
        expect(r.body).toEqual({
          statusCode: 429,
          message: "Rate limit is exceeded. Try again in 1 seconds.",
          clientId: "cid",
          tenant: "acme",
        });
        expect(r.headers.get("x-seismic-remaining-calls")).toBe("0");
        expect(r.headers.get("x-seismic-total-calls")).toBe("600");
      }
    }
    expect(statuses).toEqual([200, 200, 429, 200, 200, 429]);
    expect(sim.state.rateLimited()).toBe(limited + 2);
    sim.setFaults(undefined);
  });

  it("cuts a successful GET's body in half, or answers it with an HTML page; never a write", async () => {
    sim.setFaults({ truncateRate: 1 });
    const cut = await call("GET", "/scim/v2/Users?count=2");
    expect(cut.status).toBe(200);
    expect(typeof cut.body).toBe("string");
    sim.setFaults(undefined);
    const whole = await call("GET", "/scim/v2/Users?count=2");
    expect(JSON.stringify(whole.body).startsWith(cut.body as string)).toBe(true);
    expect((cut.body as string).length).toBe(Math.floor(JSON.stringify(whole.body).length / 2));

    sim.setFaults({ garbageRate: 1 });
    const page = await call("GET", "/scim/v2/Users?count=2");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.body).toMatch(/^<html>/);
    // Only successful GETs: a write and an error answer pass unchanged.
    const refused = await call("POST", "/scim/v2/Users", { schemas: [] });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ status: "400" });
    const missing = await call("GET", "/scim/v2/Users/00000000-0000-4000-8000-000000000000");
    expect(missing.status).toBe(404);
    sim.setFaults(undefined);
  });

  it("still answers slow calls", async () => {
    sim.setFaults({ slowRate: 1, slowMs: 5 });
    expect((await call("GET", "/scim/v2/Users?count=1")).status).toBe(200);
    sim.setFaults(undefined);
  });
});
