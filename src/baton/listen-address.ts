/**
 * Parses `--listen HOST:PORT` and decides whether plaintext may be served there. Plaintext h2c is
 * allowed only on loopback, where nothing else can read the traffic; every other address needs TLS
 * or an explicit opt-out, and the check runs before anything is bound.
 */
import { isIPv4, isIPv6 } from "node:net";
import { UsageError } from "./errors.js";

/** A parsed listen address. `host` has no brackets, even for IPv6. */
export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * Parses `HOST:PORT`, `[IPV6]:PORT` or `localhost:PORT`. Port 0 asks the OS for a free port.
 * Throws a {@link UsageError} naming `--listen` when the value cannot be understood.
 */
export function parseListenAddress(value: string): ListenAddress {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(value) ?? /^([^:[\]]+):(\d+)$/.exec(value);
  const host = m?.[1];
  const port = Number(m?.[2]);
  if (!host || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(
      `--listen "${value}" is not HOST:PORT (e.g. 127.0.0.1:50051, [::1]:50051 or 0.0.0.0:50051)`,
    );
  }
  if (value.startsWith("[") && !isIPv6(host)) {
    throw new UsageError(`--listen "${value}": "${host}" in brackets is not an IPv6 address`);
  }
  return { host, port };
}

/** Whether a host only ever reaches this machine: 127.0.0.0/8, ::1 (also IPv4-mapped) or localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === "localhost") return true;
  if (isIPv4(h)) return h.split(".")[0] === "127";
  if (isIPv6(h)) {
    if (h === "::1" || /^(0{1,4}:){7}0{0,3}1$/.test(h)) return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return mapped?.[1] !== undefined && isLoopbackHost(mapped[1]);
  }
  return false;
}

/**
 * Refuses plaintext on a non-loopback address unless the operator opted in: the message names the
 * flags that fix it.
 */
export function checkPlaintextAllowed(address: ListenAddress, insecurePlaintext: boolean): void {
  if (insecurePlaintext || isLoopbackHost(address.host)) return;
  throw new UsageError(
    `refusing to serve plaintext gRPC on non-loopback address ${formatHostPort(address)}: ` +
      "add --tls-cert and --tls-key to serve TLS (and --tls-client-ca to require client " +
      "certificates), or --insecure-plaintext if the network is otherwise protected",
  );
}

/** `host:port`, with brackets around IPv6 hosts. */
export function formatHostPort({ host, port }: ListenAddress): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The start-up warning for plaintext off loopback (`--insecure-plaintext`), or undefined on
 * loopback: nothing checks who calls, so the operator is told at every start what is exposed.
 */
export function plaintextWarning(
  address: ListenAddress,
  provisioning: boolean,
): string | undefined {
  if (isLoopbackHost(address.host)) return undefined;
  return (
    `serving plaintext gRPC on ${formatHostPort(address)} (--insecure-plaintext): anyone who can reach this port can call the connector` +
    `${provisioning ? ", provisioning included (grant, revoke, create and delete accounts)," : ""} without credentials; ` +
    "let only the Baton host reach it (a NetworkPolicy or firewall), or serve TLS with --tls-cert and --tls-key and require client certificates with --tls-client-ca"
  );
}
