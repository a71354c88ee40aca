/**
 * The rest of a checked listing, fetched ahead of the host under a rate limit: once a listing's
 * first page tells its total, every later page it will ask for (the same startIndex and count the
 * listing check asks, see pagesAfterFirst) is sent in the limiter's prefetch class, so the window
 * is spent while the host is still writing. Used for the group listing (the groups' ids then
 * reach the member read-ahead early) and for each group's member pages after the first.
 *
 * A page the listing asks for is taken from here and promoted to an ordinary call if still
 * waiting; one that failed is fetched again by the listing, so errors reach it as usual. Pages
 * are planned once per listing and sync: a listing read again from the start (it did not add up)
 * fetches its pages itself. A page that comes back short before the end breaks the grid: the
 * pages after it are cancelled, and the listing fetches from where the short page ended.
 */
import type { ScimListResponse } from "../seismic/index.js";
import { pagesAfterFirst } from "../seismic/index.js";
import type { ReadAhead } from "./user-pages.js";

/** Fetches one page of a listing ahead of need. */
export type FetchAhead<T> = (
  startIndex: number,
  count: number,
  signal: AbortSignal,
  ahead: ReadAhead,
) => Promise<ScimListResponse<T>>;

interface Planned<T> {
  count: number;
  page: Promise<ScimListResponse<T>>;
  promote: AbortController;
}

export class PagesAhead<T> {
  readonly #pageSize: number;
  readonly #stop = new AbortController();
  /** Pages fetched ahead and not taken yet, by listing key, then startIndex. */
  readonly #pages = new Map<string, Map<number, Planned<T>>>();
  readonly #planned = new Set<string>();

  constructor(pageSize: number) {
    this.#pageSize = pageSize;
  }

  /**
   * After the first page of listing `key`: fetches the pages after it ahead. `onPage` sees each
   * one that arrives, in listing order, until one fails or the grid breaks.
   */
  plan(
    key: string,
    first: ScimListResponse<T>,
    fetch: FetchAhead<T>,
    onPage?: (page: ScimListResponse<T>) => void,
  ): void {
    if (this.#planned.has(key) || this.#stop.signal.aborted) return;
    this.#planned.add(key);
    if (first.Resources.length < this.#pageSize) return;
    const pages = pagesAfterFirst(first.totalResults, this.#pageSize);
    if (pages.length === 0) return;
    const grid = new AbortController();
    const signal = AbortSignal.any([this.#stop.signal, grid.signal]);
    const held = new Map<number, Planned<T>>();
    this.#pages.set(key, held);
    let inOrder: Promise<boolean> = Promise.resolve(true);
    for (const { startIndex, count } of pages) {
      const promote = new AbortController();
      const page = fetch(startIndex, count, signal, { prefetch: true, promote: promote.signal });
      // Taken later (or never, if the host stops): never an unhandled rejection.
      page.catch(() => {});
      held.set(startIndex, { count, page, promote });
      inOrder = inOrder.then(async (going) => {
        if (!going) return false;
        const res = await page.catch(() => undefined);
        if (res === undefined) return false;
        onPage?.(res);
        const short =
          res.Resources.length < count && startIndex + res.Resources.length <= res.totalResults;
        if (short)
          grid.abort(new Error("a page came back short: the pages after it are not on the grid"));
        return !short;
      });
    }
  }

  /** The page of `key` at `startIndex` fetched ahead, else (or if that failed) `fetchNow()`. */
  take(
    key: string,
    startIndex: number,
    count: number,
    fetchNow: () => Promise<ScimListResponse<T>>,
  ): Promise<ScimListResponse<T>> {
    const held = this.#pages.get(key);
    const planned = held?.get(startIndex);
    if (!held || !planned || planned.count !== count) return fetchNow();
    held.delete(startIndex);
    if (held.size === 0) this.#pages.delete(key);
    planned.promote.abort();
    return planned.page.catch(() => fetchNow());
  }

  /** Stops the fetches in flight (the sync's state is dropped). */
  close(): void {
    this.#stop.abort(new Error("the sync's listing read-ahead was dropped"));
    this.#pages.clear();
  }
}
