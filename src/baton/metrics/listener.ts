/**
 * Serves the metrics registry as Prometheus text on `GET /metrics` (`--metrics-listen`), over
 * plain HTTP/1.1: a bare port (`9464` or `:9464`) binds loopback, like the gRPC port; any other
 * host must be named explicitly. Everything else answers 404; only GET and HEAD are allowed.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { UsageError } from "../errors.js";
import {
  formatHostPort,
  isLoopbackHost,
  type ListenAddress,
  parseListenAddress,
} from "../listen-address.js";
import { type BatonLogger, silentLogger } from "../logger.js";
import type { BatonMetrics } from "./registry.js";

export interface MetricsListener {
  /** `http://host:port/metrics`. */
  readonly url: string;
  readonly address: ListenAddress;
  close(): Promise<void>;
}

/** `9464`, `:9464` → loopback; `HOST:PORT` as given. Errors name `--metrics-listen`. */
export function parseMetricsAddress(value: string): ListenAddress {
  const bare = /^:?(\d+)$/.exec(value.trim());
  if (bare) return parseMetricsAddress(`127.0.0.1:${bare[1]}`);
  try {
    return parseListenAddress(value);
  } catch (e) {
    if (e instanceof UsageError)
      throw new UsageError(e.message.replace("--listen", "--metrics-listen"));
    throw e;
  }
}

export async function startMetricsListener(
  metrics: BatonMetrics,
  listen: string,
  logger: BatonLogger = silentLogger,
): Promise<MetricsListener> {
  const at = parseMetricsAddress(listen);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/metrics") {
      res
        .writeHead(404, { "content-type": "text/plain" })
        .end("not found: metrics are on /metrics\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    metrics.exposition().then(
      ({ contentType, text }) => {
        res.writeHead(200, { "content-type": contentType });
        res.end(req.method === "HEAD" ? undefined : text);
      },
      (err: unknown) => {
        logger.warn(
          { err: err instanceof Error ? err.message : String(err) },
          "collecting metrics failed",
        );
        res.writeHead(500, { "content-type": "text/plain" }).end("collecting metrics failed\n");
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const why = err.code === "EADDRINUSE" ? "the address is already in use" : err.message;
      reject(new UsageError(`--metrics-listen ${formatHostPort(at)}: ${why}`, 1));
    };
    server.once("error", onError);
    server.listen(at.port, at.host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  const info = server.address() as AddressInfo;
  const address = { host: info.address, port: info.port };
  const url = `http://${formatHostPort(address)}/metrics`;
  if (!isLoopbackHost(address.host)) {
    logger.warn({ url }, "metrics are served over plain HTTP beyond this machine");
  }
  return {
    url,
    address,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
