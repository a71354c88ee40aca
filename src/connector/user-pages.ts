/**
 * The one walk of SCIM /Users in a sync. Two readers need the users: the user listing (one page
 * per ListResources call, in token order) and the per-sync directory (every user, for role,
 * licence and platform-role grants). Both read through this walk, so whatever order a host asks
 * for resource types in, and whether the sync is new or resumed, each page is fetched once:
 *
 * - the listing's pages are fetched ahead (`readAhead` pages in flight past the one asked for),
 *   so a page is usually here before the listing asks and the rate limiter always has work;
 * - when the directory needs every user and the listing is not walking (a host that lists roles
 *   before users, a resumed sync, a listing that stalled), the walk fetches the missing pages
 *   itself and keeps those the listing will still ask for, compressed, until it does;
 * - pages before the one a resumed listing starts at are fetched for the directory only;
 * - under a rate limit (`prefetchAll`), every page is also fetched as early as the limit has room
 *   that no other call waits for (the limiter's prefetch class), so the window's budget is spent
 *   while the sync is still writing the first pages; a page the listing then waits for is
 *   promoted to an ordinary call. This follows the page grid (1, 101, 201, …) only while every
 *   page came back full, so a short page never makes it fetch pages nobody asks for.
 *
 * Every fetched page feeds the directory (`sink`). Coverage is the chain of pages from 1, each
 * starting where the one before ended, fed in order to a ListingCheck (seismic/listing-integrity.ts)
 * as it grows: the directory is complete only when that chain adds up to the listing's
 * `totalResults` (one more, empty, page confirms the end after a full last page). A chain that
 * does not add up is read once more from the start; a second fault fails the directory, so role
 * and licence grants are never built from a short listing. A read starts with a fetch of page 1:
 * after a restart, pages fetched before that belong to no read and are not counted. The listing
 * asking for page 1 again (it reads again from the start itself) restarts the chain as well.
 */
import type { PageFacts, RereadListener, ScimListResponse, ScimUser } from "../seismic/index.js";
import {
  DEFAULT_PAGE_SIZE,
  ENDPOINTS,
  endpointLabel,
  ListingCheck,
  ListingFault,
  listingError,
  nextStartIndex,
  pageFacts,
} from "../seismic/index.js";
import { type KeptPage, pageOf, type Quiet, QuietPacker } from "./page-packing.js";

/** Fetches one page of /Users. */
export type FetchUsers = (
  startIndex: number,
  count: number,
  signal: AbortSignal,
  ahead?: ReadAhead,
) => Promise<ScimListResponse<ScimUser>>;

/** How a page fetched ahead of need is sent: with rate-limit room nobody waits for, until promoted. */
export interface ReadAhead {
  prefetch: true;
  promote: AbortSignal;
}

export interface UserPagesOptions {
  /** Pages kept in flight ahead of the listing, and by the directory's own walk (at least 1). Default 4. */
  readAhead?: number;
  /** How long the listing may go without asking for a page before the walk takes over. Default 10 s. */
  stallMs?: number;
  /** Also fetch every page as early as the rate limit has room for (see the module). */
  prefetchAll?: boolean;
  /**
   * When pages kept far from the listing may be compressed (under a rate limit, the limiter's
   * prefetch lull: see page-packing.ts). Default: as they arrive.
   */
  packWhenQuiet?: Quiet;
  /** Told when the chain did not add up and is read again from the start. */
  onReread?: RereadListener;
  /** The clock of the stall window; tests inject one they move themselves. Default: real time. */
  timers?: PageTimers;
}

/** The clock and timers the walk's stall window runs on. */
export interface PageTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_TIMERS: PageTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

type Page = ScimListResponse<ScimUser>;

/** Prefetches of the grid waiting at once (see {@link UserPages.prefetchRest}). */
const PREFETCH_QUEUE = 32;

/** A page in flight or fetched and kept for the listing. */
interface Slot extends KeptPage {
  readonly startIndex: number;
  readonly count: number;
  /** The read it belongs to (see the module); -1: started after a restart, before page 1. */
  readonly read: number;
  readonly done: Promise<void>;
  /** Set for a page fetched ahead of need; aborting it makes the call an ordinary one. */
  promote?: AbortController;
  /** Set for a page fetched ahead of need: cancels it when the grid it was guessed on broke. */
  cancel?: AbortController;
  error?: unknown;
}

export class UserPages {
  readonly #fetch: FetchUsers;
  readonly #sink: (users: readonly ScimUser[]) => void;
  readonly #readAhead: number;
  readonly #stallMs: number;
  readonly #prefetchAll: boolean;
  readonly #onReread: RereadListener | undefined;
  readonly #timers: PageTimers;
  readonly #packer: QuietPacker<Slot>;
  /** Pages are full so far, so the grid of startIndex values is known; the next grid index. */
  #gridOk = true;
  #gridNext = 1;
  /** Aborts every fetch when the sync's state is dropped. */
  readonly #stop = new AbortController();
  readonly #slots = new Map<number, Slot>();
  /** The facts of every page fetched for the current read, by startIndex. */
  readonly #covered = new Map<number, PageFacts>();
  /** The chain's check, and the startIndex it needs next (undefined: complete, it added up). */
  #check = new ListingCheck();
  #chainAt: number | undefined = 1;
  /** The current read; whether its page 1 was asked for yet; faults so far; the final failure. */
  #read = 0;
  #readOpen = true;
  #faults = 0;
  #failure: unknown;
  /** The listing asked for page 1 in this sync: asking again means it reads again. */
  #listingAskedFirst = false;
  #total: number | undefined;
  #failures = new Map<number, unknown>();
  /** The listing: the first index it asked for, where it is, and whether it is asking now. */
  #listingFrom: number | undefined;
  #listingAt = 0;
  #listingBusy = 0;
  #listingSeenAt = 0;
  #waiters: (() => void)[] = [];

  constructor(
    fetch: FetchUsers,
    sink: (users: readonly ScimUser[]) => void,
    options: UserPagesOptions = {},
  ) {
    this.#fetch = fetch;
    this.#sink = sink;
    this.#readAhead = Math.max(0, options.readAhead ?? 4);
    this.#stallMs = options.stallMs ?? 10_000;
    this.#prefetchAll = options.prefetchAll ?? false;
    this.#onReread = options.onReread;
    this.#timers = options.timers ?? REAL_TIMERS;
    this.#packer = new QuietPacker<Slot>(
      options.packWhenQuiet,
      (slot) =>
        this.#slots.get(slot.startIndex) === slot && !this.#near(slot.startIndex, slot.count),
      this.#stop.signal,
    );
  }

  /** Pages kept parsed until a quiet moment compresses them (see page-packing.ts). */
  get pagesWaitingToPack(): number {
    return this.#packer.waiting;
  }

  /** Whether every page from 1 to the last has been fetched in this sync, and they add up. */
  get isComplete(): boolean {
    return this.#chainAt === undefined;
  }

  /**
   * The page at `startIndex` for the user listing: taken from what was fetched ahead when it is
   * there, else fetched now; then the next pages are fetched ahead.
   */
  async page(startIndex: number, count: number, signal: AbortSignal): Promise<Page> {
    if (startIndex === 1) {
      if (this.#listingAskedFirst) this.#restart();
      this.#listingAskedFirst = true;
    }
    this.#listingFrom = Math.min(this.#listingFrom ?? startIndex, startIndex);
    this.#listingAt = startIndex;
    this.#listingBusy++;
    try {
      // The listing moves forward only: pages kept behind it are not asked for again.
      for (const [s, slot] of this.#slots) {
        if (s < startIndex && (slot.page !== undefined || slot.packed !== undefined)) {
          this.#slots.delete(s);
        }
      }
      let slot = this.#slots.get(startIndex);
      // A page fetched with a larger count holds what a smaller one would (and more is checked).
      if (slot === undefined || slot.count < count) slot = this.#start(startIndex, count);
      slot.promote?.abort();
      await abortable(slot.done, signal);
      if (this.#slots.get(startIndex) === slot) this.#slots.delete(startIndex);
      if (slot.error !== undefined) throw slot.error;
      const page = pageOf(slot);
      const next = nextStartIndex(startIndex, page);
      // The next pages are needed soon: fetched now, or promoted from prefetches.
      for (let i = 0, s = next; i < this.#readAhead && s !== undefined; i++, s += count) {
        if (s > page.totalResults) break;
        const ahead = this.#slots.get(s);
        if (ahead) ahead.promote?.abort();
        else if (!this.#covered.has(s) && !this.#takenAt(s)) this.#start(s, count);
      }
      return page;
    } finally {
      this.#listingBusy--;
      this.#listingSeenAt = this.#timers.now();
      this.#notify();
    }
  }

  /** Resolves when every page has been fetched, fetching those nobody else will. */
  async complete(signal: AbortSignal): Promise<void> {
    while (!this.isComplete) {
      signal.throwIfAborted();
      if (this.#failure !== undefined) throw this.#failure;
      const at = this.#chainAt as number;
      const failure = this.#failures.get(at);
      if (failure !== undefined) {
        this.#failures.delete(at);
        throw failure;
      }
      const slot = this.#slots.get(at);
      if (slot && this.#counts(slot) && !this.#fetched(slot)) slot.promote?.abort();
      else if (!this.#listingWillFetch(at)) this.#walkFrom(at);
      await this.#progress(signal);
    }
  }

  /** Stops every fetch in flight and forgets the pages kept (the sync's state was dropped). */
  close(): void {
    this.#stop.abort(new Error("the sync's user listing state was dropped"));
    this.#slots.clear();
  }

  /** Whether the listing is walking and will fetch `startIndex` itself. */
  #listingWillFetch(startIndex: number): boolean {
    const from = this.#listingFrom;
    if (from === undefined || startIndex < from) return false;
    return this.#listingBusy > 0 || this.#timers.now() - this.#listingSeenAt < this.#stallMs;
  }

  /** Starts up to `readAhead` fetches along the expected chain from `startIndex`. */
  #walkFrom(startIndex: number): void {
    let inFlight = 0;
    for (const slot of this.#slots.values()) if (!this.#fetched(slot)) inFlight++;
    const count = DEFAULT_PAGE_SIZE;
    // Until a page says how many users there are, one page at a time; the chain's own page is
    // fetched also past totalResults (the empty page that confirms the end of a full last page).
    const last = Math.max(startIndex, this.#total ?? startIndex);
    for (let s = startIndex; s <= last && inFlight < Math.max(1, this.#readAhead); s += count) {
      if (this.#covered.has(s) || this.#takenAt(s)) continue;
      if (s !== startIndex && this.#listingWillFetch(s)) break;
      this.#start(s, count);
      inFlight++;
    }
  }

  /** A slot of the current read is at `startIndex`, in flight or kept. */
  #takenAt(startIndex: number): boolean {
    const slot = this.#slots.get(startIndex);
    return slot !== undefined && this.#counts(slot);
  }

  /** Whether the slot's page counts for the current read's chain. */
  #counts(slot: Slot): boolean {
    return slot.read === this.#read;
  }

  #fetched(slot: Slot): boolean {
    return slot.page !== undefined || slot.packed !== undefined || slot.error !== undefined;
  }

  /**
   * Reads the chain again from page 1: what was fetched so far no longer counts for it, and the
   * pages still guessed are cancelled (the listing, which holds its slots, still gets its pages).
   */
  #restart(): void {
    this.#read++;
    this.#readOpen = false;
    this.#check = new ListingCheck();
    this.#chainAt = 1;
    this.#covered.clear();
    this.#failures.clear();
    for (const slot of this.#slots.values()) {
      if (!this.#fetched(slot)) slot.cancel?.abort(new Error("the user listing is read again"));
    }
    this.#slots.clear();
    this.#gridOk = true;
    this.#gridNext = 1;
    this.#notify();
  }

  /** The chain did not add up: read it again once, then fail the directory. */
  #fault(fault: ListingFault): void {
    this.#faults++;
    if (this.#faults >= 2) {
      this.#failure = listingError(
        endpointLabel(ENDPOINTS.listUsers),
        fault,
        "the role and licence directory",
      );
      this.#notify();
      return;
    }
    this.#onReread?.(fault.message);
    this.#restart();
  }

  #start(startIndex: number, count: number, prefetch = false): Slot {
    this.#failures.delete(startIndex);
    // A read starts with its first page: pages asked for before it belong to no read.
    if (startIndex === 1) this.#readOpen = true;
    const promote = prefetch ? new AbortController() : undefined;
    const cancel = prefetch ? new AbortController() : undefined;
    const ahead = promote ? { prefetch: true as const, promote: promote.signal } : undefined;
    const signal = cancel ? AbortSignal.any([this.#stop.signal, cancel.signal]) : this.#stop.signal;
    const slot: Slot = {
      startIndex,
      count,
      read: this.#readOpen ? this.#read : -1,
      ...(promote && cancel ? { promote, cancel } : {}),
      done: this.#fetch(startIndex, count, signal, ahead).then(
        (page) => this.#arrived(startIndex, slot, page),
        (error: unknown) => {
          slot.error = error;
          if (this.#slots.get(startIndex) === slot) this.#slots.delete(startIndex);
          // A cancelled guess is not a failure: whoever needs the page fetches it again.
          if (!slot.cancel?.signal.aborted && this.#counts(slot)) {
            this.#failures.set(startIndex, error);
          }
          this.#prefetchRest();
          this.#notify();
        },
      ),
    };
    this.#slots.set(startIndex, slot);
    return slot;
  }

  #arrived(startIndex: number, slot: Slot, page: Page): void {
    this.#sink(page.Resources);
    this.#total = page.totalResults;
    if (this.#counts(slot)) this.#covered.set(startIndex, pageFacts(startIndex, slot.count, page));
    const from = this.#listingFrom;
    if (from !== undefined && startIndex < from) {
      // Before where a resumed listing started: the directory was all it was fetched for.
      if (this.#slots.get(startIndex) === slot) this.#slots.delete(startIndex);
      slot.page = page;
    } else if (this.#near(startIndex, slot.count)) {
      slot.page = page;
    } else {
      // Kept for a listing that is not here yet: compressed, now or once the burst is over.
      this.#packer.keep(slot, page);
    }
    if (
      page.Resources.length < slot.count &&
      startIndex + page.Resources.length <= page.totalResults
    ) {
      this.#breakGrid(startIndex);
    }
    this.#advanceChain();
    this.#prefetchRest();
    this.#notify();
  }

  /** Whether the listing is walking and will ask for `startIndex` within its read-ahead. */
  #near(startIndex: number, count: number): boolean {
    return (
      this.#listingFrom !== undefined &&
      startIndex >= this.#listingAt &&
      startIndex <= this.#listingAt + this.#readAhead * count &&
      (this.#listingBusy > 0 || this.#timers.now() - this.#listingSeenAt < this.#stallMs)
    );
  }

  /** A short page: the guessed pages after it start at the wrong index; cancel those. */
  #breakGrid(after: number): void {
    this.#gridOk = false;
    for (const [s, slot] of this.#slots) {
      if (s > after && slot.cancel && slot.page === undefined && slot.packed === undefined) {
        slot.cancel.abort(new Error("guessed page index no longer on the listing's grid"));
      }
    }
  }

  /**
   * Under a rate limit: the pages of the grid not fetched yet, sent as room allows. A few at a
   * time, so other read-ahead (the groups' members) takes turns with them in the limiter.
   */
  #prefetchRest(): void {
    const total = this.#total;
    if (!this.#prefetchAll || !this.#gridOk || total === undefined) return;
    let waiting = 0;
    for (const slot of this.#slots.values()) {
      if (slot.cancel && slot.page === undefined && slot.packed === undefined) waiting++;
    }
    for (
      ;
      this.#gridNext <= total && waiting < PREFETCH_QUEUE;
      this.#gridNext += DEFAULT_PAGE_SIZE
    ) {
      const s = this.#gridNext;
      if (this.#covered.has(s) || this.#slots.has(s)) continue;
      this.#start(s, DEFAULT_PAGE_SIZE, true);
      waiting++;
    }
  }

  /** Feeds the chain's check the fetched pages that continue it, in order. */
  #advanceChain(): void {
    let at = this.#chainAt;
    while (at !== undefined && this.#failure === undefined) {
      const facts = this.#covered.get(at);
      if (!facts) break;
      try {
        at = this.#check.page(facts);
      } catch (e) {
        if (!(e instanceof ListingFault)) throw e;
        this.#fault(e);
        return;
      }
    }
    this.#chainAt = at;
  }

  #notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves on the next page, listing request or failure, or after `stallMs` to look again. */
  #progress(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        this.#timers.clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        this.#timers.clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = this.#timers.setTimeout(done, this.#stallMs);
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(done);
    });
  }
}

/** Waits for `p`, or rejects with the signal's reason when it aborts first. */
function abortable(p: Promise<void>, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}
