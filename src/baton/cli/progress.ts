/**
 * Sync progress for operators. On a terminal (stderr is a TTY and the log format is console) a
 * live one-line display of the phase, row counts, rate and API calls is redrawn in place;
 * elsewhere a log line every 5 s carries the same numbers, so log pipelines see progress too. At
 * the end, a summary: objects per resource type, grants, duration, API calls, retries, 429s and
 * the time spent waiting for the rate limit (while calls wait, the line says until when).
 * The syncer only emits progress events; every display decision lives here.
 */
import type { CountsByType } from "../c1z/row-queries.js";
import type { ConnectorStats } from "../connector.js";
import type { SyncProgress, SyncResult } from "../sync/syncer.js";
import type { LiveLine } from "./live-line.js";
import type { Logger } from "./logger.js";
import { duration, waitFields, waitLine } from "./rate-limit-wait.js";

const LOG_INTERVAL_MS = 5_000;
const LIVE_INTERVAL_MS = 250;

export interface ProgressOptions {
  logger: Logger;
  /** The terminal line to redraw; absent means "log lines only". */
  live?: LiveLine;
  /** The connector's upstream API counters, when it keeps them. */
  stats?: () => ConnectorStats | undefined;
  now?: () => number;
}

export class ProgressReporter {
  /** Connector calls the syncer retried (Unavailable, DeadlineExceeded). */
  retries = 0;
  private last: SyncProgress | undefined;
  private readonly now: () => number;
  private readonly started: number;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly o: ProgressOptions) {
    this.now = o.now ?? Date.now;
    this.started = this.now();
    this.timer = setInterval(
      () => (o.live ? o.live.show(this.line()) : this.log()),
      o.live ? LIVE_INTERVAL_MS : LOG_INTERVAL_MS,
    );
    this.timer.unref();
  }

  update(p: SyncProgress): void {
    this.last = p;
  }

  private seconds(): number {
    return (this.now() - this.started) / 1000;
  }

  private rows(): number {
    const c = this.last?.counts;
    return c ? c.resourceTypes + c.resources + c.entitlements + c.grants : 0;
  }

  private rate(): number {
    return Math.round(this.rows() / Math.max(this.seconds(), 0.001));
  }

  /**
   * The live display's text, most important first (a narrow terminal cuts the end), e.g.
   * `sync grants: 286 resources · 36 entitlements · 1200 grants | 2400 rows/s | 0:12 | 31 API calls`.
   */
  line(): string {
    const c = this.last?.counts;
    const s = this.o.stats?.();
    const parts = [
      `sync ${this.last?.phase ?? "starting"}${c ? `: ${c.resources} resources · ${c.entitlements} entitlements · ${c.grants} grants` : ""}`,
      `${this.rate()} rows/s`,
      duration(this.seconds()),
      s ? `${s.calls} API calls${s.rateLimited > 0 ? ` (${s.rateLimited}×429)` : ""}` : "",
      waitLine(s, this.now()),
    ];
    return parts.filter((p) => p !== "").join(" | ");
  }

  private log(): void {
    if (!this.last) return;
    const s = this.o.stats?.();
    this.o.logger.info(
      {
        phase: this.last.phase,
        ...this.last.counts,
        pages: this.last.pages,
        retries: this.retries,
        rowsPerSecond: this.rate(),
        ...(s ? { apiCalls: s.calls, apiRetries: s.retries, rateLimited: s.rateLimited } : {}),
        ...waitFields(s, this.now()),
      },
      `sync: ${this.last.phase}`,
    );
  }

  stop(): void {
    clearInterval(this.timer);
    this.o.live?.clear();
  }

  /** The end-of-sync summary printed on stdout (and logged, for pipelines that only keep logs). */
  summary(r: SyncResult, file: string, byType?: CountsByType): string {
    const seconds = this.seconds();
    const c = r.counts;
    const s = this.o.stats?.();
    // The terminal already shows the summary below; log pipelines get it as one line.
    if (!this.o.live)
      this.o.logger.info(
        {
          syncId: r.syncId,
          file,
          ...c,
          seconds: Number(seconds.toFixed(1)),
          pages: r.pages,
          retries: this.retries,
          warnings: r.warnings.length,
          ...(byType ? { resourcesByType: byType.resourcesByType } : {}),
          ...(s ? { apiCalls: s.calls, apiRetries: s.retries, rateLimited: s.rateLimited } : {}),
          ...waitFields(s, this.now()),
        },
        "sync finished",
      );
    const perType = (counts: Record<string, number> | undefined) =>
      counts && Object.keys(counts).length > 0
        ? ` (${Object.entries(counts)
            .map(([t, n]) => `${t} ${n}`)
            .join(", ")})`
        : "";
    return [
      `Synced into ${file} (sync ${r.syncId}${r.resumed ? ", resumed" : ""}) in ${seconds.toFixed(1)} s`,
      `  resource types ${c.resourceTypes}`,
      `  resources      ${c.resources}${perType(byType?.resourcesByType)}`,
      `  entitlements   ${c.entitlements}`,
      `  grants         ${c.grants}${perType(byType?.grantsByType)}`,
      `  pages ${r.pages}, retries ${this.retries}, warnings ${r.warnings.length}`,
      ...(s
        ? [
            `  API calls ${s.calls}, API retries ${s.retries}, rate limited (429) ${s.rateLimited}${
              s.rateLimitWaitMs === undefined
                ? ""
                : `, waited for the rate limit ${duration(s.rateLimitWaitMs / 1000)}`
            }`,
          ]
        : []),
      "",
    ].join("\n");
  }
}
