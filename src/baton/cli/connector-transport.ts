/**
 * Which connector a one-shot command talks to: the one served at `--connector-addr` (over gRPC,
 * with the TLS flags; no connector configuration is needed or read), or this process's own,
 * built from the configuration and reached through an in-memory transport.
 */
import type { Transport } from "@connectrpc/connect";
import type { DryRunRecorder } from "../dry-run.js";
import { UsageError } from "../errors.js";
import { inProcessTransport } from "../sync/clients.js";
import { remoteTransport } from "../sync/remote-transport.js";
import type { ConnectorDefinition, ConnectorInstance } from "./definition.js";
import { probeHealth } from "./health-probe.js";
import type { RunContext } from "./run-context.js";

export interface ConnectorConnection {
  transport: Transport;
  /** This process's connector (undefined for `--connector-addr`); close it when done. */
  instance?: ConnectorInstance;
}

/**
 * Connects to the remote connector, or builds the local one with `provisioning` on or off and,
 * for `--dry-run`, the recorder that stops it at its first write. A remote connector cannot be
 * told to stop there, so `--dry-run` with `--connector-addr` is refused.
 */
export async function connectConnector(
  def: ConnectorDefinition,
  ctx: RunContext,
  options: { provisioning: boolean; dryRun?: DryRunRecorder },
): Promise<ConnectorConnection> {
  const c = ctx.config;
  if (c.connectorAddr) {
    if (options.dryRun) {
      throw new UsageError(
        "--dry-run cannot plan through --connector-addr (the served connector would make the change); drop --connector-addr to plan with this process's connector",
      );
    }
    const remote = {
      address: String(c.connectorAddr),
      ...(c.tlsClientCa ? { caFile: String(c.tlsClientCa) } : {}),
      ...(c.tlsCert ? { certFile: String(c.tlsCert) } : {}),
      ...(c.tlsKey ? { keyFile: String(c.tlsKey) } : {}),
    };
    const transport = remoteTransport(remote);
    await checkReachable(remote);
    return { transport };
  }
  const instance = await def.create(c, {
    logger: ctx.logger,
    scrubber: ctx.scrubber,
    ...(options.dryRun ? { dryRun: options.dryRun } : {}),
  });
  return {
    transport: inProcessTransport(instance.connector, { provisioning: options.provisioning }),
    instance,
  };
}

/**
 * Fails fast when `--connector-addr` cannot be reached: the syncer retries Unavailable without
 * limit (as the Go syncer does), which is right mid-sync but would hang on a wrong address. A
 * server that answers at all (even NOT_SERVING, or without the health service) is good enough.
 */
async function checkReachable(remote: {
  address: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}): Promise<void> {
  const r = await probeHealth({
    ...remote,
    timeoutMs: 10_000,
    flags: { address: "--connector-addr", timeout: "" },
  });
  if (r.ok || !r.noAnswer) return;
  throw new UsageError(`--connector-addr (BATON_CONNECTOR_ADDR): ${r.message}`, 1);
}
