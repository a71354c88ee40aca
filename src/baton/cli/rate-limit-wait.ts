/**
 * How the progress display and the summary say that upstream calls wait for a rate limit: while
 * they wait, until when (the connector's limiter knows the moment its next call may go); and in
 * all, how long the sync has been held back. A sync at Seismic's limit spends most of its time
 * there, so a line whose counts stand still says why.
 */
import type { ConnectorStats } from "../connector.js";

/** `1:05:03`, `3:07`: minutes and seconds, hours when there are any. */
export function duration(seconds: number): string {
  const s = Math.floor(seconds % 60);
  const m = Math.floor(seconds / 60) % 60;
  const h = Math.floor(seconds / 3600);
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? `${h}:` : ""}${mm}:${String(s).padStart(2, "0")}`;
}

/** The local time of day of `ms` since the epoch, `HH:MM:SS`. */
export function timeOfDay(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()]
    .map((n) => String(n).padStart(2, "0"))
    .join(":");
}

/**
 * For the live line: `waiting for the rate limit until 12:03:05 (0:48 in all)` while calls wait,
 * `0:48 waiting for the rate limit` once they have waited, else "".
 */
export function waitLine(s: ConnectorStats | undefined, now: number): string {
  const waited = duration((s?.rateLimitWaitMs ?? 0) / 1000);
  const until = s?.rateLimitWaitingUntil;
  if (until !== undefined && until > now) {
    return `waiting for the rate limit until ${timeOfDay(until)} (${waited} in all)`;
  }
  return (s?.rateLimitWaitMs ?? 0) >= 1000 ? `${waited} waiting for the rate limit` : "";
}

/** Fields for log lines: seconds waited, and until when calls wait now (ISO), when they do. */
export function waitFields(s: ConnectorStats | undefined, now: number): Record<string, unknown> {
  if (s?.rateLimitWaitMs === undefined) return {};
  const until = s.rateLimitWaitingUntil;
  return {
    rateLimitWaitSeconds: Math.round(s.rateLimitWaitMs / 100) / 10,
    ...(until !== undefined && until > now
      ? { rateLimitWaitingUntil: new Date(until).toISOString() }
      : {}),
  };
}
