/**
 * The c1z writer. A sync writes into a working SQLite database beside the output file (see
 * working-db.ts); every call commits, so a killed sync loses nothing it was told to store, and
 * the next `open` resumes from the same database. `save()` turns it into the c1z, replacing the
 * output atomically. All methods but `open` and `save` are synchronous, like node:sqlite.
 *
 * Typical use by the syncer:
 *   const store = await C1zStore.open("sync.c1z");
 *   const syncId = store.latestUnfinishedSync("full")?.syncId ?? store.startSync("full");
 *   store.transaction(() => { store.putResources(syncId, page); store.setSyncToken(syncId, t); });
 *   …
 *   store.endSync(syncId); store.cleanupSyncs(2); await store.save();
 */
import type { DatabaseSync } from "node:sqlite";
import type { Registry } from "@bufbuild/protobuf";
import type { Entitlement } from "../../gen/c1/connector/v2/entitlement_pb.js";
import type { Grant } from "../../gen/c1/connector/v2/grant_pb.js";
import type { Resource, ResourceType } from "../../gen/c1/connector/v2/resource_pb.js";
import { writeFileAtomically } from "./atomic-file.js";
import { C1zError } from "./c1z-error.js";
import { DEFAULT_KEEP_SYNCS, deleteOldSyncs } from "./cleanup.js";
import { writeEnvelope } from "./envelope.js";
import { GrantIndexDeferral } from "./grant-index-deferral.js";
import type { PackedGrants } from "./packed-rows.js";
import {
  type CountsByType,
  type DanglingRef,
  type EntitlementFilter,
  type GrantFilter,
  type ResourceFilter,
  type ResourceKey,
  type RowCounts,
  RowQueries,
} from "./row-queries.js";
import { RowWriter } from "./row-writer.js";
import { TABLES } from "./schema.js";
import { type SyncRun, SyncRuns, type SyncType } from "./sync-runs.js";
import { computeSyncStats, encodeSyncStats, type SyncStats } from "./sync-stats.js";
import { formatC1zTime } from "./timestamp.js";
import { c1zTypeRegistry } from "./type-registry.js";
import { openWorkingDb, removeWorkingDb, type WorkingDbOrigin } from "./working-db.js";

export interface C1zStoreOptions {
  /** Directory for the working database (`--c1z-temp-dir`); default: beside the output. */
  readonly tempDir?: string;
  /** Types whose Any annotations are re-encoded canonically; default: all c1.connector.v2. */
  readonly registry?: Registry;
  /** Clock for timestamps and the 7-day resume window (tests). */
  readonly now?: () => Date;
}

/** The checkpoint of an unfinished sync, as `latestUnfinishedSync` returns it. */
export interface UnfinishedSync {
  readonly syncId: string;
  readonly syncToken: string;
  readonly startedAt: string;
}

export class C1zStore {
  private readonly runs: SyncRuns;
  private readonly queries: RowQueries;
  private readonly writer: RowWriter;
  private readonly grantIndexes: GrantIndexDeferral;
  private readonly now: () => Date;
  private transactionDepth = 0;
  private open = true;
  /** The counts endSync stored for the sync it ended: the summary reuses them. */
  private ended: { syncId: string; stats: SyncStats } | undefined;

  private constructor(
    /** The output c1z. */
    readonly file: string,
    private readonly db: DatabaseSync,
    /** The working database's path. */
    readonly workingDbPath: string,
    /** Whether the working database was resumed, unpacked from the c1z, or created. */
    readonly origin: WorkingDbOrigin,
    options: C1zStoreOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.runs = new SyncRuns(db, this.now);
    this.queries = new RowQueries(db);
    this.writer = new RowWriter(db, options.registry ?? c1zTypeRegistry);
    this.grantIndexes = new GrantIndexDeferral(db, workingDbPath);
  }

  /**
   * Opens the store of `file`: resumes its working database if a previous run left one, else
   * unpacks the existing c1z (its syncs are kept), else starts empty (a missing or zero-length
   * file is new). Throws a C1zError for a file that is not a v1 c1z ("not-c1z",
   * "unsupported-format"), a damaged one ("corrupt"), or one another sync is writing ("locked").
   */
  static async open(file: string, options: C1zStoreOptions = {}): Promise<C1zStore> {
    const { db, path, origin } = await openWorkingDb(file, options.tempDir);
    return new C1zStore(file, db, path, origin, options);
  }

  // ── sync runs ──────────────────────────────────────────────────────────────────────────────

  /** The newest unfinished sync of `type` started less than 7 days ago, to resume. */
  latestUnfinishedSync(type: SyncType): UnfinishedSync | undefined {
    this.assertOpen();
    const run = this.runs.resumable(type);
    return run && { syncId: run.syncId, syncToken: run.syncToken, startedAt: run.startedAt };
  }

  /**
   * The finished sync of `type` that this working database holds but that was never saved: the
   * run that ended it stopped (killed, or save() failed) before the c1z was written. Its rows are
   * complete, so the next run only saves it. Recognised as the newest sync, ended, with the
   * syncer's checkpoint still in `sync_token`, in a working database left by an earlier run:
   * unpacking a c1z clears the tokens of its finished syncs (see working-db.ts), so a saved sync
   * never looks unsaved.
   */
  unsavedFinishedSync(type: SyncType): string | undefined {
    this.assertOpen();
    if (this.origin !== "resumed") return undefined;
    const last = this.runs.list().at(-1);
    const unsaved = last?.type === type && last.endedAt !== undefined && last.syncToken !== "";
    return unsaved ? last.syncId : undefined;
  }

  /** The newest finished sync of one of `types` (default: any), e.g. a partial sync's parent. */
  latestFinishedSync(types?: readonly SyncType[]): SyncRun | undefined {
    this.assertOpen();
    return this.runs.latestFinished(types);
  }

  /** Starts a sync and returns its new KSUID. */
  startSync(type: SyncType, parentSyncId = ""): string {
    this.assertOpen();
    return this.runs.start(type, parentSyncId);
  }

  /** Saves the syncer's checkpoint; inside `transaction` it commits with that page's rows. */
  setSyncToken(syncId: string, token: string): void {
    this.assertOpen();
    this.runs.setToken(syncId, token);
  }

  /** Marks the sync finished (`ended_at`) and stores its row counts as Go does (`stats`). */
  endSync(syncId: string): void {
    this.assertOpen();
    const run = this.runs.require(syncId);
    if (run.endedAt !== undefined) return;
    this.grantIndexes.restore();
    const stats = computeSyncStats(this.queries, syncId, run.type);
    this.runs.end(syncId, encodeSyncStats(stats));
    this.ended = { syncId, stats };
  }

  /**
   * Sets `supports_diff = 1`. The Go syncer does this once data collection of a full sync is
   * complete (when it reaches grant expansion, unless resuming expansion); it tells newer SDKs
   * that the grant expansion columns of this sync can be trusted.
   */
  markSupportsDiff(syncId: string): void {
    this.assertOpen();
    this.runs.setSupportsDiff(syncId);
  }

  /** One sync run, or undefined. */
  syncRun(syncId: string): SyncRun | undefined {
    this.assertOpen();
    return this.runs.get(syncId);
  }

  /** All sync runs, oldest first. */
  syncRuns(): SyncRun[] {
    this.assertOpen();
    return this.runs.list();
  }

  /**
   * Deletes old syncs beyond the newest `keep` full syncs (the running `currentSyncId`, if given,
   * counts as one), then VACUUMs. Returns the deleted sync ids. Not inside `transaction`.
   */
  cleanupSyncs(keep: number = DEFAULT_KEEP_SYNCS, currentSyncId?: string): string[] {
    this.assertOpen();
    if (this.transactionDepth > 0) {
      throw new Error("cleanupSyncs cannot run inside a transaction (VACUUM needs none)");
    }
    this.grantIndexes.restore();
    const deleted = this.transaction(() => deleteOldSyncs(this.runs, keep, currentSyncId));
    if (deleted.length > 0) this.db.exec("vacuum");
    return deleted;
  }

  // ── writes ─────────────────────────────────────────────────────────────────────────────────

  /**
   * Runs `fn` in one transaction: everything it writes, including `setSyncToken`, commits
   * together or not at all. Nested calls join the outer transaction.
   */
  transaction<T>(fn: () => T): T {
    this.assertOpen();
    if (this.transactionDepth > 0) {
      this.transactionDepth++;
      try {
        return fn();
      } finally {
        this.transactionDepth--;
      }
    }
    this.db.exec("begin immediate");
    this.transactionDepth = 1;
    try {
      const result = fn();
      this.db.exec("commit");
      return result;
    } catch (err) {
      this.db.exec("rollback");
      this.grantIndexes.rolledBack();
      throw err;
    } finally {
      this.transactionDepth = 0;
    }
  }

  putResourceTypes(syncId: string, types: Iterable<ResourceType>): void {
    this.writeRows(types, (type, at) => this.writer.putResourceType(syncId, type, at));
  }

  putResources(syncId: string, resources: Iterable<Resource>): void {
    this.writeRows(resources, (resource, at) => this.writer.putResource(syncId, resource, at));
  }

  putEntitlements(syncId: string, entitlements: Iterable<Entitlement>): void {
    this.writeRows(entitlements, (e, at) => this.writer.putEntitlement(syncId, e, at));
  }

  /** Upserts grants, filling the expansion columns (see grant-expansion.ts). */
  putGrants(syncId: string, grants: Iterable<Grant>): void {
    const list = Array.isArray(grants) ? (grants as readonly Grant[]) : [...grants];
    this.writeRows([list], (all, at) => {
      this.grantIndexes.adding(all.length);
      for (const grant of all) this.writer.putGrant(syncId, grant, at);
    });
  }

  /** Upserts grants already encoded by packed-rows.ts (how the writer thread receives them). */
  putPackedGrants(syncId: string, rows: PackedGrants): void {
    this.writeRows([rows], (packed, at) => {
      this.grantIndexes.adding(packed.count);
      this.writer.putPackedGrants(syncId, packed, at);
    });
  }

  /** Stores an asset's bytes (AssetRef.id → `external_id`). */
  putAsset(syncId: string, assetId: string, contentType: string, data: Uint8Array): void {
    this.writeRows([data], (bytes, at) =>
      this.writer.putAsset(syncId, assetId, contentType, bytes, at),
    );
  }

  // ── reads (paged, for the syncer's later phases) ─────────────────────────────────────────

  resourceTypes(syncId: string): ResourceType[] {
    this.assertOpen();
    return this.queries.resourceTypes(syncId);
  }

  /** Up to `limit` resources after row `afterRowId` (start with 0), in store order. */
  resourcesAfter(
    syncId: string,
    afterRowId: number,
    limit: number,
    filter?: ResourceFilter,
  ): { rowId: number; resource: Resource }[] {
    this.assertOpen();
    return this.queries.resourcesAfter(syncId, afterRowId, limit, filter);
  }

  /** `resourceTypes` as stored bytes (the writer thread answers with these; see threaded-store.ts). */
  resourceTypeRows(syncId: string): Uint8Array[] {
    this.assertOpen();
    return this.queries.resourceTypeRows(syncId);
  }

  /** `resourcesAfter` as stored bytes (the writer thread answers with these). */
  resourceRowsAfter(
    syncId: string,
    afterRowId: number,
    limit: number,
    filter?: ResourceFilter,
  ): { rowId: number; data: Uint8Array }[] {
    this.assertOpen();
    return this.queries.resourceRowsAfter(syncId, afterRowId, limit, filter);
  }

  /** `resourcesAfter` restricted to one resource type. */
  resourcesOfType(
    syncId: string,
    resourceTypeId: string,
    afterRowId: number,
    limit: number,
  ): { rowId: number; resource: Resource }[] {
    return this.resourcesAfter(syncId, afterRowId, limit, { resourceTypeId });
  }

  resource(syncId: string, key: ResourceKey): Resource | undefined {
    this.assertOpen();
    return this.queries.resource(syncId, key);
  }

  entitlementsAfter(
    syncId: string,
    afterRowId: number,
    limit: number,
    filter?: EntitlementFilter,
  ): { rowId: number; entitlement: Entitlement }[] {
    this.assertOpen();
    return this.queries.entitlementsAfter(syncId, afterRowId, limit, filter);
  }

  entitlement(syncId: string, entitlementId: string): Entitlement | undefined {
    this.assertOpen();
    return this.queries.entitlement(syncId, entitlementId);
  }

  grantsAfter(
    syncId: string,
    afterRowId: number,
    limit: number,
    filter?: GrantFilter,
  ): { rowId: number; grant: Grant }[] {
    this.assertOpen();
    this.grantIndexes.restore();
    return this.queries.grantsAfter(syncId, afterRowId, limit, filter);
  }

  grant(syncId: string, grantId: string): Grant | undefined {
    this.assertOpen();
    this.grantIndexes.restore();
    return this.queries.grant(syncId, grantId);
  }

  counts(syncId: string): RowCounts {
    this.assertOpen();
    this.grantIndexes.restore();
    return this.queries.counts(syncId);
  }

  /** Rows of one sync per resource type (of the resource, or of the grant's entitlement). */
  countsByType(syncId: string): CountsByType {
    this.assertOpen();
    this.grantIndexes.restore();
    const entitlementsByType = this.queries.countsByResourceType(syncId, TABLES.entitlements);
    // A sync just ended was counted by endSync (a GROUP BY over every grant): not again.
    const ended = this.ended?.syncId === syncId ? this.ended.stats : undefined;
    if (ended) {
      return {
        resourcesByType: Object.fromEntries(
          Object.entries(ended.resourcesByResourceType).filter(([, n]) => n > 0),
        ),
        entitlementsByType,
        grantsByType: ended.grantsByResourceType,
      };
    }
    return {
      resourcesByType: this.queries.countsByResourceType(syncId, TABLES.resources),
      entitlementsByType,
      grantsByType: this.queries.countsByResourceType(syncId, TABLES.grants),
    };
  }

  /** Resources that grants of the sync name but the sync lacks (see RowQueries). */
  danglingGrantRefs(syncId: string, types: readonly string[], limit: number): DanglingRef[] {
    this.assertOpen();
    this.grantIndexes.restore();
    return this.queries.danglingGrantRefs(syncId, types, limit);
  }

  // ── lifecycle ──────────────────────────────────────────────────────────────────────────────

  /**
   * Writes the c1z and closes the store: the working database is made self-contained (WAL
   * checkpointed, rollback-journal header) and closed, streamed through zstd into
   * `<file>.tmp-<random>`, fsynced and renamed over `<file>`; then the working database is
   * deleted. If this fails, `<file>` is untouched and the working database stays for a resume.
   * `signal` cancels the compression (e.g. on Ctrl-C), with the same guarantees.
   */
  async save(options: { signal?: AbortSignal } = {}): Promise<void> {
    this.assertOpen();
    if (this.transactionDepth > 0) throw new Error("save() cannot run inside a transaction");
    this.grantIndexes.restore();
    try {
      this.db.exec("pragma journal_mode = delete");
    } finally {
      // Closed even on failure: a WAL left behind is recovered by the next open.
      this.closeDb();
    }
    await writeFileAtomically(this.file, (out) =>
      writeEnvelope(this.workingDbPath, out, options.signal),
    );
    await removeWorkingDb(this.workingDbPath);
  }

  /**
   * Closes without saving. The working database stays, so the next `open` of the same file
   * resumes from everything committed so far; `<file>` is untouched.
   */
  abandon(): void {
    if (this.open) this.closeDb();
  }

  /** Same as `abandon()`. */
  close(): void {
    this.abandon();
  }

  /** Closes without saving and deletes the working database: unsaved work is thrown away. */
  async discard(): Promise<void> {
    this.abandon();
    await removeWorkingDb(this.workingDbPath);
  }

  private writeRows<T>(items: Iterable<T>, write: (item: T, discoveredAt: string) => void): void {
    const at = formatC1zTime(this.now());
    this.transaction(() => {
      for (const item of items) write(item, at);
    });
  }

  private closeDb(): void {
    this.open = false;
    this.db.close();
  }

  private assertOpen(): void {
    if (!this.open) {
      throw new C1zError("closed", `the c1z store of ${this.file} is closed`);
    }
  }
}

/**
 * What the syncer and the sync command use of a store: a {@link C1zStore}, or a
 * `ThreadedC1zStore` (threaded-store.ts) that runs the row encoding and SQLite on a worker
 * thread, whose transactions commit after they return; its `waitForCommit()` waits for that.
 */
export type SyncStore = { waitForCommit?(): void } & Pick<
  C1zStore,
  | "file"
  | "origin"
  | "latestUnfinishedSync"
  | "unsavedFinishedSync"
  | "startSync"
  | "setSyncToken"
  | "endSync"
  | "markSupportsDiff"
  | "cleanupSyncs"
  | "transaction"
  | "putResourceTypes"
  | "putResources"
  | "putEntitlements"
  | "putGrants"
  | "resourceTypes"
  | "resourcesAfter"
  | "resourcesOfType"
  | "counts"
  | "countsByType"
  | "danglingGrantRefs"
  | "save"
  | "abandon"
  | "discard"
>;
