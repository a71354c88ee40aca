import { Counter } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { type MetricsListener, parseMetricsAddress, startMetricsListener } from "./listener.js";
import { BatonMetrics } from "./registry.js";

const open: MetricsListener[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()));
});

describe("metrics listener", () => {
  it("binds a bare port to loopback and names --metrics-listen in errors", () => {
    expect(parseMetricsAddress("9464")).toEqual({ host: "127.0.0.1", port: 9464 });
    expect(parseMetricsAddress(":9464")).toEqual({ host: "127.0.0.1", port: 9464 });
    expect(parseMetricsAddress("[::1]:9464")).toEqual({ host: "::1", port: 9464 });
    expect(() => parseMetricsAddress("nope")).toThrow(UsageError);
    expect(() => parseMetricsAddress("nope")).toThrow(/^--metrics-listen "nope" is not HOST:PORT/);
  });

  it("serves the registry as Prometheus text on /metrics, and only there", async () => {
    const metrics = new BatonMetrics({ processMetrics: false });
    new Counter({ name: "test_things_total", help: "Things.", registers: [metrics.registry] }).inc(
      3,
    );
    const l = await startMetricsListener(metrics, "127.0.0.1:0");
    open.push(l);
    expect(l.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(l.url);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain("# TYPE test_things_total counter\ntest_things_total 3\n");
    expect(text).toContain("# TYPE baton_grpc_requests_total counter");
    expect(text).not.toContain("process_cpu");
    const post = await fetch(l.url, { method: "POST" });
    expect(post.status).toBe(405);
    const other = await fetch(l.url.replace("/metrics", "/"));
    expect(other.status).toBe(404);
  });

  it("reports a busy port naming the flag, exit status 1", async () => {
    const first = await startMetricsListener(
      new BatonMetrics({ processMetrics: false }),
      "127.0.0.1:0",
    );
    open.push(first);
    const busy = `127.0.0.1:${first.address.port}`;
    const err = await startMetricsListener(new BatonMetrics({ processMetrics: false }), busy).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(`--metrics-listen ${busy}: the address is already in use`);
    expect(err.exitCode).toBe(1);
  });
});
