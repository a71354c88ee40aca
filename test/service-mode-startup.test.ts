// Service mode against a fake ConductorOne, with the built binary: credentials checked before
// any traffic, the signed client assertion, token reuse and refresh, Hello first with the
// connector's metadata, Hello and GetTask backoff, next_poll, the health endpoints, secrets kept
// out of debug logs, and a clean exit on SIGTERM. Exit codes and one-line errors for the ways
// start-up fails, each naming the setting to fix.
import { toJson } from "@bufbuild/protobuf";
import { Code, createClient, createRouterTransport } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerConnector } from "../src/baton/builder.js";
import { seismicDefinition } from "../src/connector/index.js";
import {
  ConnectorMetadataSchema,
  ConnectorService,
} from "../src/gen/c1/connector/v2/connector_pb.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { secretFromJwk } from "./helpers/fake-c1/credentials.js";
import { type FakeC1, fakeC1Registry, startFakeC1 } from "./helpers/fake-c1/index.js";
import { type RunResult, run, seismicBin } from "./helpers/run-bin.js";
import { connectorFlags, expectNoSecrets, plainLines, targetOf } from "./helpers/seismic-e2e.js";
import { startService } from "./helpers/service-mode.js";

/** Gaps between consecutive calls of `method`, in ms. */
function gaps(fake: FakeC1, method: string): number[] {
  const ts = fake.calls.filter((c) => c.method === method).map((c) => c.t);
  return ts.slice(1).map((t, i) => t - (ts[i] ?? 0));
}

/** The one human-readable line of a failed run. */
function errorLine(r: RunResult): string {
  const lines = plainLines(r.stderr);
  expect(lines, r.stderr).toHaveLength(1);
  return lines[0] ?? "";
}

describe("service mode start-up", () => {
  let sim: Simulator;
  let fake: FakeC1;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 3, users: 20, groups: 3 });
    fake = await startFakeC1({ tokenExpiresIn: 12, idlePollMs: 300 });
  });

  afterAll(async () => {
    await fake?.close();
    await sim?.close();
  });

  const runWith = (env: Record<string, string>) =>
    run(seismicBin, connectorFlags(targetOf(sim)), { BATON_LOG_FORMAT: "json", ...env });

  it("refuses malformed client ids and secrets before any traffic, exit 2, naming the variable", async () => {
    const before = fake.token.requests.length;
    // The parser's other refusals are unit-tested in src/baton/service/c1-credentials.test.ts.
    const cases: [Record<string, string>, RegExp][] = [
      [{ BATON_CLIENT_ID: "no-at-sign/pcc" }, /BATON_CLIENT_ID.*not a ConductorOne client id/],
      [
        { BATON_CLIENT_SECRET: secretFromJwk({ kty: "EC", crv: "P-256", x: "a", y: "b", d: "c" }) },
        /BATON_CLIENT_SECRET.*not an Ed25519 key/,
      ],
      [{ BATON_CLIENT_SECRET: "" }, /BATON_CLIENT_SECRET.*is not/],
      // One-shot changes and actions are ConductorOne's tasks here, not flags.
      [{ BATON_INVOKE_ACTION: "disable_user" }, /--invoke-action.*do not apply in service mode/],
      [
        { BATON_GRANT_ENTITLEMENT: "group:g:member" },
        /--grant-entitlement.*do not apply in service mode/,
      ],
    ];
    const results = await Promise.all(cases.map(([env]) => runWith({ ...fake.env(), ...env })));
    results.forEach((r, i) => {
      expect(r.code, r.stderr).toBe(2);
      expect(errorLine(r)).toMatch(cases[i]?.[1] ?? /./);
      expect(r.stderr).not.toContain(fake.creds.clientSecret);
    });
    expect(fake.token.requests.length).toBe(before);
  });

  it("exits 1 at once when the credentials are refused, naming both variables", async () => {
    fake.token.faults.push("401");
    const tokens = fake.token.requests.length;
    const hellos = fake.hellos.length;
    const r = await runWith(fake.env());
    expect(r.code, r.stderr).toBe(1);
    expect(errorLine(r)).toMatch(
      /refused the connector's credentials \(the token endpoint answered HTTP 401 \(error: invalid_client\)\).*BATON_CLIENT_ID.*BATON_CLIENT_SECRET/,
    );
    // One token request, no retry, no Hello: nothing was waited for.
    expect(fake.token.requests.length - tokens).toBe(1);
    expect(fake.hellos.length).toBe(hellos);
  });

  it("exits 1 when Hello is refused as Unauthenticated", async () => {
    fake.helloErrors.push(Code.Unauthenticated);
    const hellos = fake.hellos.length;
    const r = await runWith(fake.env());
    expect(r.code, r.stderr).toBe(1);
    expect(errorLine(r)).toMatch(
      /refused the connector at Hello \(Unauthenticated.*BATON_CLIENT_ID/,
    );
    expect(fake.hellos.length - hellos).toBe(1);
  });

  it("exits 1 naming BATON_C1_API_HOST or NODE_EXTRA_CA_CERTS when ConductorOne cannot be reached or trusted", async () => {
    const { NODE_EXTRA_CA_CERTS: _, ...untrusted } = fake.env();
    const [closed, tls] = await Promise.all([
      runWith({ ...fake.env(), BATON_C1_API_HOST: "127.0.0.1:1" }),
      runWith(untrusted),
    ]);
    expect(closed.code, closed.stderr).toBe(1);
    expect(errorLine(closed)).toMatch(
      /cannot reach ConductorOne at 127\.0\.0\.1:1.*check BATON_C1_API_HOST/,
    );
    expect(tls.code, tls.stderr).toBe(1);
    expect(errorLine(tls)).toMatch(/TLS to localhost:\d+ failed.*NODE_EXTRA_CA_CERTS/);
  });

  describe("a session", () => {
    let result: RunResult;
    let health: Record<string, { status: number; body: string }>;
    let stderr: string;
    const firstCall = () => fake.calls.length;
    let from = 0;

    beforeAll(async () => {
      from = firstCall();
      const tokensBefore = fake.token.issued.length;
      fake.helloErrors.push(Code.Unavailable, Code.Unavailable);
      fake.enqueue({ error: Code.Unavailable }, { error: Code.Unavailable });
      const p = startService(fake, sim, ["--health-check", "--health-check-port", "0"], {
        BATON_HOST_ID: "host-under-test",
        BATON_LOG_LEVEL: "debug",
      });
      const listening = await p.waitForLog(/health endpoints listening/);
      // Two failed GetTasks (waits 1 s, 4 s), then idle polls 300 ms apart, across token refreshes.
      await fake.waitFor(
        () =>
          fake.calls.slice(from).filter((c) => c.method === "GetTask").length >= 8 &&
          fake.token.issued.length - tokensBefore >= 3,
        "idle polls and token refreshes",
        30_000,
      );
      health = {};
      for (const path of ["/live", "/ready", "/health", "/nope"]) {
        const res = await fetch(`http://${String(listening.address)}${path}`);
        health[path] = { status: res.status, body: await res.text() };
      }
      result = await p.stop();
      stderr = result.stderr;
    }, 60_000);

    it("authenticates with a signed assertion before the first call and refreshes short tokens", () => {
      expect(fake.token.violations).toEqual([]);
      expect(fake.violations).toEqual([]);
      const calls = fake.calls.slice(from);
      const firstToken = fake.token.issued.find((t) => t.issuedAt <= (calls[0]?.t ?? 0));
      expect(firstToken).toBeDefined();
      for (const c of calls) expect(c.authorization).toMatch(/^Bearer tok-\d+-[0-9a-f]{24}$/);
      // Tokens live 12 s and are renewed 10 s early: later calls carry later tokens.
      const used = [...new Set(calls.map((c) => c.authorization))];
      expect(used.length).toBeGreaterThanOrEqual(3);
      const order = used.map((a) => Number(/tok-(\d+)-/.exec(a)?.[1]));
      expect(order).toEqual([...order].sort((a, b) => a - b));
      const req = fake.token.requests.at(-1);
      expect(req?.header.alg).toBe("EdDSA");
      expect(req?.claims.aud).toBe("tenant.conductor.one");
      expect(req?.userAgent).toMatch(/^baton-c1-credential-provider test-1 baton-seismic\//);
      // The gRPC user agent starts with the client name, as Go's does.
      expect(calls[0]?.userAgent).toMatch(/^test-1 baton-seismic\/\S+ node\//);
    });

    it("says Hello first, retrying Unavailable after 1 s and 2 s, with host, build, OS and metadata", async () => {
      const calls = fake.calls.slice(from);
      expect(calls.slice(0, 3).map((c) => c.method)).toEqual(["Hello", "Hello", "Hello"]);
      const [g1 = 0, g2 = 0] = calls
        .slice(0, 3)
        .map((c) => c.t)
        .slice(1)
        .map((t, i) => t - (calls[i]?.t ?? 0));
      expect(g1).toBeGreaterThanOrEqual(950);
      expect(g2).toBeGreaterThanOrEqual(1950);
      const hello = calls[2]?.request as Record<string, Record<string, string>>;
      expect(hello.hostId).toBe("host-under-test");
      expect(hello.taskId).toBeUndefined();
      expect(Object.keys(hello.osInfo ?? {}).sort()).toEqual(
        [
          "hostname",
          "kernelArch",
          "kernelVersion",
          "os",
          "platform",
          "platformFamily",
          "platformVersion",
          "virtualizationSystem",
        ].sort(),
      );
      for (const v of Object.values(hello.osInfo ?? {})) expect(v).not.toBe("");
      expect(hello.buildInfo).toEqual({
        langVersion: `node-${process.version}`,
        package: "baton-seismic",
        packageVersion: seismicDefinition.version,
      });
      const local = createClient(
        ConnectorService,
        createRouterTransport((r) =>
          registerConnector(r, seismicDefinition.createForCapabilities()),
        ),
      );
      const expected = (await local.getMetadata({})).metadata;
      expect(hello.connectorMetadata).toEqual(
        toJson(ConnectorMetadataSchema, expected ?? ({} as never), { registry: fakeC1Registry }),
      );
    });

    it("polls with only host_id, backs off 1 s then 4 s after errors, then follows next_poll", () => {
      const polls = fake.calls.slice(from).filter((c) => c.method === "GetTask");
      for (const p of polls) expect(p.request).toEqual({ hostId: "host-under-test" });
      const g = gaps(fake, "GetTask").slice(-polls.length + 1);
      expect(g[0]).toBeGreaterThanOrEqual(950);
      expect(g[1]).toBeGreaterThanOrEqual(3950);
      for (const idle of g.slice(2)) {
        expect(idle).toBeGreaterThanOrEqual(290);
        expect(idle).toBeLessThan(3000);
      }
    });

    it("serves /live, /ready and /health (the connector validates against the tenant)", () => {
      expect(health["/live"]).toEqual({ status: 200, body: "alive" });
      expect(health["/ready"]).toEqual({ status: 200, body: "ready" });
      expect(health["/health"]?.status).toBe(200);
      expect(JSON.parse(health["/health"]?.body ?? "{}")).toMatchObject({ status: "healthy" });
      expect(health["/nope"]?.status).toBe(404);
    });

    it("exits 0 on SIGTERM and writes no secret at debug level", () => {
      expect(result.code, stderr).toBe(0);
      expect(stderr).toMatch(/"msg":"service mode stopped"/);
      expect(stderr).toMatch(/"levelName":"debug"/);
      expectNoSecrets(
        stderr + result.stdout,
        [
          fake.creds.clientSecret,
          fake.creds.clientSecret.split(":")[3] ?? "",
          ...fake.token.assertions,
          ...fake.token.issued.map((t) => t.value),
        ],
        "service mode",
      );
    });
  });
});
