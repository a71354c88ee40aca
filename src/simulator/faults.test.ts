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

  it("still answers slow calls", async () => {
    sim.setFaults({ slowRate: 1, slowMs: 5 });
    expect((await call("GET", "/scim/v2/Users?count=1")).status).toBe(200);
    sim.setFaults(undefined);
  });
});
