/**
 * The server around the services: which addresses may serve plaintext, who may connect under
 * mTLS, when health turns SERVING, and how close()/serve() drain in-flight calls. Clients are
 * @grpc/grpc-js; everything listens on 127.0.0.1 port 0.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../src/baton/errors.js";
import { serve } from "../src/baton/serve.js";
import { type RunningServer, startServer } from "../src/baton/server.js";
import { createFixtureConnector } from "../src/baton/testing/fixture-connector.js";
import { ConnectorService } from "../src/gen/c1/connector/v2/connector_pb.js";
import { ResourcesService } from "../src/gen/c1/connector/v2/resource_pb.js";
import { Health, HealthCheckResponse_ServingStatus } from "../src/gen/grpc/health/v1/health_pb.js";
import { mtlsCredentials, startHarness } from "./grpc-harness.js";
import { GrpcJsClient, grpc, TLS_LOOPBACK_OPTIONS } from "./grpc-js-client.js";
import { hasOpenssl, makeTestCertificates, type TestCertificates } from "./test-certificates.js";

const { SERVING, NOT_SERVING } = HealthCheckResponse_ServingStatus;

/** A promise with its resolve function, to hold a connector call in flight. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe("plaintext is refused off loopback, before binding", () => {
  const connector = createFixtureConnector();

  it.each(["0.0.0.0:0", "192.0.2.1:50051", "[2001:db8::1]:50051", "connector.example.test:443"])(
    "%s without TLS names the flags to add",
    async (listen) => {
      const err = await startServer({ connector, listen }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      const message = (err as UsageError).message;
      expect(message).toContain("--tls-cert");
      expect(message).toContain("--tls-key");
      expect(message).toContain("--insecure-plaintext");
      // 192.0.2.1 is not on this machine: binding first would have failed differently.
      expect(message).toContain("refusing to serve plaintext");
    },
  );

  it("rejects a malformed --listen value", async () => {
    for (const listen of ["127.0.0.1", "127.0.0.1:99999", ":50051", "[nope]:1"]) {
      const err = await startServer({ connector, listen }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).message).toContain("--listen");
    }
  });

  it("names --listen when the port is already taken", async () => {
    const first = await startServer({ connector, listen: "127.0.0.1:0" });
    try {
      const err = await startServer({
        connector,
        listen: `127.0.0.1:${first.address.port}`,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).message).toMatch(/--listen .*already in use/);
    } finally {
      await first.close();
    }
  });

  it("serves loopback plaintext, reporting the bound address", async () => {
    const s = await startServer({ connector, listen: "127.0.0.1:0" });
    expect(s.address.host).toBe("127.0.0.1");
    expect(s.address.port).toBeGreaterThan(0);
    expect(s.url).toBe(`http://127.0.0.1:${s.address.port}`);
    await s.close();
  });
});

describe.skipIf(!hasOpenssl())("mTLS admission", () => {
  let certs: TestCertificates;
  let server: RunningServer;
  let target: string;
  beforeAll(async () => {
    certs = makeTestCertificates();
    server = await startServer({
      connector: createFixtureConnector(),
      listen: "127.0.0.1:0",
      tls: { cert: certs.serverCert, key: certs.serverKey, clientCa: certs.caCert },
    });
    target = `127.0.0.1:${server.address.port}`;
  });
  afterAll(async () => {
    await server?.close(false);
    certs?.remove();
  });

  async function validateWith(credentials: grpc.ChannelCredentials) {
    const client = new GrpcJsClient(target, credentials, TLS_LOOPBACK_OPTIONS);
    try {
      return await client.call(
        ConnectorService.method.validate,
        {},
        { deadline: Date.now() + 5_000 },
      );
    } finally {
      client.close();
    }
  }

  it("accepts a client certificate signed by the client CA", async () => {
    expect(server.url).toBe(`https://${target}`);
    const res = await validateWith(mtlsCredentials(certs));
    expect(res.sdkVersion).toBe("v0.25.0");
  });

  it("refuses a client without a certificate", async () => {
    const err = await validateWith(grpc.credentials.createSsl(Buffer.from(certs.caCert))).catch(
      (e: grpc.ServiceError) => e,
    );
    expect((err as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
  });

  it("refuses a client whose certificate another CA signed", async () => {
    const stranger = grpc.credentials.createSsl(
      Buffer.from(certs.caCert),
      Buffer.from(certs.strangerKey),
      Buffer.from(certs.strangerCert),
    );
    const err = await validateWith(stranger).catch((e: grpc.ServiceError) => e);
    expect((err as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
  });

  it("refuses a plaintext client", async () => {
    const client = new GrpcJsClient(target);
    const err = await client.fail(ConnectorService.method.validate, {});
    client.close();
    expect(err.code).toBe(grpc.status.UNAVAILABLE);
  });
});

describe("health follows validation", () => {
  it("is NOT_SERVING until start-up validation succeeds, then SERVING", async () => {
    const held = gate();
    const h = await startHarness("h2c", undefined, {
      beforeCall: (call) => (call === "validate" ? held.promise : undefined),
    });
    try {
      const before = await h.client.call(Health.method.check, { service: "" });
      expect(before.status).toBe(NOT_SERVING);
      expect(h.server.health()).toBe(NOT_SERVING);
      held.open();
      expect(await h.server.validated).toBe(true);
      const after = await h.client.call(Health.method.check, {
        service: "c1.connector.v2.ConnectorService",
      });
      expect(after.status).toBe(SERVING);
    } finally {
      await h.close();
    }
  });

  it("stays NOT_SERVING when validation fails, and turns SERVING after a later Validate succeeds", async () => {
    let credentialsOk = false;
    const h = await startHarness("h2c", undefined, {
      beforeCall: (call) => {
        if (call === "validate" && !credentialsOk) throw new Error("upstream said 401");
      },
    });
    try {
      expect(await h.server.validated).toBe(false);
      const check = await h.client.call(Health.method.check, { service: "" });
      expect(check.status).toBe(NOT_SERVING);
      const err = await h.client.fail(ConnectorService.method.validate, {});
      expect(err.code).toBe(grpc.status.INTERNAL);
      expect(h.server.health()).toBe(NOT_SERVING);

      credentialsOk = true;
      await h.client.call(ConnectorService.method.validate, {});
      const later = await h.client.call(Health.method.check, { service: "" });
      expect(later.status).toBe(SERVING);
    } finally {
      await h.close();
    }
  });

  it("reports a connector's own Unauthenticated at Validate and keeps NOT_SERVING", async () => {
    const h = await startHarness("h2c", undefined, { failValidation: true });
    try {
      expect(await h.server.validated).toBe(false);
      const err = await h.client.fail(ConnectorService.method.validate, {});
      expect(err.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(err.details).toBe("fixture: the credentials were rejected");
      expect(h.server.health()).toBe(NOT_SERVING);
    } finally {
      await h.close();
    }
  });
});

describe("draining", () => {
  it("lets a call in flight during close() complete, and refuses new connections", async () => {
    const held = gate();
    const entered = gate();
    const h = await startHarness(
      "h2c",
      undefined,
      {
        beforeCall: async (call) => {
          if (call !== "list:group") return;
          entered.open();
          await held.promise;
        },
      },
      { drainTimeoutMs: 30_000 },
    );
    const inFlight = h.client.call(ResourcesService.method.listResources, {
      resourceTypeId: "group",
    });
    await entered.promise;
    const closing = h.server.close();
    expect(h.server.health()).toBe(NOT_SERVING);

    const late = new GrpcJsClient(h.target);
    const refused = await late.fail(ConnectorService.method.validate, {});
    late.close();
    expect(refused.code).toBe(grpc.status.UNAVAILABLE);

    held.open();
    const res = await inFlight;
    expect(res.list.map((g) => g.id?.resource)).toEqual(["eng", "ops"]);
    await closing;
    h.client.close();
  });

  it("cancels calls still running at the drain deadline, then closes", async () => {
    const entered = gate();
    const h = await startHarness(
      "h2c",
      undefined,
      {
        // Never finishes on its own: only the server's shutdown signal ends it.
        beforeCall: (call, signal) => {
          if (call !== "list:user") return undefined;
          entered.open();
          return new Promise<void>((_, reject) => {
            signal.addEventListener("abort", () => reject(signal.reason), { once: true });
          });
        },
      },
      { drainTimeoutMs: 200 },
    );
    const inFlight = h.client.fail(ResourcesService.method.listResources, {
      resourceTypeId: "user",
    });
    await entered.promise;
    await h.server.close();
    const err = await inFlight;
    expect(err.code).not.toBe(grpc.status.OK);
    h.client.close();
  });
});

describe("serve()", () => {
  it("serves until its signal aborts, then drains and resolves, removing its signal handlers", async () => {
    const sigterm = process.listenerCount("SIGTERM");
    const stop = new AbortController();
    let served: string | undefined;
    await serve(
      { connector: createFixtureConnector(), listen: "127.0.0.1:0" },
      {
        signal: stop.signal,
        onListening: (server) => {
          expect(process.listenerCount("SIGTERM")).toBe(sigterm + 1);
          const client = new GrpcJsClient(`127.0.0.1:${server.address.port}`);
          client
            .call(ConnectorService.method.validate, {})
            .then((res) => {
              served = res.sdkVersion;
            })
            .finally(() => {
              client.close();
              stop.abort();
            });
        },
      },
    );
    expect(served).toBe("v0.25.0");
    expect(process.listenerCount("SIGTERM")).toBe(sigterm);
  });

  it("rejects with the UsageError before installing handlers", async () => {
    const sigint = process.listenerCount("SIGINT");
    await expect(
      serve({ connector: createFixtureConnector(), listen: "0.0.0.0:0" }),
    ).rejects.toBeInstanceOf(UsageError);
    expect(process.listenerCount("SIGINT")).toBe(sigint);
  });
});
