/**
 * A one-shot `grpc.health.v1.Health/Check` against a served connector, shared by the `health`
 * command (a container probe) and by the remote sync's pre-flight check. Every failure is turned
 * into one sentence an operator can act on: unreachable, TLS mismatch, timeout, not gRPC, or
 * NOT_SERVING.
 *
 * It speaks gRPC over `node:http2` itself (one unary call: a 5-byte frame header around a
 * one-field message each way) instead of loading the Connect and protobuf runtimes, because a
 * probe runs every few seconds for the life of a container: this way it costs about a tenth of
 * the CPU. One timer bounds the whole call, connection and TLS handshake included, and tears the
 * connection down when it fires, so the probe always returns within its timeout.
 */
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect,
  type IncomingHttpHeaders,
  type SecureClientSessionOptions,
} from "node:http2";
import { isIP } from "node:net";
import { checkServerIdentity } from "node:tls";
import { readClientTlsFiles } from "../tls.js";
import { UsageError } from "../usage-error.js";

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
  /** The flags the messages name: the address's (default `--addr`) and the timeout's ("" for none). */
  flags?: { address: string; timeout: string };
}

export type HealthProbeResult =
  | { ok: true; status: "SERVING" }
  | {
      ok: false;
      /** NOT_SERVING and friends, or what went wrong on the way: UNREACHABLE, TLS, TIMEOUT, ERROR. */
      status: string;
      /** One line that says why and what to check. */
      message: string;
      /** No gRPC answer came back at all (as opposed to an answer that is not SERVING). */
      noAnswer?: true;
    };

/** `grpc.health.v1.HealthCheckResponse.ServingStatus` (proto/grpc/health/v1/health.proto). */
const SERVING_STATUS = ["UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"] as const;

/** The gRPC status codes the probe tells apart. */
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_NOT_FOUND = 5;
const GRPC_UNIMPLEMENTED = 12;

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

/** The reason of an OpenSSL error line (`…:SSL routines:fn:wrong version number:file:line:`). */
export function shortTlsReason(message: string): string {
  const m = /SSL routines:[^:]*:([^:]+):/.exec(message);
  return m?.[1] ?? message.split("\n")[0] ?? message;
}

/** Turns a connection or stream error into a status word and one line naming what to check. */
export function explainFailure(err: unknown, address: string, tls: boolean): HealthProbeResult {
  const text = causeText(err);
  // The innermost cause says what happened (`connect ECONNREFUSED …`), wrappers only where.
  let root: unknown = err;
  while (root instanceof Error && root.cause instanceof Error) root = root.cause;
  const message = root instanceof Error ? root.message : String(root);
  if (TLS_HINTS.some((h) => text.includes(h)))
    return {
      ok: false,
      status: "TLS",
      noAnswer: true,
      message: `${address}: TLS handshake failed (${shortTlsReason(message)}); ${tls ? "check --tls-client-ca (the CA that signed the server certificate), --tls-cert/--tls-key for mTLS, and --server-name" : "the server may serve TLS: pass --tls-client-ca with the CA that signed its certificate"}`,
    };
  if (/econnrefused|enotfound|eai_again|ehostunreach|enetunreach/.test(text))
    return {
      ok: false,
      status: "UNREACHABLE",
      noAnswer: true,
      message: `${address} is unreachable (${message}); is \`serve\` running and listening there?`,
    };
  // A plaintext client meets a TLS port (the server drops the connection mid-preface) or a
  // server that does not speak HTTP/2 at all (an HTTP/1 server answers the preface with 400).
  return {
    ok: false,
    status: "ERROR",
    noAnswer: true,
    message: tls
      ? `${address}: the connection failed (${message}); check that the address is the one \`serve\` listens on`
      : `${address}: the connection failed (${message}); if the server serves TLS, pass --tls-client-ca with the CA that signed its certificate, and check that the address is the one \`serve\` listens on (plain HTTP is not gRPC)`,
  };
}

/** The answer to a Check that completed at the HTTP/2 level. */
function explainAnswer(
  address: string,
  tls: boolean,
  headers: IncomingHttpHeaders,
  trailers: IncomingHttpHeaders,
  body: Buffer,
): HealthProbeResult {
  if (headers[":status"] === undefined)
    return explainFailure(new Error("no answer on the stream"), address, tls);
  const httpStatus = Number(headers[":status"]);
  const contentType = String(headers["content-type"] ?? "");
  if (httpStatus !== 200 || !contentType.startsWith("application/grpc"))
    return {
      ok: false,
      status: "ERROR",
      noAnswer: true,
      message: `${address} answered HTTP ${httpStatus}${contentType ? ` (${contentType})` : ""}, not gRPC; is this a Baton connector's \`serve\`?`,
    };
  // A trailers-only answer carries grpc-status in the headers.
  const grpcStatus = Number(trailers["grpc-status"] ?? headers["grpc-status"] ?? Number.NaN);
  const grpcMessage = decodeURIComponent(
    String(trailers["grpc-message"] ?? headers["grpc-message"] ?? ""),
  );
  if (grpcStatus === GRPC_UNIMPLEMENTED)
    return {
      ok: false,
      status: "ERROR",
      message: `${address} does not serve grpc.health.v1.Health; is this a Baton connector's \`serve\`?`,
    };
  if (grpcStatus === GRPC_NOT_FOUND)
    return { ok: false, status: "SERVICE_UNKNOWN", message: `${address}: ${grpcMessage}` };
  if (grpcStatus === GRPC_DEADLINE_EXCEEDED) return timedOut(address);
  if (grpcStatus !== 0)
    return {
      ok: false,
      status: "ERROR",
      message: `${address}: gRPC status ${Number.isNaN(grpcStatus) ? "missing" : grpcStatus}${grpcMessage ? `: ${grpcMessage}` : ""}`,
    };
  const status = SERVING_STATUS[servingStatus(body)] ?? "UNKNOWN";
  if (status === "SERVING") return { ok: true, status };
  return {
    ok: false,
    status,
    message:
      status === "NOT_SERVING"
        ? `the connector at ${address} has not validated its credentials yet, or is shutting down; see its logs`
        : `the connector at ${address} answered ${status}`,
  };
}

/** The TIMEOUT result: no answer from `address` within the timeout (named by `timeoutFlag`). */
export function timedOut(
  address: string,
  timeoutFlag = "--timeout",
): Extract<HealthProbeResult, { ok: false }> {
  return {
    ok: false,
    status: "TIMEOUT",
    noAnswer: true,
    message: `${address} did not answer within the timeout; check the address, the port and any firewall${timeoutFlag ? `, or raise ${timeoutFlag}` : ""}`,
  };
}

/** The gRPC frame of a `HealthCheckRequest { service = 1 }` (field omitted when empty). */
export function checkRequestFrame(service: string): Buffer {
  const name = Buffer.from(service, "utf8");
  const message =
    name.length > 0
      ? Buffer.concat([Buffer.from([0x0a]), varint(name.length), name])
      : Buffer.alloc(0);
  const header = Buffer.alloc(5);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return Buffer.from(out);
}

/**
 * `status` (field 1, varint) of the `HealthCheckResponse` in a gRPC frame; 0 (UNKNOWN) when it
 * is absent or the frame is malformed. Other fields are skipped by wire type.
 */
export function servingStatus(frame: Buffer): number {
  if (frame.length < 5 || frame[0] !== 0) return 0;
  const end = Math.min(frame.length, 5 + frame.readUInt32BE(1));
  let status = 0;
  let i = 5;
  const readVarint = (): number => {
    let v = 0;
    for (let shift = 0; i < end && shift < 35; shift += 7) {
      const b = frame[i++] ?? 0;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
    i = end;
    return 0;
  };
  while (i < end) {
    const tag = readVarint();
    const wire = tag & 7;
    if (tag >>> 3 === 1 && wire === 0) status = readVarint();
    else if (wire === 0) readVarint();
    else if (wire === 1) i += 8;
    else if (wire === 2) {
      // Not `i += readVarint()`: that would add to the value of `i` before the length was read.
      const length = readVarint();
      i += length;
    } else if (wire === 5) i += 4;
    else return 0;
  }
  return status;
}

/** Calls Health/Check once; never throws except a UsageError for bad flags or unusable files. */
export async function probeHealth(o: HealthProbeOptions): Promise<HealthProbeResult> {
  const { host, port } = dialAddress(o.address, o.flags?.address ?? "--addr");
  if (Boolean(o.certFile) !== Boolean(o.keyFile))
    throw new UsageError("--tls-cert and --tls-key go together: give both for mTLS, or neither");
  const tls = Boolean(o.caFile || o.certFile);
  const authority = isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
  const serverName = o.serverName ?? host;
  const options: SecureClientSessionOptions = tls
    ? {
        ...readClientTlsFiles(o),
        // SNI must not be an IP address; the certificate check still uses `serverName`.
        ...(isIP(serverName) ? {} : { servername: serverName }),
        checkServerIdentity: (_host, cert) => checkServerIdentity(serverName, cert),
      }
    : {};
  return new Promise<HealthProbeResult>((resolve) => {
    let session: ClientHttp2Session | undefined;
    let settled = false;
    const finish = (result: HealthProbeResult, graceful: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // GOAWAY(NO_ERROR) after an answer, so a probe every few seconds does not fill the
      // server's log; a reset otherwise, so nothing keeps the process waiting.
      if (graceful) session?.close();
      else session?.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish(timedOut(o.address, o.flags?.timeout), false),
      o.timeoutMs,
    );
    try {
      session = connect(`${tls ? "https" : "http"}://${authority}`, options);
    } catch (err) {
      finish(explainFailure(err, o.address, tls), false);
      return;
    }
    session.on("error", (err) => finish(explainFailure(err, o.address, tls), false));
    session.on("close", () =>
      finish(explainFailure(new Error("the server closed the connection"), o.address, tls), false),
    );
    let stream: ClientHttp2Stream;
    try {
      stream = session.request({
        ":method": "POST",
        ":path": "/grpc.health.v1.Health/Check",
        "content-type": "application/grpc",
        te: "trailers",
        "grpc-timeout": `${Math.max(1, Math.ceil(o.timeoutMs))}m`,
      });
    } catch (err) {
      finish(explainFailure(err, o.address, tls), false);
      return;
    }
    let headers: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    stream.on("response", (h) => {
      headers = h;
    });
    stream.on("trailers", (t) => {
      trailers = t;
    });
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () =>
      finish(explainAnswer(o.address, tls, headers, trailers, Buffer.concat(chunks)), true),
    );
    stream.on("error", (err) => finish(explainFailure(err, o.address, tls), false));
    stream.on("close", () =>
      finish(explainFailure(new Error(`stream reset (${stream.rstCode})`), o.address, tls), false),
    );
    stream.end(checkRequestFrame(o.service ?? ""));
  });
}
