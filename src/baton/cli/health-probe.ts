/**
 * A one-shot `grpc.health.v1.Health/Check` against a served connector, shared by the `health`
 * command (a container probe) and by the remote sync's pre-flight check. Every failure is turned
 * into one sentence an operator can act on: unreachable, TLS mismatch, timeout or NOT_SERVING.
 */
import { readFileSync } from "node:fs";
import type { ClientHttp2Stream, Http2Session, SecureClientSessionOptions } from "node:http2";
import { isIP } from "node:net";
import { checkServerIdentity } from "node:tls";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import {
  Health,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../../gen/grpc/health/v1/health_pb.js";
import { UsageError } from "../errors.js";

export interface HealthProbeOptions {
  /** HOST:PORT of the server; a wildcard host (0.0.0.0, ::) is dialled on loopback. */
  address: string;
  /** PEM CA that signed the server certificate; switches on TLS. */
  caFile?: string;
  /** PEM client certificate and key, for a server that requires mTLS. */
  certFile?: string;
  keyFile?: string;
  /** Name to check the server certificate against (default: the host of `address`). */
  serverName?: string;
  timeoutMs: number;
  /** Health service name; "" is the whole server. */
  service?: string;
}

export type HealthProbeResult =
  | { ok: true; status: "SERVING" }
  | {
      ok: false;
      /** NOT_SERVING and friends, or what went wrong on the way: UNREACHABLE, TLS, TIMEOUT, ERROR. */
      status: string;
      /** One line that says why and what to check. */
      message: string;
    };

function readPem(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`${flag}: cannot read "${path}" (${(e as { code?: string }).code ?? e})`);
  }
}

/** `0.0.0.0:50051` → `127.0.0.1:50051`: a listen address is not something to dial. */
export function dialAddress(address: string, flag: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(address) ?? /^([^:[\]\s]+):(\d{1,5})$/.exec(address);
  const port = Number(m?.[2]);
  if (!m?.[1] || port < 1 || port > 65_535)
    throw new UsageError(`${flag}: expected HOST:PORT (e.g. 127.0.0.1:50051), got "${address}"`);
  const host = m[1] === "0.0.0.0" ? "127.0.0.1" : m[1] === "::" ? "::1" : m[1];
  return { host, port };
}

/** Every message and code along an error's cause chain, lower-cased, to classify it. */
function causeText(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 6; depth++) {
    const x = e as { message?: unknown; code?: unknown; cause?: unknown };
    parts.push(String(x.message ?? ""), String(x.code ?? ""));
    e = x.cause;
  }
  return parts.join(" ").toLowerCase();
}

const TLS_HINTS = [
  "ssl",
  "tls",
  "certificate",
  "cert_",
  "self-signed",
  "self signed",
  "wrong version number",
  "unable to verify",
  "handshake",
  "alert",
];

/** Turns a failed Check into a status word and one line naming what to check. */
export function explainFailure(err: unknown, address: string, tls: boolean): HealthProbeResult {
  const e = ConnectError.from(err);
  const text = causeText(err);
  if (e.code === Code.DeadlineExceeded)
    return {
      ok: false,
      status: "TIMEOUT",
      message: `${address} did not answer within the timeout; check the address, the port and any firewall, or raise --timeout`,
    };
  if (TLS_HINTS.some((h) => text.includes(h)))
    return {
      ok: false,
      status: "TLS",
      message: `${address}: TLS handshake failed (${shortTlsReason(e.rawMessage)}); ${tls ? "check --tls-client-ca (the CA that signed the server certificate), --tls-cert/--tls-key for mTLS, and --server-name" : "the server may serve TLS: pass --tls-client-ca with the CA that signed its certificate"}`,
    };
  if (/econnrefused|enotfound|eai_again|ehostunreach|enetunreach|econnreset/.test(text))
    return {
      ok: false,
      status: "UNREACHABLE",
      message: `${address} is unreachable (${e.rawMessage}); is \`serve\` running and listening there?`,
    };
  if (e.code === Code.Unimplemented)
    return {
      ok: false,
      status: "ERROR",
      message: `${address} does not serve grpc.health.v1.Health; is this a Baton connector's \`serve\`?`,
    };
  if (e.code === Code.NotFound)
    return { ok: false, status: "SERVICE_UNKNOWN", message: `${address}: ${e.rawMessage}` };
  // A plaintext client talking to a TLS port sees the connection torn down mid-preface
  // (Canceled, Unavailable or Internal, depending on timing).
  if (!tls && [Code.Canceled, Code.Unavailable, Code.Internal, Code.Unknown].includes(e.code))
    return {
      ok: false,
      status: "ERROR",
      message: `${address}: the connection failed (${e.rawMessage}); if the server serves TLS, pass --tls-client-ca with the CA that signed its certificate`,
    };
  return { ok: false, status: "ERROR", message: `${address}: ${Code[e.code]}: ${e.rawMessage}` };
}

/** Calls Health/Check once; never throws except a UsageError for bad flags or unreadable files. */
export async function probeHealth(o: HealthProbeOptions): Promise<HealthProbeResult> {
  const { host, port } = dialAddress(o.address, "--addr");
  if (Boolean(o.certFile) !== Boolean(o.keyFile))
    throw new UsageError("--tls-cert and --tls-key go together: give both for mTLS, or neither");
  const tls = Boolean(o.caFile || o.certFile);
  const authority = isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
  const baseUrl = `${tls ? "https" : "http"}://${authority}`;
  const serverName = o.serverName ?? host;
  const nodeOptions: SecureClientSessionOptions = tls
    ? {
        ...(o.caFile ? { ca: readPem(o.caFile, "--tls-client-ca") } : {}),
        ...(o.certFile ? { cert: readPem(o.certFile, "--tls-cert") } : {}),
        ...(o.keyFile ? { key: readPem(o.keyFile, "--tls-key") } : {}),
        // SNI must not be an IP address; the certificate check still uses `serverName`.
        ...(isIP(serverName) ? {} : { servername: serverName }),
        checkServerIdentity: (_host, cert) => checkServerIdentity(serverName, cert),
      }
    : {};
  const sessions = new ClosingSessionManager(baseUrl, {}, nodeOptions);
  const client = createClient(Health, createGrpcTransport({ baseUrl, sessionManager: sessions }));
  try {
    const res = await client.check({ service: o.service ?? "" }, { timeoutMs: o.timeoutMs });
    if (res.status === ServingStatus.SERVING) return { ok: true, status: "SERVING" };
    const status = ServingStatus[res.status] ?? String(res.status);
    return {
      ok: false,
      status,
      message:
        res.status === ServingStatus.NOT_SERVING
          ? `the connector at ${o.address} has not validated its credentials yet, or is shutting down; see its logs`
          : `the connector at ${o.address} answered ${status}`,
    };
  } catch (err) {
    return explainFailure(err, o.address, tls);
  } finally {
    sessions.closeGracefully();
  }
}

/**
 * Closes its connection with GOAWAY(NO_ERROR) instead of a reset, so a probe every few seconds
 * does not fill the server's log with "session closed with error code 8" warnings.
 */
class ClosingSessionManager extends Http2SessionManager {
  #session: Http2Session | undefined;

  override async request(
    ...args: Parameters<Http2SessionManager["request"]>
  ): Promise<ClientHttp2Stream> {
    const stream = await super.request(...args);
    this.#session = stream.session ?? undefined;
    return stream;
  }

  closeGracefully(): void {
    if (this.#session && !this.#session.destroyed) this.#session.close();
    else this.abort();
  }
}

/** The reason of an OpenSSL error line (`…:SSL routines:fn:wrong version number:file:line:`). */
export function shortTlsReason(message: string): string {
  const m = /SSL routines:[^:]*:([^:]+):/.exec(message);
  return m?.[1] ?? message.split("\n")[0] ?? message;
}
