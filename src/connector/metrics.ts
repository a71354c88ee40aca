/**
 * The Seismic connector's series on the host's metrics registry: API calls by endpoint and
 * status with their durations, 429s, retries by reason, token requests by outcome, and the time
 * spent waiting in the client's rate limiter. Fed by the client's observer; the waiting time is
 * read from the client's own counters when Prometheus scrapes.
 */
import { Counter, Histogram, type Registry } from "prom-client";
import type { SeismicObserver, SeismicStats } from "../seismic/index.js";

const BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Registers the series and returns the observer to give the client. `stats` reads the current
 * client's counters (a client replaced after a scope step-down starts again from 0).
 */
export function seismicMetrics(
  registry: Registry,
  stats: () => SeismicStats | undefined,
): SeismicObserver {
  const registers = [registry];
  const requests = new Counter({
    name: "seismic_api_requests_total",
    help: "Seismic API requests sent (every attempt), by endpoint and HTTP status (network: no response).",
    labelNames: ["endpoint", "status"] as const,
    registers,
  });
  const duration = new Histogram({
    name: "seismic_api_request_duration_seconds",
    help: "Time from sending a Seismic API request to its full response, by endpoint.",
    labelNames: ["endpoint"] as const,
    buckets: BUCKETS,
    registers,
  });
  const rateLimited = new Counter({
    name: "seismic_api_rate_limited_total",
    help: "429 answers from the Seismic API, by endpoint.",
    labelNames: ["endpoint"] as const,
    registers,
  });
  const retries = new Counter({
    name: "seismic_api_retries_total",
    help: "Seismic API requests retried, by endpoint and reason (429, HTTP 5xx, network error code).",
    labelNames: ["endpoint", "reason"] as const,
    registers,
  });
  const tokens = new Counter({
    name: "seismic_token_requests_total",
    help: "Token requests to the Seismic auth server, by outcome (minted, failed).",
    labelNames: ["outcome"] as const,
    registers,
  });
  let waitedMs = 0;
  new Counter({
    name: "seismic_rate_limit_wait_seconds_total",
    help: "Time requests spent waiting in the client's rate limiter (Seismic's 600 calls per minute).",
    registers,
    collect() {
      const now = stats()?.throttledMs ?? waitedMs;
      // A new client (after a scope step-down) counts from 0 again: add all of it.
      this.inc(Math.max(0, now >= waitedMs ? now - waitedMs : now) / 1000);
      waitedMs = now;
    },
  });
  return {
    apiAttempt(e) {
      requests.inc({ endpoint: e.endpoint, status: String(e.status) });
      duration.observe({ endpoint: e.endpoint }, e.durationMs / 1000);
      if (e.status === 429) rateLimited.inc({ endpoint: e.endpoint });
    },
    apiRetry(e) {
      retries.inc({ endpoint: e.endpoint, reason: e.reason });
    },
    tokenRequest(e) {
      tokens.inc({ outcome: e.outcome });
    },
  };
}
