/**
 * TLS settings of the gRPC server: PEM certificate and key, and an optional client CA that turns
 * on mutual TLS, where a client without a certificate signed by that CA is refused during the
 * handshake, before any RPC runs. The same flags' files are read for the clients (`health`,
 * `--connector-addr`); either way a file that is not what its flag needs is refused up front in
 * one line naming the flag, instead of OpenSSL's `PEM routines::no start line` mid-handshake.
 */
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { SecureServerOptions } from "node:http2";
import { createSecureContext } from "node:tls";
import { UsageError } from "./usage-error.js";

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
  checkPem({
    cert: { path: files.certFile, pem: cert },
    key: { path: files.keyFile, pem: key },
    ...(clientCa && files.clientCaFile ? { ca: { path: files.clientCaFile, pem: clientCa } } : {}),
  });
  return clientCa ? { cert, key, clientCa } : { cert, key };
}

/** The client side's TLS files: the server's CA and, for mTLS, a client certificate and key. */
export interface ClientTlsFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

/** Reads and checks the client side's TLS files (see {@link checkPem}). */
export function readClientTlsFiles(files: ClientTlsFiles): {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
} {
  const read = (flag: string, path: string | undefined) => {
    if (path === undefined) return undefined;
    try {
      return { path, pem: readFileSync(path) };
    } catch (e) {
      throw new UsageError(
        `${flag}: cannot read "${path}" (${(e as { code?: string }).code ?? e})`,
      );
    }
  };
  const ca = read("--tls-client-ca", files.caFile);
  const cert = read("--tls-cert", files.certFile);
  const key = read("--tls-key", files.keyFile);
  checkPem({ ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) });
  return {
    ...(ca ? { ca: ca.pem } : {}),
    ...(cert ? { cert: cert.pem } : {}),
    ...(key ? { key: key.pem } : {}),
  };
}

interface PemFile {
  path: string;
  pem: Buffer;
}

/**
 * Refuses, naming the flag, a `--tls-cert` that is not a PEM certificate, a `--tls-key` that is
 * not a PEM private key or not the certificate's, and a `--tls-client-ca` that is not a PEM CA
 * certificate (OpenSSL would accept an empty CA list silently and fail every handshake later).
 */
export function checkPem(files: { cert?: PemFile; key?: PemFile; ca?: PemFile }): void {
  const { cert, key, ca } = files;
  if (cert)
    refuseIf(
      () => createSecureContext({ cert: cert.pem }),
      `--tls-cert ${cert.path}: not a PEM certificate`,
      'give the certificate file, the one that starts with "-----BEGIN CERTIFICATE-----"',
    );
  if (key)
    refuseIf(
      () => createSecureContext({ key: key.pem }),
      `--tls-key ${key.path}: not a PEM private key`,
      'give the key file, the one that starts with "-----BEGIN PRIVATE KEY-----" (or RSA/EC PRIVATE KEY), unencrypted',
    );
  if (cert && key)
    refuseIf(
      () => createSecureContext({ cert: cert.pem, key: key.pem }),
      `--tls-key ${key.path} does not belong to --tls-cert ${cert.path}`,
      "give the private key the certificate was issued for",
    );
  if (ca)
    refuseIf(
      () => {
        if (!ca.pem.includes("-----BEGIN CERTIFICATE-----"))
          throw new Error("no PEM certificate in it");
        new X509Certificate(ca.pem);
      },
      `--tls-client-ca ${ca.path}: not a PEM CA certificate`,
      'give the CA certificate file, the one that starts with "-----BEGIN CERTIFICATE-----"',
    );
}

function refuseIf(check: () => unknown, what: string, fix: string): void {
  try {
    check();
  } catch (e) {
    // OpenSSL messages end with the reason: `error:0480006C:PEM routines::no start line`.
    const reason = (e instanceof Error ? e.message : String(e)).split(":").filter(Boolean).at(-1);
    throw new UsageError(`${what} (${reason?.trim() ?? "unreadable"}); ${fix}`);
  }
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
