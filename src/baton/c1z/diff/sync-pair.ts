/**
 * Which two syncs a diff compares. In one file: `--to` (default: the latest finished full sync)
 * against `--from` (default: the finished full sync before it; retention keeps one). Across two
 * files: the latest finished full sync of each, or the ids given. A missing id or a file with only
 * one full sync is a DiffInputError naming the flag or the file and what to do.
 */
import type { DatabaseSync } from "node:sqlite";
import { type SyncRun, SyncRuns } from "../sync-runs.js";
import { parseC1zTime } from "../timestamp.js";

/** One side of a diff: the file, the schema its tables are in, and the sync. */
export interface DiffSide {
  readonly file: string;
  /** `main` or the name the second file was attached under. */
  readonly schema: string;
  readonly run: SyncRun;
}

/** A diff input the user must fix (exit code 2 at the CLI). */
export class DiffInputError extends Error {
  override readonly name = "DiffInputError";
}

/** The finished full syncs of a database, oldest end first. */
function finishedFull(db: DatabaseSync, schema: string): SyncRun[] {
  const runs = schema === "main" ? new SyncRuns(db).list() : listAttached(db, schema);
  return runs
    .filter((r) => r.endedAt !== undefined && r.type === "full")
    .sort((a, b) => endTime(a) - endTime(b) || a.rowId - b.rowId);
}

function endTime(run: SyncRun): number {
  return parseC1zTime(run.endedAt)?.getTime() ?? 0;
}

/** The runs of an attached database (SyncRuns reads `main` only). */
function listAttached(db: DatabaseSync, schema: string): SyncRun[] {
  return db
    .prepare(
      `select id, sync_id, sync_type, started_at, ended_at from ${schema}.v1_sync_runs order by id`,
    )
    .all()
    .map((row) => ({
      rowId: Number(row.id),
      syncId: String(row.sync_id),
      type: String(row.sync_type),
      startedAt: String(row.started_at),
      endedAt: row.ended_at === null ? undefined : String(row.ended_at),
      syncToken: "",
      parentSyncId: "",
      linkedSyncId: "",
      supportsDiff: false,
      grantsBackfilled: false,
      stats: undefined,
    }));
}

function allRuns(db: DatabaseSync, schema: string): SyncRun[] {
  return schema === "main" ? new SyncRuns(db).list() : listAttached(db, schema);
}

function byId(db: DatabaseSync, schema: string, file: string, id: string, flag: string): SyncRun {
  const run = allRuns(db, schema).find((r) => r.syncId === id);
  if (!run) {
    throw new DiffInputError(
      `${flag} ${id}: no such sync in ${file}; list them with \`c1z ${file} syncs\``,
    );
  }
  return run;
}

/** The two syncs of one file to compare. */
export function pickInFile(
  db: DatabaseSync,
  file: string,
  ids: { from?: string | undefined; to?: string | undefined },
): { from: DiffSide; to: DiffSide } {
  const full = finishedFull(db, "main");
  const to = ids.to ? byId(db, "main", file, ids.to, "--to") : full[full.length - 1];
  if (!to) {
    throw new DiffInputError(`${file} holds no finished full sync to compare; run a sync first`);
  }
  let from: SyncRun | undefined;
  if (ids.from) from = byId(db, "main", file, ids.from, "--from");
  else {
    const before = full.filter((r) => r.syncId !== to.syncId && endTime(r) <= endTime(to));
    from = before[before.length - 1];
  }
  if (!from) {
    throw new DiffInputError(
      `${file} holds only one finished full sync (${to.syncId}): sync again to have two, or compare two files with \`c1z diff OLD.c1z NEW.c1z\``,
    );
  }
  return {
    from: { file, schema: "main", run: from },
    to: { file, schema: "main", run: to },
  };
}

/** The latest finished full sync (or the one named) of each of two files. */
export function pickAcrossFiles(
  db: DatabaseSync,
  files: { old: string; new: string; newSchema: string },
  ids: { from?: string | undefined; to?: string | undefined },
): { from: DiffSide; to: DiffSide } {
  const side = (file: string, schema: string, id: string | undefined, flag: string): DiffSide => {
    const run = id ? byId(db, schema, file, id, flag) : finishedFull(db, schema).at(-1);
    if (!run) {
      throw new DiffInputError(`${file} holds no finished full sync to compare; run a sync first`);
    }
    return { file, schema, run };
  };
  return {
    from: side(files.old, "main", ids.from, "--from"),
    to: side(files.new, files.newSchema, ids.to, "--to"),
  };
}
