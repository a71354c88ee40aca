/**
 * `serve`: the sidecar mode. Builds the connector, serves `c1.connector.v2` over gRPC on
 * `--listen` (h2c on loopback, TLS or mTLS elsewhere) until SIGTERM/SIGINT, then drains and
 * exits 0. With `--metrics-listen` it also serves Prometheus metrics on /metrics.
 */
import { UsageError } from "../errors.js";
import {
  BatonMetrics,
  type MetricsListener,
  metricsInterceptor,
  parseMetricsAddress,
  startMetricsListener,
} from "../metrics/index.js";
import { serve } from "../serve.js";
import { loadTlsFiles } from "../tls.js";
import type { ConnectorDefinition } from "./definition.js";
import type { RunContext } from "./run-context.js";

/** Runs the server until stopped; returns the exit code. */
export async function serveCommand(def: ConnectorDefinition, ctx: RunContext): Promise<number> {
  const c = ctx.config;
  if (Boolean(c.tlsCert) !== Boolean(c.tlsKey)) {
    throw new UsageError(
      "--tls-cert and --tls-key go together: give both to serve TLS, or neither for loopback h2c",
    );
  }
  if (c.tlsClientCa && !c.tlsCert) {
    throw new UsageError(
      "--tls-client-ca turns on mTLS and needs --tls-cert and --tls-key for the server's own certificate",
    );
  }
  const tls = c.tlsCert
    ? await loadTlsFiles({
        certFile: String(c.tlsCert),
        keyFile: String(c.tlsKey),
        ...(c.tlsClientCa ? { clientCaFile: String(c.tlsClientCa) } : {}),
      })
    : undefined;
  // A bad address is refused before anything starts.
  if (c.metricsListen) parseMetricsAddress(String(c.metricsListen));
  const metrics = c.metricsListen ? new BatonMetrics() : undefined;
  const instance = await def.create(c, {
    logger: ctx.logger,
    scrubber: ctx.scrubber,
    ...(metrics ? { metrics } : {}),
  });
  let listener: MetricsListener | undefined;
  try {
    if (metrics) {
      listener = await startMetricsListener(metrics, String(c.metricsListen), ctx.logger);
      ctx.logger.info({ url: listener.url }, "serving metrics");
      process.stdout.write(`metrics on ${listener.url}\n`);
    }
    await serve(
      {
        connector: instance.connector,
        listen: String(c.listen),
        ...(tls ? { tls } : {}),
        insecurePlaintext: Boolean(c.insecurePlaintext),
        provisioning: Boolean(c.provisioning),
        logger: ctx.logger,
        ...(metrics ? { interceptors: [metricsInterceptor(metrics)] } : {}),
      },
      {
        onListening: (server) => {
          ctx.logger.info(
            { url: server.url, provisioning: Boolean(c.provisioning) },
            "serving c1.connector.v2",
          );
          process.stdout.write(`listening on ${server.url}\n`);
        },
      },
    );
  } finally {
    await listener?.close();
    await instance.close();
  }
  return 0;
}
