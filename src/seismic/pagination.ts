// SCIM paging done right: advance `startIndex` by the number of items actually returned, stop
// when it passes `totalResults` or a page comes back empty. `itemsPerPage` is never trusted
// (baton-scim's bug), and a server that reports more results than it returns cannot make us loop.
// `paginate` also checks that the pages add up (listing-integrity.ts).
import { ListingCheck, ListingFault, listingError, pageFacts } from "./listing-integrity.js";
import type { ScimListResponse } from "./models.js";

/** Default and maximum page size Seismic accepts (Groups documents 100; Users works with 100). */
export const DEFAULT_PAGE_SIZE = 100;

/** A page request: SCIM `startIndex` (1-based) and `count`. */
export interface PageRequest {
  startIndex: number;
  count: number;
}

/**
 * The `startIndex` of the page after `page`, or `undefined` when `page` was the last.
 *
 * The next index is `startIndex + Resources.length`. Paging stops when that exceeds the page's
 * `totalResults` (which may shrink or grow between pages; the latest value wins) or when the
 * page holds no items.
 */
export function nextStartIndex(
  startIndex: number,
  page: Pick<ScimListResponse<unknown>, "totalResults" | "Resources">,
): number | undefined {
  const returned = page.Resources.length;
  if (returned === 0) return undefined;
  const next = startIndex + returned;
  return next > page.totalResults ? undefined : next;
}

/** Told when a listing did not add up and is read again (for a log line). */
export type RereadListener = (reason: string) => void;

/**
 * Iterates every item of a paged SCIM listing, checked by a {@link ListingCheck}: when the pages
 * do not add up, the listing is read once more from the start, yielding only items not yielded
 * yet; when the second read does not add up either, it throws.
 *
 * @param fetchPage fetches one page; called with startIndex 1, then as the check answers.
 * @param pageSize `count` per request. Default 100.
 * @param endpoint the listing's label for the error, e.g. `GET /scim/v2/Users`.
 * @throws SeismicError `inconsistent_listing` when neither read adds up.
 */
export async function* paginate<T extends { id: string }>(
  fetchPage: (request: PageRequest) => Promise<ScimListResponse<T>>,
  pageSize: number = DEFAULT_PAGE_SIZE,
  endpoint = "a SCIM listing",
  onReread?: RereadListener,
): AsyncGenerator<T, void, undefined> {
  let yielded: ListingCheck | undefined;
  for (let read = 1; ; read++) {
    const check = new ListingCheck();
    try {
      let startIndex: number | undefined = 1;
      while (startIndex !== undefined) {
        const count = check.countFor(startIndex, pageSize);
        const page: ScimListResponse<T> = await fetchPage({ startIndex, count });
        startIndex = check.page(pageFacts(startIndex, count, page));
        for (const item of page.Resources) if (!yielded?.has(item.id)) yield item;
      }
      return;
    } catch (e) {
      if (!(e instanceof ListingFault)) throw e;
      if (read >= 2) throw listingError(endpoint, e);
      onReread?.(e.message);
      // A failed page changes nothing in the check: it holds exactly the ids yielded.
      yielded = check;
    }
  }
}
