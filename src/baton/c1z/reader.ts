/**
 * Reads a c1z file: unpacks it into a private temporary database (removed by `close`), and
 * answers with decoded messages from the sync a Baton reader would show:
 * - an explicit sync id, if given;
 * - else, for resources, the latest finished `full` sync, for everything else the latest
 *   finished sync of any type;
 * - else (nothing suitable finished) the latest finished sync of any type, then the latest
 *   unfinished one.
 * Grants come back with GrantExpandable re-attached from the `expansion` column.
 *
 * Rows are walked with `iterateResources` / `iterateEntitlements` / `iterateGrants`: generators
 * that read one keyset page at a time, so views, diffs and reports of a file of any size run in
 * bounded memory. The unpacked database is on disk (about 10 times the c1z's size), not in memory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import type { Entitlement } from "../../gen/c1/connector/v2/entitlement_pb.js";
import type { Grant } from "../../gen/c1/connector/v2/grant_pb.js";
import type { Resource, ResourceType } from "../../gen/c1/connector/v2/resource_pb.js";
import { C1zError } from "./c1z-error.js";
import { readEnvelope } from "./envelope.js";
import { decodeEntitlement, decodeGrant, decodeResource } from "./row-codec.js";
import {
  type EntitlementFilter,
  type GrantFilter,
  type ResourceFilter,
  type ResourceKey,
  type RowCounts,
  RowQueries,
  type StoredRow,
} from "./row-queries.js";
import { TABLES } from "./schema.js";
import { type SyncRun, SyncRuns } from "./sync-runs.js";
import { openDatabase } from "./unpacked-database.js";

export interface C1zReaderOptions {
  /** Read this sync instead of the default choice. */
  readonly syncId?: string;
  /** Where to unpack the database; default: the OS temporary directory. */
  readonly tempDir?: string;
}

export interface C1zStats {
  /** The sync the counts describe (the one `resourceTypes()`, `entitlements()`, … read). */
  readonly syncId: string | undefined;
  /** The sync `resources()` reads (the latest finished full sync, when it differs). */
  readonly resourcesSyncId: string | undefined;
  readonly counts: RowCounts;
  readonly resourcesByType: Record<string, number>;
  readonly entitlementsByType: Record<string, number>;
  readonly grantsByType: Record<string, number>;
}

/** Rows decoded per SQLite query by the `iterate…` walks (and the array methods built on them). */
export const DEFAULT_PAGE_SIZE = 1000;

/** Which sync an `iterate…` walk reads, and how many rows it decodes per query. */
export interface IterateOptions {
  /** Read this sync (it must exist) instead of the reader's choice (see the module comment). */
  readonly syncId?: string;
  /** Rows per page; default {@link DEFAULT_PAGE_SIZE}. */
  readonly pageSize?: number;
}

export class C1zReader {
  private readonly runs: SyncRuns;
  private readonly queries: RowQueries;
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly db: DatabaseSync,
    private readonly dir: string,
    private readonly explicitSyncId: string | undefined,
  ) {
    this.runs = new SyncRuns(db);
    this.queries = new RowQueries(db);
  }

  /**
   * Opens `file`. Throws a C1zError: "not-found" for a missing file, "not-c1z" without the
   * `C1ZF` header, "unsupported-format" for a v3 (Pebble) file, "corrupt" for damage, and
   * "unknown-sync" for an explicit sync id the file does not hold.
   */
  static async open(file: string, options: C1zReaderOptions = {}): Promise<C1zReader> {
    try {
      await stat(file);
    } catch {
      throw new C1zError("not-found", `${file}: no such file`);
    }
    const dir = mkdtempSync(join(options.tempDir ?? tmpdir(), "c1z-read-"));
    try {
      const path = join(dir, "c1z.sqlite");
      await readEnvelope(file, path);
      const db = openDatabase(file, path);
      const reader = new C1zReader(file, db, dir, options.syncId);
      if (options.syncId !== undefined) reader.runs.require(options.syncId);
      return reader;
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Every sync run in the file, oldest first. */
  syncs(): SyncRun[] {
    return this.runs.list();
  }

  /** The sync read by everything but `resources()`. */
  syncId(): string | undefined {
    return this.explicitSyncId ?? this.pick(undefined);
  }

  /** The sync read by `resources()`. */
  resourcesSyncId(): string | undefined {
    return this.explicitSyncId ?? this.pick(["full"]);
  }

  resourceTypes(): ResourceType[] {
    const syncId = this.syncId();
    return syncId === undefined ? [] : this.queries.resourceTypes(syncId);
  }

  /**
   * Resources of a sync in store order, read from SQLite one page at a time: however large the
   * file, at most `pageSize` decoded rows are held, so a caller that prints or folds them as they
   * come runs in bounded memory. Default sync: the one `resources()` reads. Stop early with
   * `break`; the walk keeps no statement open between pages.
   */
  *iterateResources(
    filter: ResourceFilter = {},
    options: IterateOptions = {},
  ): Generator<Resource> {
    const syncId = this.walkedSync(options, this.resourcesSyncId());
    if (syncId === undefined) return;
    yield* pages(
      options,
      (after, limit) => this.queries.resourceRowsAfter(syncId, after, limit, filter),
      (row) => decodeResource(row.data),
    );
  }

  /** Entitlements of a sync, page by page (see {@link iterateResources}). */
  *iterateEntitlements(
    filter: EntitlementFilter = {},
    options: IterateOptions = {},
  ): Generator<Entitlement> {
    const syncId = this.walkedSync(options, this.syncId());
    if (syncId === undefined) return;
    yield* pages(
      options,
      (after, limit) => this.queries.entitlementRowsAfter(syncId, after, limit, filter),
      (row) => decodeEntitlement(row.data),
    );
  }

  /**
   * Grants of a sync, page by page (see {@link iterateResources}), with GrantExpandable
   * re-attached. Every {@link GrantFilter} combination is served by an index or a row-id range
   * scan, so a full walk costs one pass over the table at most (700,000 grants in seconds).
   */
  *iterateGrants(filter: GrantFilter = {}, options: IterateOptions = {}): Generator<Grant> {
    const syncId = this.walkedSync(options, this.syncId());
    if (syncId === undefined) return;
    yield* pages(
      options,
      (after, limit) => this.queries.grantRowsAfter(syncId, after, limit, filter),
      (row) => decodeGrant(row.data, row.expansion ?? null),
    );
  }

  /** Every resource at once; prefer {@link iterateResources} for files of any size. */
  resources(filter: ResourceFilter = {}): Resource[] {
    return [...this.iterateResources(filter)];
  }

  /** Every entitlement at once; prefer {@link iterateEntitlements} for files of any size. */
  entitlements(filter: EntitlementFilter = {}): Entitlement[] {
    return [...this.iterateEntitlements(filter)];
  }

  /** Every grant at once; prefer {@link iterateGrants} for files of any size. */
  grants(filter: GrantFilter = {}): Grant[] {
    return [...this.iterateGrants(filter)];
  }

  /** One resource by `{resourceType, resource}`, from the sync `resources()` reads. */
  resource(key: ResourceKey): Resource | undefined {
    const syncId = this.resourcesSyncId();
    return syncId === undefined ? undefined : this.queries.resource(syncId, key);
  }

  /** One entitlement by id. */
  entitlement(entitlementId: string): Entitlement | undefined {
    const syncId = this.syncId();
    return syncId === undefined ? undefined : this.queries.entitlement(syncId, entitlementId);
  }

  /** One grant by id, with GrantExpandable re-attached. */
  grant(grantId: string): Grant | undefined {
    const syncId = this.syncId();
    return syncId === undefined ? undefined : this.queries.grant(syncId, grantId);
  }

  /** Row counts of the chosen sync, overall and per resource type. */
  stats(): C1zStats {
    const syncId = this.syncId();
    const resourcesSyncId = this.resourcesSyncId();
    const none = { resourceTypes: 0, resources: 0, entitlements: 0, grants: 0 };
    const counts = syncId === undefined ? none : this.queries.counts(syncId);
    return {
      syncId,
      resourcesSyncId,
      counts: {
        ...counts,
        resources:
          resourcesSyncId === undefined ? 0 : this.queries.counts(resourcesSyncId).resources,
      },
      resourcesByType:
        resourcesSyncId === undefined
          ? {}
          : this.queries.countsByResourceType(resourcesSyncId, TABLES.resources),
      entitlementsByType:
        syncId === undefined ? {} : this.queries.countsByResourceType(syncId, TABLES.entitlements),
      grantsByType:
        syncId === undefined ? {} : this.queries.countsByResourceType(syncId, TABLES.grants),
    };
  }

  /** Closes the database and deletes the unpacked copy. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private pick(types: readonly string[] | undefined): string | undefined {
    return (
      this.runs.latestFinished(types) ??
      this.runs.latestFinished() ??
      this.runs.latestUnfinished()
    )?.syncId;
  }

  /** The sync a walk reads: an explicit one (checked to exist) or the reader's choice. */
  private walkedSync(options: IterateOptions, chosen: string | undefined): string | undefined {
    if (options.syncId === undefined) return chosen;
    this.runs.require(options.syncId);
    return options.syncId;
  }
}

/** A stored row as the paged queries return it (`expansion` only for grants). */
type PagedRow = Pick<StoredRow, "rowId" | "data"> & { readonly expansion?: StoredRow["expansion"] };

/**
 * Keyset pages of `pageSize` rows (`id > last row id`), each row decoded only as it is yielded:
 * a page holds bytes, and one decoded message at a time is alive, so the decoded objects die
 * young instead of a page's worth being promoted by the garbage collector.
 */
function* pages<T>(
  options: IterateOptions,
  page: (afterRowId: number, limit: number) => readonly PagedRow[],
  decode: (row: PagedRow) => T,
): Generator<T> {
  const size = Math.max(1, Math.floor(options.pageSize ?? DEFAULT_PAGE_SIZE));
  let after = 0;
  for (;;) {
    const rows = page(after, size);
    for (const row of rows) yield decode(row);
    const last = rows[rows.length - 1];
    if (rows.length < size || last === undefined) return;
    after = last.rowId;
  }
}
