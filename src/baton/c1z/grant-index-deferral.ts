/**
 * A large grant load runs without the grant table's secondary indexes, which are rebuilt before
 * anything reads grants. Each of the four non-unique indexes is a B-tree keyed on values that
 * arrive in no useful order, so every upserted row touched four random pages of trees that
 * outgrow the page cache: at 710,000 grants that was ≈ 17 s of the writer thread's ≈ 27 s for
 * them, and ≈ 45 s with two earlier syncs in the file, while one `create index` per tree sorts
 * the whole table in ≈ 5 µs a row (BENCHMARKS.md).
 *
 * Kept while loading: the unique (external_id, sync_id) index, which the upsert needs to find a
 * grant stored twice, and the two partial indexes, which hold only the few rows with expansion
 * work. A load starts deferring once it has added enough rows for the rebuild to pay (see
 * {@link shouldDefer}), so a small sync into a large file keeps its indexes all along.
 *
 * Safe to interrupt: the drop commits with a batch of rows, and a working database left without
 * the indexes gets them back from `applySchema` when it is opened again. A rolled-back
 * transaction may have undone a drop or a rebuild, so after one they count as missing and
 * the next rebuild re-runs every `create index if not exists` (no-ops for those present).
 */
import type { DatabaseSync } from "node:sqlite";
import { C1zError } from "./c1z-error.js";
import { SCHEMA, TABLES } from "./schema.js";

/** Fewer grants than this in one store session never defer: rebuilding costs more. */
export const MIN_DEFERRED_LOAD = 10_000;

/**
 * Rebuilding sorts every row of the table; maintaining the trees costs ≈ 12 × that per row
 * added (measured), so a load pays once it adds a tenth of what the table held.
 */
const TABLE_SHARE = 10;

interface GrantIndex {
  readonly name: string;
  readonly create: string;
}

/** The grant indexes that may wait: not the upsert's unique one, not the partial ones. */
export const DEFERRABLE_GRANT_INDEXES: readonly GrantIndex[] = deferrable();

function deferrable(): GrantIndex[] {
  const table = SCHEMA.find((t) => t.name === TABLES.grants);
  const indexes: GrantIndex[] = [];
  for (const create of table?.indexes ?? []) {
    if (/\bunique\b/.test(create) || /\bwhere\b/.test(create)) continue;
    const name = /index if not exists (\w+) on/.exec(create)?.[1];
    if (name) indexes.push({ name, create });
  }
  return indexes;
}

/** Whether a load that has added `added` grants to a table that held `before` should defer. */
export function shouldDefer(added: number, before: number): boolean {
  return added >= MIN_DEFERRED_LOAD && added * TABLE_SHARE >= before;
}

export class GrantIndexDeferral {
  /** Whether the indexes are, or after a rollback may be, missing. */
  private missing = false;
  /** Whether this session dropped the indexes (then a rollback may undo a drop or a rebuild). */
  private dropped = false;
  private added = 0;
  /** Rows the table held when this session first added grants (an estimate from the row ids). */
  private before: number | undefined;

  constructor(
    private readonly db: DatabaseSync,
    /** The working database's path, for errors. */
    private readonly path: string,
  ) {}

  /** Call inside the transaction that is about to add `count` grants. */
  adding(count: number): void {
    this.before ??= Number(
      this.db.prepare(`select coalesce(max(id), 0) as n from ${TABLES.grants}`).get()?.n ?? 0,
    );
    this.added += count;
    // Once per session: a session that read grants in the middle of its load would otherwise
    // rebuild and drop again at every read.
    if (this.dropped || !shouldDefer(this.added, this.before)) return;
    for (const index of DEFERRABLE_GRANT_INDEXES)
      this.db.exec(`drop index if exists ${index.name}`);
    this.missing = true;
    this.dropped = true;
  }

  /** Rebuilds the indexes if a load dropped them. Call before anything reads or saves grants. */
  restore(): void {
    if (!this.missing) return;
    try {
      for (const index of DEFERRABLE_GRANT_INDEXES) this.db.exec(index.create);
    } catch (err) {
      // Sorting spills to SQLite's temporary directory; nothing else here writes a new file.
      const reason = err instanceof Error ? err.message : String(err);
      throw new C1zError(
        "unwritable",
        `${this.path}: cannot rebuild the grant indexes (${reason}); SQLite sorts them in ` +
          "$SQLITE_TMPDIR, else $TMPDIR, else /var/tmp or /tmp: give one of them room (about " +
          "70 MB per 700,000 grants) and run the sync again, it resumes",
        { cause: err },
      );
    }
    this.missing = false;
  }

  /** A transaction rolled back: a drop or a rebuild in it may be undone. */
  rolledBack(): void {
    if (this.dropped) this.missing = true;
  }

  /** Whether the indexes are (or may be) missing now (for tests). */
  get deferred(): boolean {
    return this.missing;
  }
}
