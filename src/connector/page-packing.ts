/**
 * Pages of /Users kept for a listing that is not there yet are held compressed (≈ 15 KB instead
 * of ≈ 140 KB of parsed objects per 100 users). Compressing costs CPU (JSON, zstd) and garbage
 * at the worst moment under a rate limit: while the first calls of a window go out as one burst,
 * the main thread that sends them and reads their answers is the bottleneck, and every 100 ms it
 * spends compressing is 100 ms added to the sync's wall time (later windows repeat the first
 * one's pace). So a QuietPacker keeps such pages parsed and compresses them once the burst is
 * over (`quiet`: the rate limiter's prefetch lull), a few at a time, with a cap on how many wait
 * parsed so memory stays bounded on a large tenant.
 */
import { zstdCompressSync, zstdDecompressSync } from "node:zlib";
import type { ScimListResponse, ScimUser } from "../seismic/index.js";

type Page = ScimListResponse<ScimUser>;

/** A page kept for the listing: parsed, or compressed. */
export interface KeptPage {
  page?: Page;
  packed?: Buffer;
}

/** Resolves when compressing would hold no call up; rejects when `signal` aborts. */
export type Quiet = (signal: AbortSignal) => Promise<void>;

/** Parsed pages waiting at most (≈ 36 MB at 100 users per page); past it, pages pack at once. */
const MAX_WAITING = 256;
/** Pages packed between two looks at `quiet`, so a burst starting meanwhile waits ≈ 10 ms at most. */
const BATCH = 4;

function pack(page: Page): Buffer {
  return zstdCompressSync(JSON.stringify(page));
}

function unpack(packed: Buffer): Page {
  return JSON.parse(zstdDecompressSync(packed).toString("utf8")) as Page;
}

/** The page kept in `kept`, unpacked when it was packed. */
export function pageOf(kept: KeptPage): Page {
  return kept.page ?? unpack(kept.packed as Buffer);
}

export class QuietPacker<K extends KeptPage> {
  readonly #quiet: Quiet | undefined;
  readonly #stillFar: (kept: K) => boolean;
  readonly #signal: AbortSignal;
  readonly #waiting = new Set<K>();
  #running = false;

  /**
   * @param quiet when to pack; without it, pages are packed as they are kept.
   * @param stillFar whether a kept page is still far from the listing (not taken, not asked soon).
   * @param signal stops packing (the sync's state was dropped).
   */
  constructor(quiet: Quiet | undefined, stillFar: (kept: K) => boolean, signal: AbortSignal) {
    this.#quiet = quiet;
    this.#stillFar = stillFar;
    this.#signal = signal;
  }

  /** Parsed pages waiting to be packed. */
  get waiting(): number {
    return this.#waiting.size;
  }

  /** Keeps `page` in `kept`: packed now, or parsed until the next quiet moment. */
  keep(kept: K, page: Page): void {
    if (this.#quiet === undefined || this.#waiting.size >= MAX_WAITING) {
      kept.packed = pack(page);
      return;
    }
    kept.page = page;
    this.#waiting.add(kept);
    if (!this.#running) void this.#run(this.#quiet);
  }

  async #run(quiet: Quiet): Promise<void> {
    this.#running = true;
    try {
      while (this.#waiting.size > 0) {
        await quiet(this.#signal);
        let n = 0;
        for (const kept of this.#waiting) {
          if (n++ === BATCH) break;
          this.#waiting.delete(kept);
          if (kept.page === undefined || !this.#stillFar(kept)) continue;
          kept.packed = pack(kept.page);
          kept.page = undefined;
        }
        // A quiet lull resolves at once: let answers that came meanwhile be read between batches.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch {
      // `quiet` rejects when the sync's state is dropped: the pages went with it. (Should packing
      // itself fail, the pages left simply stay parsed, which the listing reads as well.)
      this.#waiting.clear();
    } finally {
      this.#running = false;
    }
  }
}
