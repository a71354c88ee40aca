/**
 * The default command: a one-shot sync into `--file`, of this process's connector (through an
 * in-memory transport) or of a remote one (`--connector-addr`). The previous file is replaced only
 * when the sync finishes; a failed or killed sync resumes on the next run.
 */
import type { Transport } from "@connectrpc/connect";
import { C1zStore } from "../c1z/store.js";
import { UsageError } from "../errors.js";
import { connectorClients, inProcessTransport } from "../sync/clients.js";
import { remoteTransport } from "../sync/remote-transport.js";
import { runSync, type SyncResult } from "../sync/syncer.js";
import type { ConnectorDefinition, ConnectorInstance } from "./definition.js";
import { ProgressReporter } from "./progress.js";
import type { RunContext } from "./run-context.js";

/** Runs a sync and prints its summary; returns the exit code. */
export async function syncCommand(
  def: ConnectorDefinition,
  ctx: RunContext,
  signal: AbortSignal,
): Promise<number> {
  const c = ctx.config;
  const file = String(c.file);
  let instance: ConnectorInstance | undefined;
  let transport: Transport;
  if (c.connectorAddr) {
    transport = remoteTransport({
      address: String(c.connectorAddr),
      ...(c.tlsClientCa ? { caFile: String(c.tlsClientCa) } : {}),
      ...(c.tlsCert ? { certFile: String(c.tlsCert) } : {}),
      ...(c.tlsKey ? { keyFile: String(c.tlsKey) } : {}),
    });
  } else {
    instance = await def.create(c, { logger: ctx.logger, scrubber: ctx.scrubber });
    transport = inProcessTransport(instance.connector, { provisioning: false });
  }
  const store = await C1zStore.open(file);
  const progress = new ProgressReporter(ctx.logger);
  let result: SyncResult;
  try {
    result = await runSync(connectorClients(transport), store, {
      concurrency: Number(c.workers ?? 4),
      skipEntitlementsAndGrants: Boolean(c.skipEntitlementsAndGrants),
      ...(Array.isArray(c.syncResourceTypes)
        ? { resourceTypeIds: c.syncResourceTypes as string[] }
        : {}),
      signal,
      onRetry: (r) => {
        progress.retries++;
        ctx.logger.warn(
          {
            call: r.call,
            target: r.target,
            attempt: r.attempt,
            waitMs: r.waitMs,
            code: r.error.code,
          },
          `retrying ${r.call}: ${r.error.rawMessage}`,
        );
      },
      onWarning: (m) => ctx.logger.warn(m),
      onProgress: (p) => progress.update(p),
    });
    await store.save();
  } catch (e) {
    store.abandon();
    throw e;
  } finally {
    progress.stop();
    await instance?.close();
  }
  if (result.warnings.length > 0)
    ctx.logger.warn({ warnings: result.warnings.length }, "sync finished with warnings");
  process.stdout.write(progress.summary(result, file));
  return 0;
}

/** Refuses flags this connector accepts for compatibility but cannot honour. */
export function refuseUnsupported(c: Record<string, unknown>): void {
  if (c.clientId || c.clientSecret) {
    throw new UsageError(
      "--client-id/--client-secret select ConductorOne service mode, which this connector does not support; run `serve` as a sidecar or a one-shot sync instead",
    );
  }
  if (c.ticketing)
    throw new UsageError("--ticketing: this connector has no ticketing support; remove the flag");
}
