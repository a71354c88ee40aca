/**
 * The lean entry of `health`: a container probe runs every few seconds for the life of the
 * container, and loading the whole CLI (yargs, zod, the connector, the Connect runtime) cost
 * about 1 CPU-second and 96 MB per probe. This parses the probe's own flags and the environment
 * variables it reads (`BATON_LISTEN`, `BATON_TLS_*`) and probes, loading nothing else. Anything
 * it does not handle itself (a config file, `--help`, an unknown flag, debug logging) returns
 * undefined, and the binary runs the full CLI instead, which ends in the same probe.
 */
import { existsSync } from "node:fs";
import { UsageError } from "../usage-error.js";
import { type HealthSettings, runHealthProbe } from "./health-command.js";
import { standardFields } from "./standard-fields.js";

/** Flags of `health` (and the global ones it reads), by name, to their settings key. */
const FLAGS: Record<string, keyof HealthSettings | "logLevel" | "logFormat"> = {
  addr: "addr",
  timeout: "timeout",
  "server-name": "server-name",
  service: "service",
  listen: "listen",
  "tls-client-ca": "tlsClientCa",
  "tls-cert": "tlsCert",
  "tls-key": "tlsKey",
  "log-level": "logLevel",
  "log-format": "logFormat",
};

const ENV: Partial<Record<keyof HealthSettings, string>> = {
  listen: "BATON_LISTEN",
  tlsClientCa: "BATON_TLS_CLIENT_CA",
  tlsCert: "BATON_TLS_CERT",
  tlsKey: "BATON_TLS_KEY",
};

/** The settings of `health ARGS`, or undefined when the full CLI should handle it. */
export function leanHealthSettings(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  hasConfigFile: () => boolean = () => existsSync(".baton.yaml"),
): HealthSettings | undefined {
  if (env.BATON_CONFIG || env.BATON_CONFIG_PATH || env.BATON_LOG_LEVEL === "debug")
    return undefined;
  const given: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(args[i] ?? "");
    const key = m?.[1] ? FLAGS[m[1]] : undefined;
    if (!m || !key) return undefined;
    const value = m[2] ?? args[++i];
    if (value === undefined) return undefined;
    given[key] = value;
  }
  if (given.logLevel === "debug" || hasConfigFile()) return undefined;
  const fromEnv = (key: keyof HealthSettings) => {
    const name = ENV[key];
    const v = name ? env[name] : undefined;
    return v === undefined || v === "" ? undefined : v;
  };
  const defaultListen = String(standardFields.find((f) => f.name === "listen")?.default);
  return {
    addr: given.addr,
    timeout: given.timeout,
    "server-name": given["server-name"],
    service: given.service,
    listen: given.listen ?? fromEnv("listen") ?? defaultListen,
    tlsClientCa: given.tlsClientCa ?? fromEnv("tlsClientCa"),
    tlsCert: given.tlsCert ?? fromEnv("tlsCert"),
    tlsKey: given.tlsKey ?? fromEnv("tlsKey"),
  };
}

/** Runs `health ARGS` the lean way; the exit code, or undefined to run the full CLI instead. */
export async function leanHealth(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<number | undefined> {
  const settings = leanHealthSettings(args, env);
  if (!settings) return undefined;
  try {
    return await runHealthProbe(settings);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`error: ${e.message}\n`);
    return e.exitCode;
  }
}
