/**
 * TLS settings of the gRPC server: PEM certificate and key, and an optional client CA that turns
 * on mutual TLS, where a client without a certificate signed by that CA is refused during the
 * handshake, before any RPC runs.
 */
import { readFile } from "node:fs/promises";
import type { SecureServerOptions } from "node:http2";
import { UsageError } from "./errors.js";

/** PEM contents of the server's certificate chain and key, and of the CA for client certificates. */
export interface TlsMaterial {
  cert: string | Buffer;
  key: string | Buffer;
  /** When set, clients must present a certificate signed by this CA (mTLS). */
  clientCa?: string | Buffer;
}

/** Paths as given on the command line (`--tls-cert`, `--tls-key`, `--tls-client-ca`). */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
  clientCaFile?: string;
}

async function readFlagFile(flag: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as { code?: string }).code ?? "error";
    throw new UsageError(`${flag} ${path}: cannot read the file (${code})`);
  }
}

/** Reads the PEM files named by the TLS flags; an unreadable file is a UsageError naming the flag. */
export async function loadTlsFiles(files: TlsFiles): Promise<TlsMaterial> {
  const [cert, key, clientCa] = await Promise.all([
    readFlagFile("--tls-cert", files.certFile),
    readFlagFile("--tls-key", files.keyFile),
    files.clientCaFile ? readFlagFile("--tls-client-ca", files.clientCaFile) : undefined,
  ]);
  return clientCa ? { cert, key, clientCa } : { cert, key };
}

/**
 * Options for `http2.createSecureServer`: HTTP/2 only (ALPN `h2`, as gRPC requires), TLS ≥ 1.2,
 * and with a client CA, `requestCert` + `rejectUnauthorized` so unauthenticated clients never get
 * a session.
 */
export function secureServerOptions(tls: TlsMaterial): SecureServerOptions {
  const base: SecureServerOptions = {
    cert: tls.cert,
    key: tls.key,
    allowHTTP1: false,
    ALPNProtocols: ["h2"],
    minVersion: "TLSv1.2",
  };
  if (!tls.clientCa) return base;
  return { ...base, ca: tls.clientCa, requestCert: true, rejectUnauthorized: true };
}
