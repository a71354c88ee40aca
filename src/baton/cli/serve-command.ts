/**
 * `serve`: the sidecar mode. Builds the connector, serves `c1.connector.v2` over gRPC on
 * `--listen` (h2c on loopback, TLS or mTLS elsewhere) until SIGTERM/SIGINT, then drains and
 * exits 0.
 */
import { UsageError } from "../errors.js";
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
  const instance = await def.create(c, { logger: ctx.logger, scrubber: ctx.scrubber });
  try {
    await serve(
      {
        connector: instance.connector,
        listen: String(c.listen),
        ...(tls ? { tls } : {}),
        insecurePlaintext: Boolean(c.insecurePlaintext),
        provisioning: Boolean(c.provisioning),
        logger: ctx.logger,
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
    await instance.close();
  }
  return 0;
}
