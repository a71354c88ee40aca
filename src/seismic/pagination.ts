// SCIM paging done right: advance `startIndex` by the number of items actually returned, stop
// when it passes `totalResults` or a page comes back empty. `itemsPerPage` is never trusted
// (baton-scim's bug), and a server that reports more results than it returns cannot make us loop.
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

/**
 * Iterates every item of a paged SCIM listing.
 *
 * @param fetchPage fetches one page; called with startIndex 1, then per {@link nextStartIndex}.
 * @param pageSize `count` per request. Default 100.
 */
export async function* paginate<T>(
  fetchPage: (request: PageRequest) => Promise<ScimListResponse<T>>,
  pageSize: number = DEFAULT_PAGE_SIZE,
): AsyncGenerator<T, void, undefined> {
  let startIndex: number | undefined = 1;
  while (startIndex !== undefined) {
    const page: ScimListResponse<T> = await fetchPage({ startIndex, count: pageSize });
    yield* page.Resources;
    startIndex = nextStartIndex(startIndex, page);
  }
}
