/**
 * `health`: a probe client for `serve`, usable as a container HEALTHCHECK or a Kubernetes exec
 * probe. It calls grpc.health.v1.Health/Check once and exits 0 after printing `SERVING`, or 1 after
 * one line saying why not (unreachable, TLS mismatch, timeout, not gRPC, NOT_SERVING), always
 * within `--timeout` (+1 s at worst). The address defaults to `--listen` (so `BATON_LISTEN` in a
 * container points both at the same port) and the TLS flags are the ones `--connector-addr` uses.
 *
 * The binary runs the usual invocations through a lean entry (health-main.ts) that loads only
 * this module and the probe, not the whole CLI; both paths end here.
 */
import type { Argv } from "yargs";
import { UsageError } from "../usage-error.js";
import { probeHealth, timedOut } from "./health-probe.js";

/** The command's own flags (the TLS flags and --listen are the harness's global fields). */
export interface HealthArgs {
  addr?: string | undefined;
  /** Seconds, as typed (validated by {@link healthTimeoutMs}). */
  timeout?: string | number | undefined;
  "server-name"?: string | undefined;
  service?: string | undefined;
}

/** What a probe needs: the command's flags plus `--listen` and the TLS flags. */
export interface HealthSettings extends HealthArgs {
  listen: string;
  tlsClientCa?: string | undefined;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
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
      // A string, so a bad value is reported as typed rather than as yargs' NaN.
      type: "string",
      describe: `Seconds to wait for the answer, connection included [default: ${DEFAULT_HEALTH_TIMEOUT_SECONDS}]`,
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

/** `--timeout` in milliseconds; a UsageError for anything but a positive number of seconds. */
export function healthTimeoutMs(raw: string | number | undefined): number {
  if (raw === undefined) return DEFAULT_HEALTH_TIMEOUT_SECONDS * 1000;
  const text = String(raw).trim();
  const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!(seconds > 0) || seconds > 3600)
    throw new UsageError(
      `--timeout: expected a number of seconds from 0.001 to 3600 (e.g. ${DEFAULT_HEALTH_TIMEOUT_SECONDS}), got "${String(raw)}"`,
    );
  return Math.max(1, Math.round(seconds * 1000));
}

/**
 * Probes once and reports; returns the exit code (0 SERVING, 1 anything else). Throws a
 * UsageError for bad flags. The probe bounds its own call by the timeout; should anything else
 * hold the process, a guard ends it one second after the timeout (counted from the process's
 * start) with the timeout's line, so container probes never pile up.
 */
export async function runHealthProbe(s: HealthSettings): Promise<number> {
  const timeoutMs = healthTimeoutMs(s.timeout);
  const address = s.addr ?? s.listen;
  // Counted from the start of the process (performance.now()), start-up included.
  const guard = setTimeout(
    () => {
      process.stderr.write(`TIMEOUT: ${timedOut(address).message}\n`);
      process.exit(1);
    },
    Math.max(0, timeoutMs + 1000 - performance.now()),
  );
  guard.unref();
  try {
    const result = await probeHealth({
      address,
      timeoutMs,
      ...(s.tlsClientCa ? { caFile: s.tlsClientCa } : {}),
      ...(s.tlsCert ? { certFile: s.tlsCert } : {}),
      ...(s.tlsKey ? { keyFile: s.tlsKey } : {}),
      ...(s["server-name"] ? { serverName: s["server-name"] } : {}),
      ...(s.service ? { service: s.service } : {}),
    });
    if (result.ok) {
      process.stdout.write("SERVING\n");
      return 0;
    }
    process.stderr.write(`${result.status}: ${result.message}\n`);
    return 1;
  } finally {
    clearTimeout(guard);
  }
}

/** `health` in the full CLI: the resolved `--listen` and TLS flags, then the probe. */
export function healthCommand(config: Record<string, unknown>, args: HealthArgs): Promise<number> {
  const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  return runHealthProbe({
    ...args,
    listen: String(config.listen),
    tlsClientCa: text(config.tlsClientCa),
    tlsCert: text(config.tlsCert),
    tlsKey: text(config.tlsKey),
  });
}
