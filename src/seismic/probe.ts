// An unauthenticated look at one of the two Seismic origins, for `doctor`: is anything answering
// at the configured URL, how fast, and what time does the server think it is. Any HTTP status
// counts as an answer (the API answers 401 without a token); only a network failure does not.
import type { Dispatcher } from "undici";
import type { Clock } from "./clock.js";
import type { ResolvedSeismicConfig } from "./config.js";
import { SeismicError } from "./errors.js";
import { classifyNetworkError } from "./retry.js";
import { sendOnce } from "./transport.js";

/** Which origin to probe. */
export type Origin = "api" | "auth";

/** What the origin answered. */
export interface ProbeResult {
  /** The URL probed (the configured base URL). */
  url: string;
  status: number;
  /** Round-trip time in ms. */
  ms: number;
  /** The server's `Date` header (ms since the epoch) and our clock when it arrived. */
  serverTimeMs?: number;
  receivedAtMs: number;
}

const FLAG: Record<Origin, string> = { api: "--seismic-api-url", auth: "--seismic-auth-url" };

/**
 * Sends one `GET` to the origin's base URL without credentials.
 * @throws SeismicError `network` naming the flag when nothing answers.
 */
export async function probeOrigin(
  origin: Origin,
  config: ResolvedSeismicConfig,
  dispatcher: Dispatcher,
  clock: Clock,
): Promise<ProbeResult> {
  const url = origin === "api" ? config.apiUrl : config.authUrl;
  const started = clock.now();
  try {
    const reply = await sendOnce(dispatcher, {
      method: "GET",
      url,
      headers: { "user-agent": config.userAgent, accept: "application/json" },
      headersTimeoutMs: config.timeouts.headersMs,
      bodyTimeoutMs: config.timeouts.bodyMs,
    });
    const receivedAtMs = clock.now();
    const date = Date.parse(reply.header("date") ?? "");
    return {
      url: url.href,
      status: reply.status,
      ms: receivedAtMs - started,
      receivedAtMs,
      ...(Number.isNaN(date) ? {} : { serverTimeMs: date }),
    };
  } catch (error) {
    const failure = classifyNetworkError(error);
    const what = failure.timeout ? "did not answer in time" : `is unreachable (${failure.code})`;
    throw new SeismicError(
      "network",
      `${url.origin} ${what}: check ${FLAG[origin]} and the network.`,
      { retryable: false, cause: error },
    );
  }
}
