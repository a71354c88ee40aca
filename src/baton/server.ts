/**
 * The connector's gRPC sidecar server: every `c1.connector.v2` service, the rate limiter and
 * `grpc.health.v1.Health`, served as pure gRPC over Node's HTTP/2 server (h2c on loopback, TLS or
 * mTLS elsewhere), with a graceful drain on close.
 */
import type { Http2SecureServer, Http2Server, ServerHttp2Session } from "node:http2";
import { createSecureServer, createServer } from "node:http2";
import type { AddressInfo } from "node:net";
import type { Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { Health } from "../gen/grpc/health/v1/health_pb.js";
import { registerConnector } from "./builder.js";
import type { Connector } from "./connector.js";
import { errorInterceptor } from "./error-interceptor.js";
import { toConnectorError, UsageError } from "./errors.js";
import { withSpecGrpcMessage } from "./grpc-message.js";
import { HealthState, healthService, ServingStatus } from "./health.js";
import {
  checkPlaintextAllowed,
  formatHostPort,
  type ListenAddress,
  parseListenAddress,
  plaintextWarning,
} from "./listen-address.js";
import { type BatonLogger, silentLogger } from "./logger.js";
import type { Sleep } from "./retry.js";
import { secureServerOptions, type TlsMaterial } from "./tls.js";

/** How long close() lets in-flight calls finish by default. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

/** Options of {@link startServer}. */
export interface ServerOptions {
  connector: Connector;
  /** `HOST:PORT` (`[::1]:PORT` for IPv6); port 0 picks a free port. */
  listen: string;
  /** Serve TLS (and mTLS when `clientCa` is set). Without it only loopback is allowed. */
  tls?: TlsMaterial;
  /** Allow plaintext h2c on a non-loopback address (`--insecure-plaintext`). */
  insecurePlaintext?: boolean;
  /** Serve the provisioning services (`--provisioning`); otherwise they answer FailedPrecondition. */
  provisioning?: boolean;
  /** How long close() waits for in-flight calls before cutting them off (default 10 s). */
  drainTimeoutMs?: number;
  logger?: BatonLogger;
  /** Waits between the builder's own retries; injectable so tests need not sleep. */
  sleep?: Sleep;
  /** Run around every call, outside the error mapping (e.g. the metrics interceptor). */
  interceptors?: readonly Interceptor[];
}

/** A listening server. */
export interface RunningServer {
  /** The bound address (the real port when 0 was asked for). */
  readonly address: ListenAddress;
  /** `http://host:port` for h2c, `https://host:port` for TLS. */
  readonly url: string;
  /** Settles once start-up validation finished: true when the connector validated. */
  readonly validated: Promise<boolean>;
  /** The current health status (also served by `grpc.health.v1.Health`). */
  readonly health: () => ServingStatus;
  /**
   * Stops accepting connections and calls. Graceful (the default): in-flight calls may finish for
   * up to the drain timeout, then are cancelled. Resolves when the server is closed; idempotent.
   */
  close(graceful?: boolean): Promise<void>;
}

type AnyHttp2Server = Http2Server | Http2SecureServer;

/**
 * How a client's normal close looks from here when no call is in flight. grpc-go closes with a
 * GOAWAY whose last-stream-id is a client stream id, which nghttp2 rejects as a protocol error
 * (ERR_HTTP2_ERROR, "Protocol error") before the connection ends; others just reset the socket.
 */
const ROUTINE_CLOSE_CODES = ["ERR_HTTP2_ERROR", "ECONNRESET", "EPIPE"];
type Sessions = Map<ServerHttp2Session, Promise<void>>;

/**
 * Starts the server. Throws a {@link UsageError} (before binding anything) for a malformed
 * `listen`, or plaintext on a non-loopback address without `insecurePlaintext`; and for an address
 * that cannot be bound.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const requested = parseListenAddress(options.listen);
  if (!options.tls) checkPlaintextAllowed(requested, options.insecurePlaintext ?? false);
  const logger = options.logger ?? silentLogger;
  const drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;

  const health = new HealthState();
  const markValidated = () => health.set(ServingStatus.SERVING);
  // Aborting this cancels every handler's signal: the end of the drain, or a hard close.
  const shutdown = new AbortController();
  const handler = connectNodeAdapter({
    routes: (router) => {
      registerConnector(router, options.connector, {
        provisioning: options.provisioning ?? false,
        onValidated: markValidated,
        ...(options.sleep ? { sleep: options.sleep } : {}),
      });
      router.service(Health, healthService(health));
    },
    // Pure gRPC: Baton hosts are gRPC clients, and nothing else should be reachable.
    grpc: true,
    connect: false,
    grpcWeb: false,
    interceptors: [...(options.interceptors ?? []), errorInterceptor],
    shutdownSignal: shutdown.signal,
  });

  const listener = withSpecGrpcMessage(handler);
  const server: AnyHttp2Server = options.tls
    ? createSecureServer(secureServerOptions(options.tls), listener)
    : createServer({}, listener);
  // Each open session, with a promise that settles when it has really closed.
  const sessions: Sessions = new Map();
  server.on("session", (s: ServerHttp2Session) => {
    sessions.set(
      s,
      new Promise<void>((resolve) =>
        s.once("close", () => {
          sessions.delete(s);
          resolve();
        }),
      ),
    );
    // Calls the end of this connection broke off: without any, a connection error is a client
    // leaving. (The streams close before the session's error is emitted, so an open-stream
    // count would always be 0 by then.)
    let open = 0;
    let brokenOff = 0;
    s.on("stream", (stream) => {
      open++;
      stream.once("close", () => {
        open--;
        if (!stream.writableFinished && (s.destroyed || s.closed)) brokenOff++;
      });
    });
    // An error event must be handled, or it would become an uncaught exception.
    s.on("error", (err: NodeJS.ErrnoException) => {
      if (open === 0 && brokenOff === 0 && ROUTINE_CLOSE_CODES.includes(String(err.code))) {
        logger.debug?.({ err: err.message }, "client closed its HTTP/2 connection");
        return;
      }
      logger.warn({ err: err.message, callsBrokenOff: open + brokenOff }, "HTTP/2 session error");
    });
  });
  server.on("tlsClientError", (err: Error) =>
    logger.warn({ err: err.message }, "refused a TLS client (handshake failed)"),
  );

  const address = await listen(server, requested);
  server.on("error", (err) => logger.error({ err: err.message }, "gRPC server error"));
  const url = `${options.tls ? "https" : "http"}://${formatHostPort(address)}`;
  logger.info(
    { address: url, tls: !!options.tls, mtls: !!options.tls?.clientCa },
    "serving c1.connector.v2 over gRPC",
  );
  const exposed = options.tls
    ? undefined
    : plaintextWarning(address, options.provisioning ?? false);
  if (exposed) logger.warn({ address: url, provisioning: options.provisioning ?? false }, exposed);

  const validated = validateAtStartup(options.connector, shutdown.signal, logger).then((ok) => {
    if (ok) markValidated();
    return ok;
  });

  let closing: Promise<void> | undefined;
  const close = (graceful = true): Promise<void> => {
    if (!closing) {
      closing = drainAndClose(server, sessions, health, shutdown, graceful ? drainTimeoutMs : 0);
      closing.then(() => logger.info({ address: url }, "gRPC server closed"));
    } else if (!graceful) {
      // A second, hard close (e.g. a second Ctrl-C) cuts the drain short.
      cutOff(sessions, shutdown);
    }
    return closing;
  };
  return { address, url, validated, health: () => health.status, close };
}

/** Binds, mapping the usual bind failures to a UsageError naming `--listen`. */
async function listen(server: AnyHttp2Server, at: ListenAddress): Promise<ListenAddress> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const hint: Record<string, string> = {
        EADDRINUSE: "the address is already in use",
        EADDRNOTAVAIL: "the address is not available on this machine",
        EACCES: "permission denied (ports below 1024 need privileges)",
        ENOTFOUND: "the host name does not resolve",
      };
      const why = err.code ? hint[err.code] : undefined;
      // Exit status 1: the flag is well formed, but the machine cannot serve it.
      reject(why ? new UsageError(`--listen ${formatHostPort(at)}: ${why}`, 1) : err);
    };
    server.once("error", onError);
    server.listen(at.port, at.host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  const info = server.address() as AddressInfo;
  return { host: info.address, port: info.port };
}

/** Runs the connector's Validate once so health turns SERVING without waiting for a host. */
async function validateAtStartup(
  connector: Connector,
  signal: AbortSignal,
  logger: BatonLogger,
): Promise<boolean> {
  try {
    await connector.validate({ signal });
    logger.info({}, "connector validated; health is SERVING");
    return true;
  } catch (e) {
    const err = toConnectorError(e);
    logger.warn(
      { code: err.code, err: err.rawMessage },
      "connector validation failed at start-up; health stays NOT_SERVING until a Validate call succeeds",
    );
    return false;
  }
}

/** Cancels every in-flight handler and drops every connection. */
function cutOff(sessions: Sessions, shutdown: AbortController): void {
  shutdown.abort(new Error("server shutting down"));
  for (const s of sessions.keys()) s.destroy();
}

/**
 * Stops accepting (new connections are refused, existing sessions get GOAWAY so no new calls start
 * on them), waits up to `drainMs` for open calls to finish, then cuts off whatever is left.
 */
async function drainAndClose(
  server: AnyHttp2Server,
  sessions: Sessions,
  health: HealthState,
  shutdown: AbortController,
  drainMs: number,
): Promise<void> {
  health.close();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // close() sends GOAWAY: calls already started go on, new ones must use a new connection.
  for (const s of sessions.keys()) s.close();
  if (drainMs > 0 && sessions.size > 0) {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, drainMs);
    });
    await Promise.race([Promise.all(sessions.values()), deadline]);
    clearTimeout(timer);
  }
  cutOff(sessions, shutdown);
  await closed;
}
