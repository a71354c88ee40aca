// Listing integrity: whether the pages of one SCIM listing add up to the whole listing. Seismic's
// paging is offset paging (`startIndex`/`count`, no sorting) and nothing in a page proves it
// complete, so a server whose `totalResults` is low, a page without `Resources`, ids repeated
// across pages or a server that ignores `startIndex` would all read as a shorter listing. Every
// paged listing of the client (`paginate`) and of the connector (its page-token listings) feeds
// its pages to one ListingCheck, which throws a ListingFault naming what did not add up; the
// caller reads the listing once more from the start (the tenant may have changed while it was
// read) and fails with {@link listingError} if the second read does not add up either.
//
// What is checked, page by page (the cost is one Set of the listing's ids):
// - a page without `Resources` while `totalResults` is not 0 (RFC 7644 requires it then), or an
//   empty one while `startIndex <= totalResults`;
// - ids already listed on an earlier page (all of them: the index did not advance);
// - items past `totalResults`, and `totalResults` falling between pages (a deletion shifts later
//   items onto pages already read, so one of them would be missed);
// - a short page before the end, unless it is the server's page size (the first page's);
// - more pages than `totalResults` can explain (twice the pages the first page implies, plus
//   slack): ends a server that reports ever more results;
// - at the end, distinct ids equal to `totalResults` (which the checks above imply).
// A low `totalResults` is caught without extra calls where the data allows: the page expected to
// be the last asks for one item more than should remain, so a server holding more returns it.
// Only when that page is exactly full (the remainder equals the page size) does the listing ask
// for one more page, which must be empty.
import { SeismicError } from "./errors.js";
import { RESOURCES_ABSENT, type ScimListResponse } from "./models.js";

/** What one page request asked for and what its answer said. */
export interface PageFacts {
  /** The requested `startIndex`. */
  startIndex: number;
  /** The requested `count`. */
  count: number;
  totalResults: number;
  ids: readonly string[];
  /** The body had no `Resources`. */
  resourcesAbsent: boolean;
}

/** The facts of a parsed page. */
export function pageFacts(
  startIndex: number,
  count: number,
  page: ScimListResponse<{ id: string }>,
): PageFacts {
  return {
    startIndex,
    count,
    totalResults: page.totalResults,
    ids: page.Resources.map((r) => r.id),
    resourcesAbsent: page[RESOURCES_ABSENT] === true,
  };
}

/** A listing that does not add up; `reason` says how, for people. */
export class ListingFault extends Error {
  override readonly name = "ListingFault";
}

/** Pages allowed beyond twice what the first page implies. */
const PAGE_SLACK = 10;

interface Progress {
  pages: number;
  total: number | undefined;
  largest: number;
  bound: number;
}

/**
 * The running check of one read of one listing. Feed it every page in order with {@link page}; it
 * answers the next `startIndex`, or `undefined` once the listing is complete and adds up. A page
 * that fails a check changes nothing, so its ids are never counted as listed.
 */
export class ListingCheck {
  readonly #seen = new Set<string>();
  /** Items listed before this check started (a listing resumed without its earlier ids). */
  readonly #base: number;
  #progress: Progress = { pages: 0, total: undefined, largest: 0, bound: 0 };
  #next: number;
  /** The last accepted page, so a host asking for it again can be answered (see rewindTo). */
  #last: { startIndex: number; added: readonly string[]; before: Progress } | undefined;

  /**
   * A check from the listing's first page, or (`startIndex` > 1) one that takes over in the middle
   * without the ids listed before: it cannot see repeats of those, and trusts their number.
   */
  constructor(startIndex = 1) {
    this.#next = startIndex;
    this.#base = startIndex - 1;
  }

  /** Whether this check saw the listing from its first page. */
  get complete(): boolean {
    return this.#base === 0;
  }

  /** The `startIndex` the next page must have. */
  get expectedNext(): number {
    return this.#next;
  }

  /** Distinct ids listed so far. */
  get listed(): number {
    return this.#base + this.#seen.size;
  }

  /** Whether `id` was listed on an accepted page. */
  has(id: string): boolean {
    return this.#seen.has(id);
  }

  /**
   * The `count` to ask for at `startIndex`: `preferred`, except on the page expected to be the
   * last, which asks for one more than should remain (see the module comment).
   */
  countFor(startIndex: number, preferred: number): number {
    const total = this.#progress.total;
    return total === undefined ? preferred : checkedCount(total, startIndex, preferred);
  }

  /**
   * Forgets the last page when it is the one at `startIndex` (a host asking for a page again after
   * losing the answer). Returns whether the check is now ready for that page.
   */
  rewindTo(startIndex: number): boolean {
    if (startIndex === this.#next) return true;
    const last = this.#last;
    if (!last || last.startIndex !== startIndex) return false;
    for (const id of last.added) this.#seen.delete(id);
    this.#progress = last.before;
    this.#next = startIndex;
    this.#last = undefined;
    return true;
  }

  /**
   * Checks the page and records it. Returns the next `startIndex`, or `undefined` when the
   * listing is complete and adds up.
   * @throws ListingFault when it does not add up.
   */
  page(p: PageFacts): number | undefined {
    const { startIndex: s, count, totalResults: total, ids } = p;
    const n = ids.length;
    const before = this.#progress;
    if (s !== this.#next) {
      throw new Error(`internal: listing page at startIndex ${s}, expected ${this.#next}`);
    }
    // RFC 7644 §3.4.2 requires Resources whenever totalResults is non-zero, also on a page past
    // the end: the page that confirms the end of a full last page must not pass by omitting it.
    if (p.resourcesAbsent && total > 0) {
      this.#fault(`the page at startIndex ${s} has no Resources although totalResults is ${total}`);
    }
    if (before.total !== undefined && total < before.total) {
      this.#fault(`totalResults fell from ${before.total} to ${total} between pages`);
    }
    const added = this.#newIds(s, ids);
    if (n > 0 && s + n - 1 > total) {
      this.#fault(`the page at startIndex ${s} holds ${n} items, past totalResults ${total}`);
    }
    if (n === 0 && s <= total) {
      this.#fault(`the page at startIndex ${s} is empty although totalResults is ${total}`);
    }
    const shortBeforeEnd = n < count && s + n <= total;
    if (shortBeforeEnd && before.pages > 0 && n < before.largest) {
      this.#fault(
        `the page at startIndex ${s} holds ${n} items, fewer than the ${before.largest} of earlier pages, before the end (totalResults ${total})`,
      );
    }
    const pages = before.pages + 1;
    const bound =
      before.pages === 0 ? 2 * Math.ceil(total / Math.max(1, n)) + PAGE_SLACK : before.bound;
    if (pages > bound) {
      this.#fault(`the listing did not end after ${pages} pages (totalResults ${total})`);
    }
    const next = s + n;
    // A full page may end exactly at totalResults: one more (empty) page confirms the end.
    const more = n > 0 && (next <= total || n >= count);
    if (!more) {
      // Implied by the checks above (contiguous pages, no repeats, none past the total); kept
      // because it is the promise this check makes.
      const distinct = this.#base + this.#seen.size + added.length;
      if (distinct !== total) {
        this.#fault(
          distinct < total
            ? `${distinct} distinct ids were listed but totalResults is ${total}`
            : `${distinct} distinct ids were listed, more than totalResults ${total}`,
        );
      }
    }
    for (const id of added) this.#seen.add(id);
    this.#progress = {
      pages,
      total,
      largest: Math.max(before.largest, n),
      bound,
    };
    this.#last = { startIndex: s, added, before };
    this.#next = next;
    return more ? next : undefined;
  }

  /** The ids of a page not listed before; throws when any was. */
  #newIds(s: number, ids: readonly string[]): string[] {
    const added: string[] = [];
    let repeated = 0;
    let example: string | undefined;
    const onPage = new Set<string>();
    for (const id of ids) {
      if (this.#seen.has(id) || onPage.has(id)) {
        repeated++;
        example ??= id;
      } else {
        onPage.add(id);
        added.push(id);
      }
    }
    if (repeated > 0 && repeated === ids.length) {
      this.#fault(
        `the page at startIndex ${s} repeats ${repeated} ids already listed: the index did not advance`,
      );
    }
    if (repeated > 0) {
      this.#fault(
        `${repeated} id(s) on the page at startIndex ${s} were already listed (e.g. ${example})`,
      );
    }
    return added;
  }

  #fault(reason: string): never {
    throw new ListingFault(reason);
  }
}

/**
 * The error for a listing whose second read did not add up either (or, `readTwice` false, whose
 * only read did not): one line naming the endpoint, which listing of it (`subject`, e.g.
 * "group 1f…"), and what did not add up.
 */
export function listingError(
  endpoint: string,
  fault: ListingFault,
  subject?: string,
  readTwice = true,
): SeismicError {
  const which = subject ? ` for ${subject}` : "";
  const when = readTwice ? ", also when read again from the start" : "";
  return new SeismicError(
    "inconsistent_listing",
    `${endpoint}${which} did not add up${when}: ${fault.message}. The sync stopped instead of storing an incomplete listing; run it again, and if this persists report it to Seismic.`,
    { endpoint, detail: fault.message },
  );
}

/** The `count` a checked listing of `total` items asks for at `startIndex` (see countFor). */
function checkedCount(total: number, startIndex: number, preferred: number): number {
  if (startIndex > total) return preferred;
  const remaining = total - startIndex + 1;
  return remaining < preferred ? remaining + 1 : preferred;
}

/**
 * The pages after the first that a checked listing of `total` items asks for, `pageSize` at a
 * time, while every page comes back full: what a reader ahead of the listing can fetch once the
 * first page told the total. A full last page is followed by one that confirms the end.
 */
export function pagesAfterFirst(
  total: number,
  pageSize: number,
): { startIndex: number; count: number }[] {
  const pages: { startIndex: number; count: number }[] = [];
  if (total < pageSize) return pages;
  for (let s = 1 + pageSize; s <= total + 1; s += pageSize) {
    if (s === total + 1 && total % pageSize !== 0) break;
    pages.push({ startIndex: s, count: checkedCount(total, s, pageSize) });
  }
  return pages;
}
