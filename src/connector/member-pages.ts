/**
 * Reading group members ahead, so the rate limiter always has calls to send even when the host
 * asks one group at a time (the Go SDK's syncer does) or is still writing the users:
 *
 * - once a host asks for a group's members, the first member page of the next groups (in the
 *   order this sync listed them) is fetched before it asks, at most `readAhead` waiting;
 * - under a rate limit (`speculate`), the first member page of every listed group is fetched
 *   already while the resources are listed, in the limiter's prefetch class (only with room no
 *   other call waits for), at most `maxAhead` waiting; a page the host then asks for is promoted
 *   to an ordinary call. A sync that asks for grants asks for every listed group's first page,
 *   in whatever order; only a resources-only sync would not, which the one-shot CLI says
 *   (`--skip-entitlements-and-grants` turns this off).
 *
 * Reading ahead starts after one member page came back (a single probe while speculating), so a
 * tenant without the membership endpoint costs one 404, not one per page read ahead.
 */
import type { ScimListResponse, ScimMemberUser } from "../seismic/index.js";
import type { ReadAhead } from "./user-pages.js";

/** Fetches a group's first member page (startIndex 1, count 100). */
export type FetchMembers = (
  groupId: string,
  signal: AbortSignal,
  ahead?: ReadAhead,
) => Promise<ScimListResponse<ScimMemberUser>>;

type Page = ScimListResponse<ScimMemberUser>;

/** Speculative fetches waiting at once. */
const SPECULATION_QUEUE = 32;

export interface MemberPagesOptions {
  /** First pages fetched ahead once the host asks for grants. */
  readAhead: number;
  /** Also fetch every listed group's first page early, as the rate limit has room. */
  speculate?: boolean;
  /** Pages waiting unclaimed while speculating. Default 1000 (≈ 10 MB). */
  maxAhead?: number;
}

interface Ahead {
  page: Promise<Page>;
  promote?: AbortController;
}

export class MemberPages {
  readonly #fetch: FetchMembers;
  readonly #readAhead: number;
  readonly #speculate: boolean;
  readonly #maxAhead: number;
  readonly #stop = new AbortController();
  /** Group ids in the order the group listing returned them. */
  readonly #order: string[] = [];
  /** Lower-cased id → index in `#order`. */
  readonly #known = new Map<string, number>();
  /** Groups whose first page was fetched ahead and not asked for yet. */
  readonly #ahead = new Map<string, Ahead>();
  /** Groups whose first page the host asked for (or that were fetched ahead). */
  readonly #started = new Set<string>();
  #cursor = 0;
  #enabled = true;
  /** Speculative fetches not answered yet: a few at a time, taking turns with the users'. */
  #unanswered = 0;
  /** A member page came back: the endpoint exists on this tenant. */
  #answered = false;
  #probing = false;

  constructor(fetch: FetchMembers, options: MemberPagesOptions) {
    this.#fetch = fetch;
    this.#readAhead = Math.max(0, options.readAhead);
    this.#speculate = (options.speculate ?? false) && this.#readAhead > 0;
    this.#maxAhead = Math.max(this.#readAhead, options.maxAhead ?? 1000);
  }

  /** Records a page of the group listing, in listing order. */
  listed(groupIds: readonly string[]): void {
    for (const id of groupIds) {
      const key = id.toLowerCase();
      if (this.#known.has(key)) continue;
      this.#known.set(key, this.#order.length);
      this.#order.push(id);
    }
    if (this.#speculate) this.#fill();
  }

  /**
   * The group's first member page: the one fetched ahead when there is one (a failed read-ahead
   * is fetched again, so errors reach the caller as usual), else fetched now; then the next
   * groups' first pages are fetched ahead.
   */
  async first(groupId: string, fetchNow: () => Promise<Page>): Promise<Page> {
    const key = groupId.toLowerCase();
    this.#started.add(key);
    const ahead = this.#ahead.get(key);
    this.#ahead.delete(key);
    // The host waits for it now, and probably for the next groups soon: no longer prefetches.
    ahead?.promote?.abort();
    const at = this.#known.get(key);
    for (let i = 1; at !== undefined && i <= this.#readAhead; i++) {
      const next = this.#order[at + i];
      if (next !== undefined) this.#ahead.get(next.toLowerCase())?.promote?.abort();
    }
    const own = ahead?.page ?? fetchNow();
    this.#fill();
    let page: Page;
    try {
      page = await own;
    } catch (e) {
      if (!ahead) throw e;
      // Fetched again, so the error (or the success) is this call's own.
      page = await fetchNow();
    }
    this.#answer();
    return page;
  }

  /** No more read-ahead in this sync (the membership endpoints answer 404 on this tenant). */
  disable(): void {
    this.#enabled = false;
    this.#ahead.clear();
  }

  /** Stops the fetches in flight (the sync's state is dropped). */
  close(): void {
    this.#stop.abort(new Error("the sync's member read-ahead was dropped"));
    this.#ahead.clear();
  }

  #answer(): void {
    this.#answered = true;
    this.#fill();
  }

  #fill(): void {
    if (!this.#enabled) return;
    if (!this.#answered) {
      // One probe while speculating, so a missing endpoint costs one 404.
      // The probe is an ordinary call: it decides whether to read ahead at all.
      if (this.#speculate && !this.#probing && this.#next() !== undefined) {
        this.#probing = true;
        this.#startNext(false)?.page.then(
          () => this.#answer(),
          () => {},
        );
      }
      return;
    }
    if (!this.#speculate) {
      while (this.#ahead.size < this.#readAhead && this.#startNext(false)) {}
      return;
    }
    while (
      this.#ahead.size < this.#maxAhead &&
      this.#unanswered < SPECULATION_QUEUE &&
      this.#startNext(true)
    ) {}
  }

  /** The next listed group whose first page nobody fetched yet. */
  #next(): string | undefined {
    while (this.#cursor < this.#order.length) {
      const id = this.#order[this.#cursor] as string;
      if (!this.#started.has(id.toLowerCase())) return id;
      this.#cursor++;
    }
    return undefined;
  }

  #startNext(prefetch: boolean): Ahead | undefined {
    const id = this.#next();
    if (id === undefined) return undefined;
    const key = id.toLowerCase();
    this.#started.add(key);
    const promote = prefetch ? new AbortController() : undefined;
    const read = promote ? { prefetch: true as const, promote: promote.signal } : undefined;
    const page = this.#fetch(id, this.#stop.signal, read);
    if (prefetch) {
      this.#unanswered++;
      const answered = () => {
        this.#unanswered--;
        this.#fill();
      };
      page.then(answered, answered);
    }
    // Claimed later (or never, if the host stops): never an unhandled rejection.
    page.catch(() => {});
    const ahead: Ahead = promote ? { page, promote } : { page };
    this.#ahead.set(key, ahead);
    return ahead;
  }
}
