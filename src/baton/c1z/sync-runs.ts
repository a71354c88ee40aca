/**
 * The `v1_sync_runs` table: one row per sync, holding its KSUID, type, start and end times and
 * the syncer's checkpoint (`sync_token`). Also the rules for choosing a sync, shared by the
 * writer (which sync to resume) and the reader (which sync to show), as the Go SDK applies them:
 * the latest is the one started (or ended) last, ties broken by row order.
 */
import type { DatabaseSync, SQLOutputValue } from "node:sqlite";
import { C1zError } from "./c1z-error.js";
import { newKsuid } from "./ksuid.js";
import { SYNC_SCOPED_TABLES } from "./schema.js";
import { formatC1zTime, parseC1zTime } from "./timestamp.js";

/** The sync types the Go SDK writes into `sync_type`. */
export type SyncType =
  | "full"
  | "partial"
  | "resources_only"
  | "partial_upserts"
  | "partial_deletions";

export interface SyncRun {
  readonly rowId: number;
  readonly syncId: string;
  readonly type: string;
  /** As stored: `YYYY-MM-DD HH:MM:SS[.fff]` local time. */
  readonly startedAt: string;
  /** As stored; undefined while the sync runs. */
  readonly endedAt: string | undefined;
  readonly syncToken: string;
  readonly parentSyncId: string;
  readonly linkedSyncId: string;
  readonly supportsDiff: boolean;
  readonly grantsBackfilled: boolean;
  /** Go's cached SyncStats JSON (see sync-stats.ts); undefined until the sync ends. */
  readonly stats: string | undefined;
}

/** An unfinished sync is resumed only if it started less than this long ago. */
export const RESUME_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

const COLUMNS =
  "id, sync_id, started_at, ended_at, sync_token, sync_type, parent_sync_id, linked_sync_id, " +
  "supports_diff, grants_backfilled, stats";

/** Typed access to `v1_sync_runs`. */
export class SyncRuns {
  constructor(
    private readonly db: DatabaseSync,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Every sync run, oldest row first. */
  list(): SyncRun[] {
    return this.db.prepare(`select ${COLUMNS} from v1_sync_runs order by id`).all().map(toSyncRun);
  }

  get(syncId: string): SyncRun | undefined {
    const row = this.db
      .prepare(`select ${COLUMNS} from v1_sync_runs where sync_id = ?`)
      .get(syncId);
    return row ? toSyncRun(row) : undefined;
  }

  /** The run of `syncId`; throws an "unknown-sync" C1zError if there is none. */
  require(syncId: string): SyncRun {
    const run = this.get(syncId);
    if (!run) throw new C1zError("unknown-sync", `no sync with id ${syncId} in this c1z`);
    return run;
  }

  /** The newest finished sync, by end time, optionally of the given types. */
  latestFinished(types?: readonly string[]): SyncRun | undefined {
    return this.latest("ended_at is not null", "ended_at", types);
  }

  /** The newest unfinished sync, by start time, optionally of the given types. */
  latestUnfinished(types?: readonly string[]): SyncRun | undefined {
    return this.latest("ended_at is null", "started_at", types);
  }

  /** The newest unfinished sync of `type` that is young enough to resume, if any. */
  resumable(type: SyncType): SyncRun | undefined {
    const run = this.latestUnfinished([type]);
    const started = parseC1zTime(run?.startedAt);
    if (!run || !started || this.now().getTime() - started.getTime() >= RESUME_WINDOW_MS) {
      return undefined;
    }
    return run;
  }

  /**
   * Inserts a new run and returns its id. `grants_backfilled = 1` because this writer fills the
   * grant expansion columns for every grant; a newer SDK would otherwise re-derive them.
   */
  start(type: SyncType, parentSyncId = ""): string {
    const syncId = newKsuid(this.now());
    this.db
      .prepare(
        "insert into v1_sync_runs (sync_id, started_at, sync_token, sync_type, parent_sync_id, " +
          "grants_backfilled) values (?, ?, '', ?, ?, 1)",
      )
      .run(syncId, formatC1zTime(this.now()), type, parentSyncId);
    return syncId;
  }

  setToken(syncId: string, token: string): void {
    this.update("update v1_sync_runs set sync_token = ? where sync_id = ?", syncId, token);
  }

  /**
   * Sets `ended_at` and the cached `stats` (once: a finished sync keeps its first end time, as
   * in Go).
   */
  end(syncId: string, stats: string): void {
    this.require(syncId);
    this.db
      .prepare(
        "update v1_sync_runs set ended_at = ?, stats = ? where sync_id = ? and ended_at is null",
      )
      .run(formatC1zTime(this.now()), stats, syncId);
  }

  setSupportsDiff(syncId: string): void {
    this.update("update v1_sync_runs set supports_diff = 1 where sync_id = ?", syncId);
  }

  /** Deletes a sync: its run and its rows in every table. */
  delete(syncId: string): void {
    for (const table of SYNC_SCOPED_TABLES) {
      this.db.prepare(`delete from ${table} where sync_id = ?`).run(syncId);
    }
  }

  private latest(where: string, orderBy: string, types?: readonly string[]): SyncRun | undefined {
    const typeFilter = types ? ` and sync_type in (${types.map(() => "?").join(", ")})` : "";
    const row = this.db
      .prepare(
        `select ${COLUMNS} from v1_sync_runs where ${where}${typeFilter} ` +
          `order by ${orderBy} desc, id desc limit 1`,
      )
      .get(...(types ?? []));
    return row ? toSyncRun(row) : undefined;
  }

  private update(sql: string, syncId: string, ...values: string[]): void {
    const { changes } = this.db.prepare(sql).run(...values, syncId);
    if (Number(changes) === 0) {
      throw new C1zError("unknown-sync", `no sync with id ${syncId} in this c1z`);
    }
  }
}

function toSyncRun(row: Record<string, SQLOutputValue>): SyncRun {
  return {
    rowId: Number(row.id),
    syncId: String(row.sync_id),
    type: String(row.sync_type),
    startedAt: String(row.started_at),
    endedAt: row.ended_at === null ? undefined : String(row.ended_at),
    syncToken: String(row.sync_token),
    parentSyncId: String(row.parent_sync_id),
    linkedSyncId: String(row.linked_sync_id),
    supportsDiff: Number(row.supports_diff) === 1,
    grantsBackfilled: Number(row.grants_backfilled) === 1,
    stats: row.stats === null ? undefined : String(row.stats),
  };
}
