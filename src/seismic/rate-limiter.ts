// Client-side limiter that spends Seismic's rolling-window quota (600 calls per 60 s by default)
// exactly: it admits calls at once while the window has room, then each further call the moment
// one of ours has surely left Seismic's window. The server's `X-Seismic-Remaining-Calls` corrects
// the count when other API clients of the tenant spend the same budget, and a 429's retry hint
// holds every caller back, so concurrent requests do not all hit the limit again.
import type { Clock } from "./clock.js";

/** Limiter settings. */
export interface RateLimiterOptions {
  /** At most this many of our calls in any rolling window. `Infinity` disables the cap. */
  limit: number;
  windowMs: number;
  clock: Clock;
  /**
   * Slots of every window prefetches leave to ordinary calls (a listing that asks page after
   * page needs one now and then). Default 1 % of the limit: the sync waits for the read-ahead
   * to go out (prefetchLull), so a larger reserve would leave the end of every window to the
   * pace of the sync's own work.
   */
  prefetchReserve?: number;
  /**
   * Prefetches in flight at once: the HTTP pool serves requests in order, so a flood of
   * prefetches would make an ordinary call wait behind them there. Default
   * {@link MAX_PREFETCH_IN_FLIGHT}.
   */
  maxPrefetchInFlight?: number;
}

/**
 * Prefetches in flight at once by default; the client's HTTP pool has as many connections. At
 * 50 ms a call, 16 spread a window's first 577 calls over ≈ 3.2 s and 48 over ≈ 2.3 s, and every
 * later window repeats that spread (see BENCHMARKS.md). 48 once also made the limiter read more
 * of our own calls as other clients' at each window's start; counting the calls Seismic may still
 * count at a window's edge as ours (External.straddlers) ended that.
 */
export const MAX_PREFETCH_IN_FLIGHT = 48;

/**
 * How long {@link RateLimiter.prefetchLull} waits once prefetching looks over before it says so:
 * the readers ahead refill their queue only after an answer's body was read and parsed.
 */
const LULL_GRACE_MS = 20;
/** At most this long {@link RateLimiter.prefetchLull} holds a caller back. */
const LULL_MAX_MS = 2_000;
/** Freed slots kept behind the head when the log is compacted. */
const FREED_KEPT = 1024;

/** What the server said about the window, from `X-Seismic-Remaining-Calls` / `-Total-Calls`. */
export interface ServerQuota {
  remaining: number | undefined;
  used: number | undefined;
}

/** One admission, handed back to {@link RateLimiter.settle} when its answer arrives. */
export interface Admission {
  /** Clock time of the admission. */
  readonly at: number;
  /** Our calls admitted in the window up to and including this one. */
  readonly ours: number;
  /** Our calls in flight when this one was admitted (the server may not have counted them yet). */
  readonly inFlight?: number;
  /** Admitted as a prefetch. */
  readonly prefetch?: true;
}

/** Other clients' calls in the window, as measured from the server's count at `at`. */
interface External {
  /** The server's count minus our calls admitted in the window up to the measured one (may be < 0). */
  count: number;
  /**
   * When the slots of our calls admitted a window or more before the measured one, but answered
   * since, free: the server may still have counted them. While such a call holds its slot it is
   * not counted again as another client's; once its slot frees, it may have been one.
   */
  straddlers: number[];
  /**
   * When the slots of our calls admitted less than a window before the measured one, but more
   * than a window before its answer, free: the server may already have dropped them from its
   * window. While such a call holds its slot, the slot stands for it; once it frees, the room it
   * leaves may be another client's.
   */
  band: number[];
  /** Others seen beyond what those calls of ours could explain, at the measurement. */
  evidence: number;
  /** Calls of ours in flight when the measured one was admitted: counted by the server or not. */
  uncertain: number;
  at: number;
}

/** How a caller waits: `prefetch` calls only take room nobody else is waiting for. */
export interface AcquireOptions {
  /**
   * A call made ahead of need (read-ahead): admitted only while no other caller waits and the
   * window has room, so it never delays a call the sync is waiting for; its waits are not counted
   * as time held back.
   */
  prefetch?: boolean;
  /** Aborting this makes a waiting prefetch an ordinary call (the sync now waits for it). */
  promote?: AbortSignal;
}

interface PrefetchWaiter {
  resolve: (a: Admission) => void;
  reject: (e: unknown) => void;
  signal: AbortSignal | undefined;
  promote: AbortSignal | undefined;
  onAbort: () => void;
  onPromote: () => void;
}

/**
 * A sliding-log limiter. Callers are admitted one at a time, in order, so waits are computed
 * from a consistent view of the window.
 *
 * A call holds its slot until one window after its answer (or failure) came back: Seismic counts
 * a call when it arrives, which is before it answers, so the slot is free at Seismic by then
 * whatever the call's network delay or a pause of our event loop between admission and sending;
 * a call still in flight holds its slot. Rules, checked before each admission:
 * 1. our calls holding a slot, plus the other clients' calls the server reported, stay under the
 *    limit (the lower of ours and the server's `remaining + used`); when other clients are seen,
 *    a reserve of 1 % is kept for their calls made since;
 * 2. not before a time set by `pauseUntil()` (a 429's retry hint);
 * 3. prefetch calls go only when no other caller is waiting, leave a reserve of the window to
 *    ordinary calls, and only a few are in flight at once.
 *
 * The server's count is used only to see calls that are not ours: `used − ours` at the moment a
 * call was admitted. Our own log is exact for our calls, so without other clients the window is
 * spent to the last call and nothing waits for the server to say so. Seismic counts a call
 * somewhere between its admission and its answer, so at a window's start it may still count
 * calls we admitted just over a window ago: those are ours while they hold a slot (the slot
 * already keeps them out of the window), and only others beyond them call for the reserve.
 * Counted as others' (phantoms of 1–16 at every window's start), they cost the second and third
 * windows ≈ 1 s each in the `throttled` benchmark.
 */
export class RateLimiter {
  readonly #o: RateLimiterOptions;
  /** Admission times of our calls in the last window, oldest first, from `#admittedHead`. */
  #admitted: number[] = [];
  #admittedHead = 0;
  /** When each answered call leaves the window (answer + window), ascending, from `#freeHead`. */
  #frees: number[] = [];
  /** The admission time of the call behind each entry of `#frees`. */
  #freeAdmissions: number[] = [];
  #freeHead = 0;
  #inFlight = 0;
  #wake: (() => void) | undefined;
  #tail: Promise<void> = Promise.resolve();
  #pausedUntil = 0;
  #serverLimit: number | undefined;
  #external: External | undefined;
  #waitedMs = 0;
  #waitingUntil: number | undefined;
  /** Callers that are not prefetching and not yet admitted: prefetches wait for none to be left. */
  #pending = 0;
  readonly #prefetchers: PrefetchWaiter[] = [];
  /** Wakes the prefetch queue when room frees up; aborted when the queue empties. */
  #prefetchTimer: AbortController | undefined;
  #prefetchInFlight = 0;
  readonly #prefetchReserve: number;
  readonly #maxPrefetchInFlight: number;
  /** Callers of {@link prefetchLull} waiting; whether a check of the lull is pending. */
  #lullWaiters: (() => void)[] = [];
  #lullCheck = false;
  /** When a lull ended, or prefetches waited since, on a window without room for them. */
  #spentAt = Number.NEGATIVE_INFINITY;

  constructor(options: RateLimiterOptions) {
    this.#o = options;
    this.#prefetchReserve = options.prefetchReserve ?? Math.ceil(options.limit / 100);
    this.#maxPrefetchInFlight = options.maxPrefetchInFlight ?? MAX_PREFETCH_IN_FLIGHT;
  }

  /**
   * Resolves when the caller may send one request, with the admission to pass to
   * {@link settle} when the answer (or failure) arrives.
   * @throws the signal's reason when `signal` aborts while waiting.
   */
  acquire(signal?: AbortSignal, options: AcquireOptions = {}): Promise<Admission> {
    if (options.prefetch && Number.isFinite(this.#o.limit) && !options.promote?.aborted) {
      return this.#prefetch(signal, options.promote);
    }
    this.#pending++;
    const turn = this.#tail.then(() => this.#admit(signal));
    const settled = turn.then(
      () => {},
      () => {},
    );
    this.#tail = settled;
    settled.then(() => {
      this.#pending--;
      this.#pumpPrefetch();
    });
    return turn;
  }

  /**
   * The call admitted as `admission` is over (answered, or failed): its slot is free one window
   * from now. With the server's view of the window (`quota`, absent for failures and 429s), the
   * calls in its count that are not ours are other clients' (another integration on the tenant).
   */
  settle(admission: Admission, quota?: ServerQuota): void {
    if (!Number.isFinite(this.#o.limit)) return;
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    if (admission.prefetch) this.#prefetchInFlight = Math.max(0, this.#prefetchInFlight - 1);
    const free = this.#o.clock.now() + this.#o.windowMs;
    // Answers come back almost in order: insert from the end.
    let i = this.#frees.length;
    while (i > this.#freeHead && (this.#frees[i - 1] as number) > free) i--;
    this.#frees.splice(i, 0, free);
    this.#freeAdmissions.splice(i, 0, admission.at);
    if (quota) this.#observe(quota, admission);
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
    this.#pumpPrefetch();
  }

  /**
   * Resolves when no prefetch is in flight and none could be admitted now (none waits, or the
   * window has no room for them), or after 2 s at most. A sync under a rate limit calls it before
   * working on a page: the first calls of a window are then sent as one burst, not at the pace of
   * the sync's own work, and a rolling window repeats the pace of the first (each slot frees one
   * window after its call). Without a limit it resolves at once.
   *
   * Once a lull ended on a window without room for the prefetches still waiting, it resolves at
   * once while they keep waiting for room (see {@link #slotPaced}): every call then waits for a
   * slot an earlier one frees, so calls go at the pace of the first window's answers whatever the
   * sync does meanwhile. Holding the work back then only moved it past the last call: in the
   * `throttled` benchmark ≈ 1.3 s of writing after the last answer (see BENCHMARKS.md).
   */
  async prefetchLull(signal?: AbortSignal): Promise<void> {
    if (!Number.isFinite(this.#o.limit)) return;
    if (this.#slotPaced(this.#o.clock.now()) || this.#prefetchQuiet()) return;
    const limit = new AbortController();
    await new Promise<void>((resolve) => {
      const done = () => {
        limit.abort();
        signal?.removeEventListener("abort", done);
        const i = this.#lullWaiters.indexOf(done);
        if (i >= 0) this.#lullWaiters.splice(i, 1);
        resolve();
      };
      this.#lullWaiters.push(done);
      signal?.addEventListener("abort", done, { once: true });
      this.#o.clock.sleep(LULL_MAX_MS, limit.signal).then(done, () => {});
    });
    signal?.throwIfAborted();
  }

  /** Holds every caller until `atMs` (clock time). Later calls only extend the pause. */
  pauseUntil(atMs: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, atMs);
  }

  /** Total time callers have been held back (the first caller in line's waits), in ms. */
  get waitedMs(): number {
    return this.#waitedMs;
  }

  /** While a caller is held back until a known time: that clock time; otherwise undefined. */
  get waitingUntil(): number | undefined {
    return this.#waitingUntil;
  }

  /** Other clients' calls in the window, as last measured (0 when none were seen). */
  get externalCalls(): number {
    return this.#externalAt(this.#o.clock.now());
  }

  #observe(quota: ServerQuota, admission: Admission): void {
    const { remaining, used } = quota;
    if (remaining !== undefined && used !== undefined) this.#serverLimit = remaining + used;
    const limit = this.#serverLimit ?? this.#o.limit;
    const counted = used ?? (remaining === undefined ? undefined : limit - remaining);
    if (counted === undefined) return;
    // Answers may arrive out of order: the latest admission measured wins.
    const previous = this.#external;
    if (previous && previous.at > admission.at) return;
    const count = counted - admission.ours;
    // Seismic counts a call somewhere between its admission and its answer, so our log of the
    // window (admissions) is off at both edges of the server's window for this call.
    const { windowMs } = this.#o;
    const now = this.#o.clock.now();
    const straddlers: number[] = [];
    const band: number[] = [];
    for (const { admittedAt, free } of this.#slotsFreeingAfter(admission.at)) {
      if (admittedAt <= admission.at - windowMs) straddlers.push(free);
      else if (admittedAt <= now - windowMs) band.push(free);
    }
    // Others beyond every call of ours the server may have counted with this one.
    const evidence = Math.max(0, count - straddlers.length);
    const uncertain = admission.inFlight ?? 0;
    // Seeing none while calls of ours were in flight proves nothing: as many of those may have
    // reached Seismic after this one as other clients made (a burst of 16 hid 10). Reading 0
    // would spend the whole window, so other clients seen in the last window stay counted until
    // a call with nothing of ours in flight, or a window's time, says they are gone.
    if (
      evidence === 0 &&
      uncertain > 0 &&
      previous &&
      previous.evidence > 0 &&
      admission.at < previous.at + this.#o.windowMs
    ) {
      return;
    }
    this.#external = { count, straddlers, band, evidence, uncertain, at: admission.at };
  }

  /** Answered calls whose slot frees (or freed) after `after`, with their admission times. */
  *#slotsFreeingAfter(after: number): Generator<{ admittedAt: number; free: number }> {
    // Slots that freed since may already be behind the head: look back for them.
    let first = this.#freeHead;
    while (first > 0 && (this.#frees[first - 1] as number) > after) first--;
    for (let i = first; i < this.#frees.length; i++) {
      const free = this.#frees[i] as number;
      if (free > after) yield { admittedAt: this.#freeAdmissions[i] as number, free };
    }
  }

  /**
   * Other clients' calls as last measured: kept until a new answer measures them again (every
   * call we make does), since they may go on calling while ours wait. Only when they held the
   * whole window, two windows without a measurement let one call through to look again.
   */
  #externalAt(now: number): number {
    const e = this.#external;
    if (!e) return 0;
    // Our calls the server may have counted with the measurement are ours while they hold a slot
    // (which keeps them out of the window already), and those it may have dropped stand in their
    // slots; once a slot frees, either may have been another client's call.
    let count = e.count;
    for (const free of e.straddlers) if (free > now) count--;
    for (const free of e.band) if (free <= now) count++;
    count = Math.max(0, count);
    const limit = Math.min(this.#o.limit, this.#serverLimit ?? Number.POSITIVE_INFINITY);
    const noRoom = limit - count - this.#reserve(e) < 1;
    return noRoom && now >= e.at + 2 * this.#o.windowMs ? 0 : count;
  }

  /**
   * Room kept for other clients beyond their measured calls: calls of ours that were in flight
   * may have reached Seismic after the measured one, so they may be the other clients' too; keep
   * room for the larger of them and 1 %. Only when the measurement showed others beyond our own
   * late-counted calls: otherwise its count is what those calls may have been.
   */
  #reserve(e: External): number {
    if (e.evidence === 0) return 0;
    const limit = Math.min(this.#o.limit, this.#serverLimit ?? Number.POSITIVE_INFINITY);
    return Math.max(reserveFor(limit), e.uncertain);
  }

  async #admit(signal: AbortSignal | undefined): Promise<Admission> {
    const { clock, windowMs, limit } = this.#o;
    try {
      for (;;) {
        signal?.throwIfAborted();
        const now = clock.now();
        if (!Number.isFinite(limit) && this.#pausedUntil <= now) return { at: now, ours: 1 };
        this.#evict(now);
        const settled = this.#frees.length - this.#freeHead;
        const held = this.#inFlight + settled;
        const cap = this.#cap(now);
        // When the window has room again: the answered call whose departure brings us under the
        // cap; with every slot in flight, the next answer; with no room at all (other clients
        // hold the whole window), once their measured calls have surely left it.
        let until = this.#pausedUntil;
        if (held >= cap && !this.#mayLook(held)) {
          const needed = held - cap + 1;
          until = Math.max(
            until,
            cap < 1
              ? (this.#external?.at ?? now) + 2 * windowMs
              : needed <= settled
                ? (this.#frees[this.#freeHead + needed - 1] as number)
                : Number.POSITIVE_INFINITY,
          );
        }
        if (until <= now) return this.#take(now);
        this.#waitingUntil = Number.isFinite(until) ? until : undefined;
        const started = clock.now();
        try {
          await this.#sleepOrWake(until - now, signal);
        } finally {
          this.#waitedMs += clock.now() - started;
        }
      }
    } finally {
      this.#waitingUntil = undefined;
    }
  }

  #take(now: number): Admission {
    const inFlight = this.#inFlight;
    this.#inFlight++;
    this.#admitted.push(now);
    return { at: now, ours: this.#admitted.length - this.#admittedHead, inFlight };
  }

  #prefetch(signal: AbortSignal | undefined, promote: AbortSignal | undefined): Promise<Admission> {
    return new Promise<Admission>((resolve, reject) => {
      signal?.throwIfAborted();
      const leave = () => {
        const i = this.#prefetchers.indexOf(waiter);
        if (i >= 0) this.#prefetchers.splice(i, 1);
        signal?.removeEventListener("abort", waiter.onAbort);
        promote?.removeEventListener("abort", waiter.onPromote);
      };
      const waiter: PrefetchWaiter = {
        resolve,
        reject,
        signal,
        promote,
        onAbort: () => {
          leave();
          reject(signal?.reason);
          this.#pumpPrefetch();
        },
        onPromote: () => {
          leave();
          this.acquire(signal).then(resolve, reject);
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      promote?.addEventListener("abort", waiter.onPromote, { once: true });
      this.#prefetchers.push(waiter);
      this.#pumpPrefetch();
    });
  }

  /** Admits waiting prefetches while nobody else waits and the window has room. */
  #pumpPrefetch(): void {
    this.#admitPrefetches();
    this.#checkLull();
  }

  #admitPrefetches(): void {
    this.#prefetchTimer?.abort();
    this.#prefetchTimer = undefined;
    if (this.#prefetchers.length === 0 || this.#pending > 0) return;
    const now = this.#o.clock.now();
    this.#evict(now);
    const settled = this.#frees.length - this.#freeHead;
    let held = this.#inFlight + settled;
    const cap = this.#cap(now) - this.#prefetchReserve;
    while (
      this.#prefetchers.length > 0 &&
      held < cap &&
      this.#pausedUntil <= now &&
      this.#prefetchInFlight < this.#maxPrefetchInFlight
    ) {
      const waiter = this.#prefetchers.shift() as PrefetchWaiter;
      waiter.signal?.removeEventListener("abort", waiter.onAbort);
      waiter.promote?.removeEventListener("abort", waiter.onPromote);
      this.#prefetchInFlight++;
      waiter.resolve({ ...this.#take(now), prefetch: true });
      held++;
    }
    if (this.#prefetchers.length > 0 && held >= cap && this.#slotPaced(now)) this.#spentAt = now;
    // Full of prefetches in flight: the next answer pumps again.
    if (this.#prefetchers.length === 0 || this.#prefetchInFlight >= this.#maxPrefetchInFlight) {
      return;
    }
    // Look again when the next slot frees (an answer arriving pumps too).
    const needed = held - cap + 1;
    const at = Math.max(
      this.#pausedUntil,
      needed >= 1 && needed <= settled ? (this.#frees[this.#freeHead + needed - 1] as number) : 0,
    );
    if (at <= now) return;
    const timer = new AbortController();
    this.#prefetchTimer = timer;
    this.#o.clock.sleep(at - now, timer.signal).then(
      () => {
        if (this.#prefetchTimer === timer) this.#pumpPrefetch();
      },
      () => {},
    );
  }

  /** No prefetch in flight, and none that could be admitted now. */
  #prefetchQuiet(): boolean {
    if (this.#prefetchInFlight > 0) return false;
    if (this.#prefetchers.length === 0) return true;
    const now = this.#o.clock.now();
    this.#evict(now);
    const held = this.#inFlight + this.#frees.length - this.#freeHead;
    if (held >= this.#cap(now) - this.#prefetchReserve) {
      this.#spentAt = now;
      return true;
    }
    return this.#pausedUntil > now;
  }

  /**
   * Whether calls go as slots free: at most a window ago a lull ended, or prefetches waited, on a
   * window without room for them (the first slot of such a window frees a window after an answer
   * that came before, so waiting prefetches renew this in time). A window later without that (the
   * sync slowed, or a new one starts on the same client), the next burst has room again and the
   * lull holds for it.
   */
  #slotPaced(now: number): boolean {
    return now - this.#spentAt <= this.#o.windowMs;
  }

  /** Tells the callers of prefetchLull once prefetching has stayed quiet for a moment. */
  #checkLull(): void {
    if (this.#lullWaiters.length === 0 || this.#lullCheck || !this.#prefetchQuiet()) return;
    this.#lullCheck = true;
    this.#o.clock.sleep(LULL_GRACE_MS).then(() => {
      this.#lullCheck = false;
      if (!this.#slotPaced(this.#o.clock.now()) && !this.#prefetchQuiet()) return;
      for (const w of [...this.#lullWaiters]) w();
    });
  }

  /**
   * Whether one call may go to measure the others again, though the cap says no: the last reading
   * proved no other client (its count was what our own late-counted calls may have been), and
   * with nothing of ours in flight no answer is coming to say more. Without this, calls held
   * back by such a reading at the end of a window's burst would wait for the next window.
   */
  #mayLook(held: number): boolean {
    const e = this.#external;
    if (!e || e.evidence > 0 || this.#inFlight > 0) return false;
    return held < Math.min(this.#o.limit, this.#serverLimit ?? Number.POSITIVE_INFINITY);
  }

  /** How many of our calls the window may hold now. */
  #cap(now: number): number {
    const limit = Math.min(this.#o.limit, this.#serverLimit ?? Number.POSITIVE_INFINITY);
    const external = this.#externalAt(now);
    if (external === 0 || !this.#external) return limit;
    return limit - external - this.#reserve(this.#external);
  }

  /** Sleeps `ms` (may be Infinity), or less when an answer frees a slot. */
  async #sleepOrWake(ms: number, signal: AbortSignal | undefined): Promise<void> {
    const cancel = new AbortController();
    let onAbort = () => {};
    const waits: Promise<void>[] = [
      new Promise<void>((resolve) => {
        this.#wake = resolve;
      }),
      new Promise<void>((_, reject) => {
        onAbort = () => reject(signal?.reason);
        signal?.addEventListener("abort", onAbort, { once: true });
      }),
    ];
    if (Number.isFinite(ms)) waits.push(this.#o.clock.sleep(ms, cancel.signal).catch(() => {}));
    try {
      await Promise.race(waits);
    } finally {
      signal?.removeEventListener("abort", onAbort);
      cancel.abort();
      this.#wake = undefined;
    }
  }

  #evict(now: number): void {
    const { windowMs } = this.#o;
    while (this.#freeHead < this.#frees.length && (this.#frees[this.#freeHead] as number) <= now) {
      this.#freeHead++;
    }
    while (
      this.#admittedHead < this.#admitted.length &&
      (this.#admitted[this.#admittedHead] as number) <= now - windowMs
    ) {
      this.#admittedHead++;
    }
    // Compact now and then instead of shifting on every call, keeping the slots freed last
    // (#answeredSince looks back at those that freed while a call was in flight).
    if (this.#freeHead > 2 * FREED_KEPT && this.#freeHead * 2 > this.#frees.length) {
      this.#frees = this.#frees.slice(this.#freeHead - FREED_KEPT);
      this.#freeAdmissions = this.#freeAdmissions.slice(this.#freeHead - FREED_KEPT);
      this.#freeHead = FREED_KEPT;
    }
    if (this.#admittedHead > 1024 && this.#admittedHead * 2 > this.#admitted.length) {
      this.#admitted = this.#admitted.slice(this.#admittedHead);
      this.#admittedHead = 0;
    }
  }
}

/** What is kept for other clients' calls made since they were measured: 1 % of the limit. */
function reserveFor(limit: number): number {
  return Math.max(1, Math.ceil(limit / 100));
}
