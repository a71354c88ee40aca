/**
 * The `sync_full` task: heartbeat first, then the same syncer as
 * the one-shot CLI into a fresh c1z in the temp dir, upload it, and delete it. The task's options
 * pick the sync: targeted resources give a partial sync (replaced by `--sync-resources`),
 * `skip_entitlements_and_grants` a resources-only one, `sync_resource_type_ids` (else
 * `--sync-resource-types`) the types. Each task writes a new file, so the c1z holds exactly one
 * sync run and an interrupted sync is never resumed.
 */
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Task_SyncFullTask } from "../../gen/c1/connectorapi/baton/v1/baton_pb.js";
import { C1zStore } from "../c1z/store.js";
import { openSyncStore } from "../c1z/threaded-store.js";
import { removeWorkingDb, workingDbPath } from "../c1z/working-db.js";
import { UsageError } from "../errors.js";
import { IngestError } from "../sync/ingest-rules.js";
import { runSync, type SyncResult } from "../sync/syncer.js";
import { runTargetedSync, type SyncTarget } from "../sync/targeted-sync.js";
import { type HeartbeatStop, startHeartbeats } from "./heartbeats.js";
import type { TaskContext } from "./task-context.js";
import { failed, type TaskOutcome } from "./task-outcome.js";
import { uploadFile } from "./upload-asset.js";

/** The targets of a task's `targeted_sync_resources`. */
function targetsOf(sync: Task_SyncFullTask): SyncTarget[] {
  return sync.targetedSyncResources.flatMap((r) =>
    r.id
      ? [{ id: r.id, ...(r.parentResourceId?.resource ? { parent: r.parentResourceId } : {}) }]
      : [],
  );
}

const STOP_MESSAGES: Record<HeartbeatStop, string> = {
  cancelled: "the sync was cancelled by ConductorOne",
  failing: "the sync was stopped: 10 heartbeat cycles in a row failed",
};

let pebbleNoted = false;

export async function syncTask(
  taskId: string,
  sync: Task_SyncFullTask,
  ctx: TaskContext,
): Promise<TaskOutcome> {
  let first: { cancelled: boolean; nextHeartbeatMs: number };
  try {
    first = await ctx.api.heartbeat(taskId, ctx.signal);
  } catch (e) {
    // Our own shutdown: report the claimed task as cancelled, so C1 issues it again at once.
    if (ctx.signal.aborted) return failed(abortReason(ctx.signal), false);
    // Go returns without FinishTask here: C1 re-issues the task once heartbeats stop.
    return { kind: "unreported", reason: `first heartbeat failed: ${errorText(e)}` };
  }
  if (first.cancelled) return { kind: "unreported", reason: "cancelled before it started" };

  if (sync.storageEngine === "pebble" && !pebbleNoted) {
    pebbleNoted = true;
    ctx.logger.info(
      { task_id: taskId },
      "the task asks for a pebble c1z; this connector writes v1 (SQLite) files, which ConductorOne accepts",
    );
  }
  const stop = new AbortController();
  const beats = startHeartbeats(first.nextHeartbeatMs, {
    api: ctx.api,
    taskId,
    logger: ctx.logger,
    sleep: ctx.sleep,
    onStop: (why) => stop.abort(new ConnectError(STOP_MESSAGES[why], Code.Canceled)),
  });
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  const file = join(
    ctx.sync.tempDir,
    `baton-sync-upload-${taskId}-${randomBytes(4).toString("hex")}.c1z`,
  );
  try {
    const result = await writeSync(file, sync, ctx, signal);
    ctx.logger.info(
      { task_id: taskId, ...result.counts, warnings: result.warnings.length },
      "sync written; uploading",
    );
    await uploadFile(ctx.api, taskId, file, {
      signal,
      sleep: ctx.sleep,
      onRetry: (attempt, e) =>
        ctx.logger.warn({ task_id: taskId, attempt, err: errorText(e) }, "upload failed; retrying"),
    });
    return { kind: "success" };
  } catch (e) {
    if (signal.aborted) return failed(abortReason(signal), false);
    // Only a broken ingest rule is final: anything else may pass on a new attempt.
    return failed(e, e instanceof IngestError);
  } finally {
    await beats.stop();
    await rm(file, { force: true });
    await removeWorkingDb(workingDbPath(file));
  }
}

/** Runs the sync the task asks for into `file` and saves it. */
async function writeSync(
  file: string,
  sync: Task_SyncFullTask,
  ctx: TaskContext,
  signal: AbortSignal,
): Promise<SyncResult> {
  const targets = ctx.sync.targets?.length ? [...ctx.sync.targets] : targetsOf(sync);
  const resourceTypeIds =
    sync.syncResourceTypeIds.length > 0 ? sync.syncResourceTypeIds : ctx.sync.resourceTypeIds;
  const common = {
    concurrency: ctx.sync.workers,
    signal,
    ...(resourceTypeIds?.length ? { resourceTypeIds: [...resourceTypeIds] } : {}),
    onWarning: (m: string) => ctx.logger.warn({}, m),
  };
  if (targets.length > 0) {
    // Targeted syncs are small: the in-thread store is enough.
    const store = await C1zStore.open(file);
    try {
      const result = await runTargetedSync(ctx.clients, store, {
        ...common,
        targets,
        skipEntitlementsAndGrants: sync.skipEntitlementsAndGrants,
        skipGrants: sync.skipGrants,
      });
      await store.save({ signal });
      return result;
    } catch (e) {
      store.abandon();
      throw e;
    }
  }
  if (sync.skipGrants) {
    // A full sync without grants would read as "every grant revoked" to C1.
    throw new UsageError("skip_grants is valid only for a targeted sync (targeted_sync_resources)");
  }
  const store = await openSyncStore(file);
  try {
    const result = await runSync(ctx.clients, store, {
      ...common,
      ...(ctx.sync.checkpointIntervalMs !== undefined
        ? { checkpointIntervalMs: ctx.sync.checkpointIntervalMs }
        : {}),
      skipEntitlementsAndGrants: sync.skipEntitlementsAndGrants,
    });
    await store.save();
    return result;
  } catch (e) {
    store.abandon();
    throw e;
  }
}

function abortReason(signal: AbortSignal): ConnectError {
  const r: unknown = signal.reason;
  if (r instanceof ConnectError) return r;
  return new ConnectError(r instanceof Error ? r.message : "the sync was cancelled", Code.Canceled);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
