/**
 * Starts a fixture connector behind the real gRPC server, over h2c or mTLS, and dials it with a
 * grpc-js client; every test file that needs a running server uses this, and closes it.
 */
import { type RunningServer, type ServerOptions, startServer } from "../src/baton/server.js";
import {
  createFixtureConnector,
  type FixtureConnector,
  type FixtureOptions,
} from "../src/baton/testing/fixture-connector.js";
import { GrpcJsClient, grpc, TLS_LOOPBACK_OPTIONS } from "./grpc-js-client.js";
import type { TestCertificates } from "./test-certificates.js";

export type TransportKind = "h2c" | "mtls";

export interface Harness {
  fixture: FixtureConnector;
  server: RunningServer;
  client: GrpcJsClient;
  /** host:port to dial. */
  target: string;
  close(): Promise<void>;
}

/** Client credentials for mTLS with the trusted client certificate. */
export function mtlsCredentials(certs: TestCertificates): grpc.ChannelCredentials {
  return grpc.credentials.createSsl(
    Buffer.from(certs.caCert),
    Buffer.from(certs.clientKey),
    Buffer.from(certs.clientCert),
  );
}

export async function startHarness(
  kind: TransportKind,
  certs: TestCertificates | undefined,
  fixtureOptions: FixtureOptions = {},
  serverOptions: Partial<ServerOptions> = {},
): Promise<Harness> {
  const fixture = createFixtureConnector(fixtureOptions);
  if (kind === "mtls" && !certs) throw new Error("mTLS needs test certificates");
  const server = await startServer({
    connector: fixture,
    listen: "127.0.0.1:0",
    provisioning: true,
    ...(kind === "mtls" && certs
      ? { tls: { cert: certs.serverCert, key: certs.serverKey, clientCa: certs.caCert } }
      : {}),
    ...serverOptions,
  });
  const target = `127.0.0.1:${server.address.port}`;
  const client =
    kind === "mtls" && certs
      ? new GrpcJsClient(target, mtlsCredentials(certs), TLS_LOOPBACK_OPTIONS)
      : new GrpcJsClient(target);
  return {
    fixture,
    server,
    client,
    target,
    close: async () => {
      client.close();
      await server.close(false);
    },
  };
}
