// `serve --metrics-listen`: Prometheus text on /metrics, scraped during and after a sync driven
// over gRPC. The Seismic series must equal the simulator's own call log, endpoint by endpoint,
// and its token count; the runtime's series must match the calls and rows the syncer saw; and
// provisioning calls are counted by operation and outcome.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { C1zReader } from "../src/baton/c1z/reader.js";
import { ConnectorService } from "../src/gen/c1/connector/v2/connector_pb.js";
import { GrantManagerService } from "../src/gen/c1/connector/v2/grant_pb.js";
import { ResourcesService, ResourceTypesService } from "../src/gen/c1/connector/v2/resource_pb.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { GrpcJsClient } from "./grpc-js-client.js";
import { runOk, type Served, serveSeismic, TOKEN_CALL, targetOf } from "./helpers/seismic-e2e.js";

const quiet = { BATON_LOG_LEVEL: "warn" };

type Samples = Map<string, number>;

/** `name{a="x",b="y"} 3` lines into a map keyed by `name{a="x",b="y"}` (labels as written). */
function parse(text: string): Samples {
  const out: Samples = new Map();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^(\S+?(?:\{.*\})?) (\S+)$/.exec(line);
    if (m?.[1] && m[2]) out.set(m[1], Number(m[2]));
  }
  return out;
}

/** Sum of a series' samples, grouped by one label's value. */
function byLabel(samples: Samples, name: string, label: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, value] of samples) {
    if (!key.startsWith(`${name}{`)) continue;
    const v = new RegExp(`${label}="([^"]*)"`).exec(key)?.[1] ?? "";
    out.set(v, (out.get(v) ?? 0) + value);
  }
  return out;
}

/** `GET /scim/v2/Groups/{id}/Users` and `…/{groupId}/Users` are the same endpoint. */
const normal = (endpoint: string) => endpoint.replace(/\{[^}]+\}/g, "{}");

/** The simulator's API calls per endpoint (token endpoint apart). */
function simulatorCalls(sim: Simulator): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, n] of sim.state.calls()) {
    if (k !== TOKEN_CALL) out.set(normal(k), (out.get(normal(k)) ?? 0) + n);
  }
  return out;
}

function scrapedCalls(samples: Samples): Map<string, number> {
  const out = new Map<string, number>();
  for (const [endpoint, n] of byLabel(samples, "seismic_api_requests_total", "endpoint")) {
    out.set(normal(endpoint), (out.get(normal(endpoint)) ?? 0) + n);
  }
  return out;
}

describe("serve --metrics-listen", () => {
  let sim: Simulator;
  let served: Served;
  let metricsUrl: string;
  let dir: string;
  let client: GrpcJsClient;

  const scrape = async () => {
    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return parse(await res.text());
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "metrics-"));
    sim = await startSimulator({ seed: 4, users: 30, groups: 4 });
    served = await serveSeismic(targetOf(sim), [
      "--provisioning",
      "--metrics-listen",
      "127.0.0.1:0",
    ]);
    metricsUrl =
      /metrics on (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(served.output().stdout)?.[1] ?? "";
    expect(metricsUrl).not.toBe("");
    client = new GrpcJsClient(served.address);
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await served?.stop();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("during a sync: Seismic calls and tokens equal the simulator's own counts", async () => {
    await client.call(ConnectorService.method.validate, {});
    await client.call(ResourceTypesService.method.listResourceTypes, { activeSyncId: "sync-a" });
    const page = await client.call(ResourcesService.method.listResources, {
      resourceTypeId: "user",
      activeSyncId: "sync-a",
    });
    const s = await scrape();
    expect(scrapedCalls(s)).toEqual(simulatorCalls(sim));
    expect(s.get('seismic_token_requests_total{outcome="minted"}')).toBe(sim.state.tokensIssued());
    expect(
      s.get(
        'baton_grpc_requests_total{service="c1.connector.v2.ResourcesService",method="ListResources",code="OK"}',
      ),
    ).toBe(1);
    expect(s.get('baton_sync_rows_total{kind="resources"}')).toBe(page.list.length);
    expect(s.get('baton_sync_page_duration_seconds_count{method="ListResources"}')).toBe(1);
    // No sync has reached Cleanup yet.
    expect(s.get("baton_sync_duration_seconds_count")).toBe(0);
    expect(s.has("process_resident_memory_bytes")).toBe(true);
  });

  it("after a full sync over gRPC: the same equality, every page and row counted, one sync", async () => {
    const before = await scrape();
    const file = join(dir, "sync.c1z");
    await runOk(targetOf(sim), ["--file", file, "--connector-addr", served.address], quiet);
    const s = await scrape();
    expect(scrapedCalls(s)).toEqual(simulatorCalls(sim));
    expect(s.get('seismic_token_requests_total{outcome="minted"}')).toBe(sim.state.tokensIssued());
    expect(s.get("seismic_api_rate_limited_total")).toBeUndefined();
    expect(s.get("baton_sync_duration_seconds_count")).toBe(1);

    const reader = await C1zReader.open(file);
    const counts = reader.stats().counts;
    reader.close();
    const delta = (key: string) => (s.get(key) ?? 0) - (before.get(key) ?? 0);
    expect(delta('baton_sync_rows_total{kind="resources"}')).toBe(counts.resources);
    expect(delta('baton_sync_rows_total{kind="grants"}')).toBe(counts.grants);
    expect(delta('baton_sync_rows_total{kind="entitlements"}')).toBe(counts.entitlements);
    const pages = byLabel(s, "baton_sync_page_duration_seconds_count", "method");
    const calls = byLabel(s, "baton_grpc_requests_total", "method");
    for (const method of ["ListResources", "ListEntitlements", "ListGrants"]) {
      expect(pages.get(method), method).toBe(calls.get(method));
    }
  });

  it("counts provisioning operations by outcome", async () => {
    const group = sim.state
      .groups()
      .find((g) => (sim.state.groupMemberIds(String(g.id)) ?? []).length > 0);
    const gid = String(group?.id);
    const member = String(sim.state.groupMemberIds(gid)?.[0]);
    const outsider = String(
      sim.state.users().find((u) => !(sim.state.groupMemberIds(gid) ?? []).includes(String(u.id)))
        ?.id,
    );
    const entitlement = {
      id: `group:${gid}:member`,
      resource: { id: { resourceType: "group", resource: gid } },
    };
    const grant = (user: string) =>
      client.call(GrantManagerService.method.grant, {
        entitlement,
        principal: { id: { resourceType: "user", resource: user } },
      });
    await grant(member);
    await grant(outsider);
    const s = await scrape();
    expect(
      s.get('baton_provisioning_operations_total{operation="grant",outcome="already_exists"}'),
    ).toBe(1);
    expect(s.get('baton_provisioning_operations_total{operation="grant",outcome="success"}')).toBe(
      1,
    );
    expect(scrapedCalls(s)).toEqual(simulatorCalls(sim));
  });

  it("answers 404 elsewhere", async () => {
    const res = await fetch(metricsUrl.replace(/\/metrics$/, "/other"));
    expect(res.status).toBe(404);
    await res.text();
  });
});
