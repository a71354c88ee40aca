/**
 * Writes fetched pages and the checkpoint that covers exactly them in one transaction. Pages are
 * buffered up to the checkpoint interval (or a row budget) so a large sync does not pay a commit
 * per page; a crash loses at most one interval's pages (plus, with a writer thread, the few
 * batches it had not committed yet), which the next run asks for again. The in-memory checkpoint
 * moves on at once, so the next page can start while rows wait.
 */
import type { SyncStore } from "../c1z/store.js";
import { type Checkpoint, encodeCheckpoint } from "./checkpoint.js";

/** Write at least this often (the Go syncer checkpoints every 10 s), and whenever this many rows wait. */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 1_000;
const FLUSH_ROWS = 5_000;

export class CheckpointWriter {
  private buffered: (() => void)[] = [];
  private bufferedRows = 0;
  private lastFlush = Date.now();

  constructor(
    private readonly store: SyncStore,
    private readonly syncId: string,
    private readonly cp: Checkpoint,
    private readonly intervalMs: number,
  ) {}

  /** Records a fetched page: `advance` updates the checkpoint now, `rows` is written later. */
  page(rows: () => void, rowCount: number, advance: () => void): void {
    advance();
    this.cp.completed++;
    this.buffered.push(rows);
    this.bufferedRows += rowCount;
    if (this.bufferedRows >= FLUSH_ROWS || Date.now() - this.lastFlush >= this.intervalMs) {
      this.flush();
    }
  }

  /** Writes buffered rows and the checkpoint in one transaction. */
  flush(): void {
    const writes = this.buffered;
    this.buffered = [];
    this.bufferedRows = 0;
    this.lastFlush = Date.now();
    this.store.transaction(() => {
      for (const write of writes) write();
      this.store.setSyncToken(this.syncId, encodeCheckpoint(this.cp));
    });
    this.committed();
  }

  /** Moves to the next phase: everything buffered, then the phase change, in one transaction. */
  phase(next: Checkpoint["phase"], prepare?: () => void): void {
    this.store.transaction(() => {
      this.flush();
      this.cp.phase = next;
      prepare?.();
      this.store.setSyncToken(this.syncId, encodeCheckpoint(this.cp));
    });
    this.committed();
  }

  /**
   * With an interval of 0 every page is committed before the next one is asked for, also when a
   * writer thread commits in the background (ThreadedC1zStore): a kill then loses only the page
   * in flight. Otherwise a few posted batches may still be committing (see MAX_UNACKED).
   */
  private committed(): void {
    if (this.intervalMs <= 0) this.store.waitForCommit?.();
  }
}
