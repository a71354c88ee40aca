/**
 * The start-up Hello: retried after 1, 2, 4 … s (at most
 * 5 min apart, without limit) while ConductorOne is only briefly unavailable, and given up at once
 * when it can never succeed: refused credentials or a refused Hello, and, unlike Go, a control
 * plane that cannot be reached at all or whose certificate is not trusted. Each of those ends the
 * process with one line that names the setting to fix.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { UsageError } from "../errors.js";
import type { Sleep } from "../retry.js";
import type { BatonApi, HelloBody } from "./baton-api.js";
import { CLIENT_ID_SOURCE, CLIENT_SECRET_SOURCE } from "./c1-credentials.js";
import type { ServiceLogger } from "./service-logger.js";
import { TokenError } from "./token-source.js";

/** Codes that end start-up at once (Go's list). */
const FATAL_CODES = new Set([
  Code.Unauthenticated,
  Code.PermissionDenied,
  Code.InvalidArgument,
  Code.Unimplemented,
  Code.FailedPrecondition,
  Code.NotFound,
]);

const MAX_BACKOFF_MS = 5 * 60_000;

export interface StartupOptions {
  api: BatonApi;
  body: () => Promise<HelloBody>;
  sleep: Sleep;
  signal: AbortSignal;
  logger: ServiceLogger;
  /** Where the API host came from, to name it when it cannot be reached. */
  apiHost: string;
  apiHostFromEnv: boolean;
}

/** Says Hello until ConductorOne accepts it; throws a UsageError (exit 1) when it never will. */
export async function startupHello(o: StartupOptions): Promise<void> {
  const body = await o.body();
  for (let attempt = 1; ; attempt++) {
    try {
      await o.api.hello("", body, o.signal);
      return;
    } catch (e) {
      if (o.signal.aborted) throw e;
      const err = ConnectError.from(e);
      const fatal = fatalStartupError(err, o);
      if (fatal) throw fatal;
      const wait = Math.min(1000 * 2 ** (attempt - 1), MAX_BACKOFF_MS);
      o.logger.warn(
        { attempt, wait_ms: wait, code: Code[err.code], err: err.rawMessage },
        "Hello to ConductorOne failed; retrying",
      );
      await o.sleep(wait, o.signal);
    }
  }
}

/** The operator's one line for an error start-up cannot get past, or undefined to retry. */
export function fatalStartupError(
  err: ConnectError,
  o: Pick<StartupOptions, "apiHost" | "apiHostFromEnv">,
): UsageError | undefined {
  const cause = err.cause instanceof TokenError ? err.cause : undefined;
  const credentials = `check ${CLIENT_ID_SOURCE} and ${CLIENT_SECRET_SOURCE}: they must be the connector's current credentials from ConductorOne`;
  if (cause?.failure === "unreachable") {
    const where = o.apiHostFromEnv
      ? "BATON_C1_API_HOST"
      : `the host in ${CLIENT_ID_SOURCE} (or set BATON_C1_API_HOST)`;
    return new UsageError(
      `cannot reach ConductorOne at ${o.apiHost}: ${cause.message}; check ${where} and that this network can open HTTPS connections to it`,
      1,
    );
  }
  if (cause?.failure === "tls") {
    return new UsageError(
      `${cause.message}; if a proxy or a private CA signs that certificate, set NODE_EXTRA_CA_CERTS to the CA's PEM file`,
      1,
    );
  }
  if (cause?.failure === "refused" || cause?.failure === "malformed") {
    return new UsageError(
      `ConductorOne refused the connector's credentials (${cause.message}); ${credentials}`,
      1,
    );
  }
  if (err.code === Code.Unauthenticated || err.code === Code.PermissionDenied) {
    return new UsageError(
      `ConductorOne refused the connector at Hello (${Code[err.code]}: ${err.rawMessage}); ${credentials}`,
      1,
    );
  }
  if (FATAL_CODES.has(err.code)) {
    return new UsageError(
      `ConductorOne refused the connector's Hello (${Code[err.code]}: ${err.rawMessage})`,
      1,
    );
  }
  return undefined;
}
