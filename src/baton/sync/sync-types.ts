/** The public shapes of a sync: its options, progress events, result, and counts. */
import type { Sleep } from "../retry.js";
import type { RetryListener } from "./call-with-retry.js";
import type { Checkpoint } from "./checkpoint.js";

/** Row counts of a sync, by table. */
export interface SyncCounts {
  resourceTypes: number;
  resources: number;
  entitlements: number;
  grants: number;
}

/** Progress events, for the progress display and logs. */
export interface SyncProgress {
  phase: Checkpoint["phase"];
  counts: SyncCounts;
  pages: number;
}

export interface SyncOptions {
  /** Longest time stored pages wait for a checkpoint (default 1 s; 0 = after every page). */
  checkpointIntervalMs?: number;
  /** Independent pages in flight at once (default 4). */
  concurrency?: number;
  /** `resources_only` sync: no entitlements or grants. */
  skipEntitlementsAndGrants?: boolean;
  /** Store only these resource types (`--sync-resource-types`). */
  resourceTypeIds?: readonly string[];
  sleep?: Sleep;
  signal?: AbortSignal;
  onRetry?: RetryListener;
  onWarning?: (message: string) => void;
  onProgress?: (p: SyncProgress) => void;
}

export interface SyncResult {
  syncId: string;
  resumed: boolean;
  counts: SyncCounts;
  warnings: string[];
  pages: number;
}

/** Stops a sync whose warnings pile up: more than 10 and over 10% of actions. */
export class TooManyWarningsError extends Error {
  override name = "TooManyWarningsError";
}
