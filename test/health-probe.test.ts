// The `health` probe against the real gRPC server: SERVING, NOT_SERVING, unreachable, timeouts and
// every TLS mismatch each give one line naming what to check; the binary exits 0 or 1 accordingly.
import { writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../src/baton/c1z/test-support/temp-dir.js";
import { dialAddress, probeHealth } from "../src/baton/cli/health-probe.js";
import { type RunningServer, startServer } from "../src/baton/server.js";
import { createFixtureConnector } from "../src/baton/testing/fixture-connector.js";
import { fixtureBin, run, seismicBin, start, waitFor } from "./helpers/run-bin.js";
import { hasOpenssl, makeTestCertificates, type TestCertificates } from "./test-certificates.js";

async function serveFixture(
  options: { failValidation?: boolean; tls?: TestCertificates } = {},
): Promise<RunningServer> {
  const server = await startServer({
    connector: createFixtureConnector({ failValidation: options.failValidation ?? false }),
    listen: "127.0.0.1:0",
    ...(options.tls
      ? {
          tls: {
            cert: options.tls.serverCert,
            key: options.tls.serverKey,
            clientCa: options.tls.caCert,
          },
        }
      : {}),
  });
  await server.validated;
  return server;
}

const addr = (s: RunningServer) => `127.0.0.1:${s.address.port}`;

/** A free port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe("probeHealth over h2c", () => {
  let serving: RunningServer;
  let notServing: RunningServer;
  beforeAll(async () => {
    serving = await serveFixture();
    notServing = await serveFixture({ failValidation: true });
  });
  afterAll(async () => {
    await serving?.close(false);
    await notServing?.close(false);
  });

  it("answers SERVING once the connector validated", async () => {
    expect(await probeHealth({ address: addr(serving), timeoutMs: 5_000 })).toEqual({
      ok: true,
      status: "SERVING",
    });
  });

  it("says NOT_SERVING and where to look when validation failed", async () => {
    expect(await probeHealth({ address: addr(notServing), timeoutMs: 5_000 })).toEqual({
      ok: false,
      status: "NOT_SERVING",
      message: `the connector at ${addr(notServing)} has not validated its credentials yet, or is shutting down; see its logs`,
    });
  });

  it("reports an unknown health service name", async () => {
    const r = await probeHealth({ address: addr(serving), timeoutMs: 5_000, service: "nope" });
    expect(r).toMatchObject({ ok: false, status: "SERVICE_UNKNOWN" });
  });

  it("reports a closed port as unreachable", async () => {
    const port = await closedPort();
    expect(await probeHealth({ address: `127.0.0.1:${port}`, timeoutMs: 5_000 })).toEqual({
      ok: false,
      status: "UNREACHABLE",
      noAnswer: true,
      message: `127.0.0.1:${port} is unreachable (connect ECONNREFUSED 127.0.0.1:${port}); is \`serve\` running and listening there?`,
    });
  });

  it("times out on a server that never answers", async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    try {
      const port = (silent.address() as { port: number }).port;
      const r = await probeHealth({ address: `127.0.0.1:${port}`, timeoutMs: 300 });
      expect(r).toMatchObject({ ok: false, status: "TIMEOUT" });
      if (!r.ok) expect(r.message).toContain("raise --timeout");
    } finally {
      silent.close();
    }
  });

  it("dials a wildcard listen address on loopback and refuses what is not HOST:PORT", () => {
    expect(dialAddress("0.0.0.0:50051", "--addr")).toEqual({ host: "127.0.0.1", port: 50051 });
    expect(dialAddress("[::]:50051", "--addr")).toEqual({ host: "::1", port: 50051 });
    expect(() => dialAddress("localhost", "--addr")).toThrow(
      '--addr: expected HOST:PORT (e.g. 127.0.0.1:50051), got "localhost"',
    );
  });
});

describe.skipIf(!hasOpenssl())("probeHealth over TLS", () => {
  let certs: TestCertificates;
  let mtls: RunningServer;
  let h2c: RunningServer;
  const file = (name: string) => join(certs.dir, name);
  beforeAll(async () => {
    certs = makeTestCertificates();
    mtls = await serveFixture({ tls: certs });
    h2c = await serveFixture();
  });
  afterAll(async () => {
    await mtls?.close(false);
    await h2c?.close(false);
    certs?.remove();
  });

  it("answers SERVING with the CA and a client certificate, by IP or by name", async () => {
    const o = {
      address: addr(mtls),
      caFile: file("ca.crt"),
      certFile: file("client.crt"),
      keyFile: file("client.key"),
      timeoutMs: 5_000,
    };
    expect(await probeHealth(o)).toEqual({ ok: true, status: "SERVING" });
    expect(await probeHealth({ ...o, serverName: "localhost" })).toEqual({
      ok: true,
      status: "SERVING",
    });
  });

  it("names the TLS flags when the handshake fails", async () => {
    const cases = [
      // No client certificate for a server that requires one.
      { caFile: file("ca.crt") },
      // A CA that did not sign the server's certificate.
      {
        caFile: file("stranger-ca.crt"),
        certFile: file("client.crt"),
        keyFile: file("client.key"),
      },
      // A certificate for another name.
      {
        caFile: file("ca.crt"),
        certFile: file("client.crt"),
        keyFile: file("client.key"),
        serverName: "elsewhere.example",
      },
    ];
    for (const c of cases) {
      const r = await probeHealth({ address: addr(mtls), timeoutMs: 5_000, ...c });
      expect(r, JSON.stringify(c)).toMatchObject({ ok: false, status: "TLS" });
      if (!r.ok) {
        expect(r.message).toContain("TLS handshake failed");
        expect(r.message).toContain("--tls-client-ca");
        expect(r.message).not.toContain("\n");
      }
    }
  });

  it("hints at TLS when a plaintext probe meets a TLS port, and the reverse", async () => {
    const plain = await probeHealth({ address: addr(mtls), timeoutMs: 5_000 });
    expect(plain.ok).toBe(false);
    if (!plain.ok) expect(plain.message).toContain("--tls-client-ca");
    const tls = await probeHealth({ address: addr(h2c), caFile: file("ca.crt"), timeoutMs: 5_000 });
    expect(tls).toMatchObject({ ok: false, status: "TLS" });
    if (!tls.ok) expect(tls.message).toContain("wrong version number");
  });
});

describe("the health command", () => {
  it("prints SERVING and exits 0 against `serve`, reading the address from BATON_LISTEN", async () => {
    const port = await closedPort();
    const env = { BATON_LISTEN: `127.0.0.1:${port}`, BATON_LOG_LEVEL: "warn" };
    const server = start(fixtureBin, ["serve"], env);
    try {
      await waitFor(server.output, (o) => o.stdout.includes("listening on"), "serve to listen");
      const probed = await run(fixtureBin, ["health"], env);
      expect(probed).toMatchObject({ code: 0, stdout: "SERVING\n", stderr: "" });
    } finally {
      server.child.kill("SIGTERM");
      expect((await server.done).code).toBe(0);
    }
  });

  it("exits 1 with one line when nothing listens, and 2 for a bad --addr", async () => {
    const port = await closedPort();
    const down = await run(fixtureBin, ["health", "--addr", `127.0.0.1:${port}`, "--timeout", "2"]);
    expect(down.code).toBe(1);
    expect(down.stdout).toBe("");
    expect(down.stderr).toMatch(
      /^UNREACHABLE: 127\.0\.0\.1:\d+ is unreachable \(.+\); is `serve` running and listening there\?\n$/,
    );
    const bad = await run(fixtureBin, ["health", "--addr", "nowhere"]);
    expect(bad).toMatchObject({
      code: 2,
      stderr: 'error: --addr: expected HOST:PORT (e.g. 127.0.0.1:50051), got "nowhere"\n',
    });
    const badTimeout = await run(fixtureBin, ["health", "--timeout", "0"]);
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.stderr).toContain("--timeout");
  });
});

describe("the health command never hangs and never prints a stack", () => {
  /** Runs the probe the lean way (the binary's own entry) and through the full CLI. */
  async function bothWays(args: string[]) {
    const lean = await run(seismicBin, ["health", ...args]);
    // A config file is one of the things only the full CLI handles.
    const config = `${tempDir()}/empty.yaml`;
    writeFileSync(config, "");
    const full = await run(seismicBin, ["health", ...args], { BATON_CONFIG_PATH: config });
    return { lean, full };
  }

  it("gives up on a peer that accepts and never answers, with one TIMEOUT line", async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    try {
      const port = (silent.address() as { port: number }).port;
      const { lean, full } = await bothWays(["--addr", `127.0.0.1:${port}`, "--timeout", "0.5"]);
      for (const r of [lean, full]) {
        expect(r.code).toBe(1);
        expect(r.stdout).toBe("");
        expect(r.stderr).toMatch(
          /^TIMEOUT: 127\.0\.0\.1:\d+ did not answer within the timeout; .*raise --timeout\n$/,
        );
      }
    } finally {
      silent.close();
    }
  });

  it("says a plain HTTP server is not gRPC, in one line", async () => {
    const http = createHttpServer((_req, res) => res.end("hello"));
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    try {
      const port = (http.address() as { port: number }).port;
      const { lean, full } = await bothWays(["--addr", `127.0.0.1:${port}`, "--timeout", "5"]);
      for (const r of [lean, full]) {
        expect(r.code).toBe(1);
        expect(r.stderr.split("\n")).toHaveLength(2);
        expect(r.stderr).toMatch(
          /^ERROR: 127\.0\.0\.1:\d+: the connection failed \(.+\); .*plain HTTP is not gRPC\)\n$/,
        );
        expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+/);
      }
    } finally {
      http.closeAllConnections();
      http.close();
    }
  });

  it("names --timeout, --tls-cert and --tls-key when their values are unusable (exit 2)", async () => {
    const { lean, full } = await bothWays(["--timeout", "abc"]);
    for (const r of [lean, full]) {
      expect(r).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(
          /^error: --timeout: expected a number of seconds from 0\.001 to 3600 \(e\.g\. 5\), got "abc"\n/,
        ),
      });
    }
    const junk = `${tempDir()}/junk.pem`;
    writeFileSync(junk, "not a certificate\n");
    const pem = await bothWays(["--tls-client-ca", junk]);
    for (const r of [pem.lean, pem.full]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /^error: --tls-client-ca .*junk\.pem: not a PEM CA certificate \(.+\); give the CA certificate file/,
      );
    }
    const cert = await bothWays(["--tls-cert", junk, "--tls-key", junk]);
    expect(cert.lean.stderr).toMatch(
      /^error: --tls-cert .*junk\.pem: not a PEM certificate \(no start line\); give the certificate file/,
    );
    expect(cert.full.stderr).toBe(cert.lean.stderr);
  });
});
