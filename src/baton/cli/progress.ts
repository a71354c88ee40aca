/**
 * Sync progress for operators: a log line every few seconds with the phase, row counts and rate,
 * and a summary at the end (rows per table, duration, pages, retries).
 */
import type { SyncProgress, SyncResult } from "../sync/syncer.js";
import type { Logger } from "./logger.js";

const INTERVAL_MS = 5_000;

export class ProgressReporter {
  retries = 0;
  private last: SyncProgress | undefined;
  private readonly started = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly logger: Logger) {
    this.timer = setInterval(() => this.log(), INTERVAL_MS);
    this.timer.unref();
  }

  update(p: SyncProgress): void {
    this.last = p;
  }

  private rows(): number {
    const c = this.last?.counts;
    return c ? c.resourceTypes + c.resources + c.entitlements + c.grants : 0;
  }

  private log(): void {
    if (!this.last) return;
    const seconds = (Date.now() - this.started) / 1000;
    this.logger.info(
      {
        phase: this.last.phase,
        ...this.last.counts,
        pages: this.last.pages,
        retries: this.retries,
        rowsPerSecond: Math.round(this.rows() / Math.max(seconds, 0.001)),
      },
      `sync: ${this.last.phase}`,
    );
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The end-of-sync summary printed on stdout. */
  summary(r: SyncResult, file: string): string {
    const seconds = (Date.now() - this.started) / 1000;
    const c = r.counts;
    return [
      `Synced into ${file} (sync ${r.syncId}${r.resumed ? ", resumed" : ""}) in ${seconds.toFixed(1)} s`,
      `  resource types ${c.resourceTypes}`,
      `  resources      ${c.resources}`,
      `  entitlements   ${c.entitlements}`,
      `  grants         ${c.grants}`,
      `  pages ${r.pages}, retries ${this.retries}, warnings ${r.warnings.length}`,
      "",
    ].join("\n");
  }
}
