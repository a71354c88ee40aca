/**
 * Reading ahead in the grants phase: once a host asks for a group's members, the first member
 * page of the next groups (in the order this sync listed them) is fetched before it asks for
 * them, so the rate limiter always has calls to send even when the host asks one group at a time
 * (the Go SDK's syncer does). Nothing is fetched on speculation: in a sync that asks for grants,
 * every listed group's first member page is asked for, in whatever order; at most `readAhead`
 * pages wait unclaimed, so the memory held stays small whatever order the host uses. Reading
 * ahead starts after a first member page came back, so a tenant without the membership endpoint
 * costs one 404, not one per page read ahead.
 */
import type { ScimListResponse, ScimMemberUser } from "../seismic/index.js";

/** Fetches a group's member page (startIndex 1 is the only one read ahead). */
export type FetchMembers = (
  groupId: string,
  signal: AbortSignal,
) => Promise<ScimListResponse<ScimMemberUser>>;

type Page = ScimListResponse<ScimMemberUser>;

export class MemberPages {
  readonly #fetch: FetchMembers;
  readonly #readAhead: number;
  readonly #stop = new AbortController();
  /** Group ids in the order the group listing returned them. */
  readonly #order: string[] = [];
  readonly #known = new Set<string>();
  /** Groups whose first page was fetched ahead and not asked for yet. */
  readonly #ahead = new Map<string, Promise<Page>>();
  /** Groups whose first page the host asked for (or that were fetched ahead). */
  readonly #started = new Set<string>();
  #cursor = 0;
  #enabled = true;
  /** A member page came back: the endpoint exists on this tenant. */
  #answered = false;

  constructor(fetch: FetchMembers, readAhead: number) {
    this.#fetch = fetch;
    this.#readAhead = Math.max(0, readAhead);
  }

  /** Records a page of the group listing, in listing order. */
  listed(groupIds: readonly string[]): void {
    for (const id of groupIds) {
      const key = id.toLowerCase();
      if (this.#known.has(key)) continue;
      this.#known.add(key);
      this.#order.push(id);
    }
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
    const own = ahead ?? fetchNow();
    this.#topUp();
    let page: Page;
    try {
      page = await own;
    } catch (e) {
      if (!ahead) throw e;
      // Fetched again, so the error (or the success) is this call's own.
      page = await fetchNow();
    }
    this.#answered = true;
    this.#topUp();
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

  #topUp(): void {
    if (!this.#enabled || !this.#answered) return;
    while (this.#ahead.size < this.#readAhead && this.#cursor < this.#order.length) {
      const id = this.#order[this.#cursor++] as string;
      const key = id.toLowerCase();
      if (this.#started.has(key)) continue;
      this.#started.add(key);
      const page = this.#fetch(id, this.#stop.signal);
      // Claimed later (or never, if the host stops): never an unhandled rejection.
      page.catch(() => {});
      this.#ahead.set(key, page);
    }
  }
}
