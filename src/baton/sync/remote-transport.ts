/**
 * A gRPC transport to a connector served elsewhere (`--connector-addr HOST:PORT`): plaintext h2c
 * to a loopback address, TLS when a CA is given, and mTLS when a client certificate is given too.
 */
import type { Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { UsageError } from "../errors.js";
import { readClientTlsFiles } from "../tls.js";

export interface RemoteOptions {
  /** HOST:PORT of the connector's gRPC server. */
  address: string;
  /** PEM CA that signed the server certificate; switches on TLS. */
  caFile?: string;
  /** PEM client certificate and key for mTLS. */
  certFile?: string;
  keyFile?: string;
}

/** Builds the transport; bad flags give a UsageError naming them. */
export function remoteTransport(o: RemoteOptions): Transport {
  if (!/^[^\s]+:\d{1,5}$/.test(o.address)) {
    throw new UsageError(`--connector-addr: expected HOST:PORT, got "${o.address}"`);
  }
  if (Boolean(o.certFile) !== Boolean(o.keyFile)) {
    throw new UsageError("--tls-cert and --tls-key go together: give both for mTLS, or neither");
  }
  const tls = Boolean(o.caFile || o.certFile);
  return createGrpcTransport({
    baseUrl: `${tls ? "https" : "http"}://${o.address}`,
    readMaxBytes: 64 * 1024 * 1024,
    nodeOptions: tls ? readClientTlsFiles(o) : {},
  });
}
