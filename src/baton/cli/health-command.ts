/**
 * `health`: a probe client for `serve`, usable as a container HEALTHCHECK or a Kubernetes exec
 * probe. It calls grpc.health.v1.Health/Check once and exits 0 after printing `SERVING`, or 1 after
 * one line saying why not (unreachable, TLS mismatch, timeout, NOT_SERVING). The address defaults
 * to `--listen` (so `BATON_LISTEN` in a container points both at the same port) and the TLS flags
 * are the ones `--connector-addr` uses.
 */
import type { Argv } from "yargs";
import { UsageError } from "../errors.js";
import { probeHealth } from "./health-probe.js";
import type { RunContext } from "./run-context.js";

/** The command's own flags (the TLS flags and --listen are the harness's global fields). */
export interface HealthArgs {
  addr?: string | undefined;
  timeout?: number | undefined;
  "server-name"?: string | undefined;
  service?: string | undefined;
}

export const DEFAULT_HEALTH_TIMEOUT_SECONDS = 5;

/** Declares `--addr`, `--timeout`, `--server-name` and `--service`. */
export function healthBuilder(y: Argv): Argv<HealthArgs> {
  return y
    .option("addr", {
      type: "string",
      describe: "HOST:PORT of the server to probe [default: --listen, wildcard hosts on loopback]",
    })
    .option("timeout", {
      type: "number",
      describe: `Seconds to wait for the answer [default: ${DEFAULT_HEALTH_TIMEOUT_SECONDS}]`,
    })
    .option("server-name", {
      type: "string",
      describe: "TLS: name to check the server certificate against [default: the host of --addr]",
    })
    .option("service", {
      type: "string",
      describe: 'Health service name [default: "", the whole server]',
    }) as Argv<HealthArgs>;
}

/** Probes once and reports; returns the exit code (0 SERVING, 1 anything else). */
export async function healthCommand(ctx: RunContext, args: HealthArgs): Promise<number> {
  const c = ctx.config;
  const seconds = args.timeout ?? DEFAULT_HEALTH_TIMEOUT_SECONDS;
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new UsageError(`--timeout: expected a number of seconds above 0, got "${args.timeout}"`);
  const address = args.addr ?? String(c.listen);
  const options = {
    address,
    timeoutMs: Math.round(seconds * 1000),
    ...(c.tlsClientCa ? { caFile: String(c.tlsClientCa) } : {}),
    ...(c.tlsCert ? { certFile: String(c.tlsCert) } : {}),
    ...(c.tlsKey ? { keyFile: String(c.tlsKey) } : {}),
    ...(args["server-name"] ? { serverName: args["server-name"] } : {}),
    ...(args.service ? { service: args.service } : {}),
  };
  ctx.logger.debug(options, "health: probing");
  const result = await probeHealth(options);
  if (result.ok) {
    process.stdout.write("SERVING\n");
    return 0;
  }
  process.stderr.write(`${result.status}: ${result.message}\n`);
  return 1;
}
