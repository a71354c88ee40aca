/**
 * Retention of old syncs, as the Go SDK's SQLite store does it: keep the
 * newest `keep` finished non-partial syncs, counting a still-running current sync as one of them,
 * delete the older ones, and delete partial syncs that ended before the oldest kept sync started.
 * Unfinished syncs other than these are never touched (one may be resumed later).
 */
import type { SyncRun, SyncRuns } from "./sync-runs.js";
import { parseC1zTime } from "./timestamp.js";

/** Default number of full syncs kept, including the current one (`BATON_KEEP_SYNC_COUNT`). */
export const DEFAULT_KEEP_SYNCS = 2;

/** The ids of the syncs that retention would delete, oldest first. */
export function syncsToDelete(
  runs: readonly SyncRun[],
  keep: number = DEFAULT_KEEP_SYNCS,
  currentSyncId?: string,
): string[] {
  const finished = runs.filter((run) => run.endedAt !== undefined && run.syncId !== currentSyncId);
  const full = finished.filter((run) => run.type !== "partial");
  const partials = finished.filter((run) => run.type === "partial");
  const currentRunning = runs.some((r) => r.syncId === currentSyncId && r.endedAt === undefined);
  const limit = Math.max(0, Math.floor(keep) - (currentRunning ? 1 : 0));
  if (full.length <= limit) return [];

  const doomed = full.slice(0, full.length - limit).map((run) => run.syncId);
  const oldestKept = full[full.length - limit];
  // With nothing finished left to keep, the current sync is the oldest kept one.
  const keptStart = parseC1zTime(
    (oldestKept ?? runs.find((run) => run.syncId === currentSyncId))?.startedAt,
  );
  if (keptStart) {
    for (const partial of partials) {
      const ended = parseC1zTime(partial.endedAt);
      if (ended && ended < keptStart) doomed.push(partial.syncId);
    }
  }
  return doomed;
}

/**
 * Deletes what `syncsToDelete` selects, in one transaction, and returns the deleted ids. The
 * caller VACUUMs afterwards (outside any transaction) when something was deleted.
 */
export function deleteOldSyncs(
  runs: SyncRuns,
  keep: number = DEFAULT_KEEP_SYNCS,
  currentSyncId?: string,
): string[] {
  const doomed = syncsToDelete(runs.list(), keep, currentSyncId);
  for (const syncId of doomed) runs.delete(syncId);
  return doomed;
}
