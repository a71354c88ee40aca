// The paging lies of the list endpoints (SimulatorOptions.listingLies): a low or made-up
// totalResults, a page without its Resources key, pages that start early (ids repeated across
// pages, as many never listed) and a server that ignores startIndex. They exist to test that a
// client notices; a read of a listing starts with a request at startIndex 1, and `reads` limits
// the lies to the first reads of each listing, so a client that reads again sees the truth.

import type { ListingLies, LyingListing } from "./options.js";
import { listResponse, type Page, parsePage } from "./pagination.js";

const ALL: readonly LyingListing[] = ["users", "groups", "members"];

/** Serves list pages, lying as configured; counts the reads of each listing (by path). */
export class ListingLiar {
  private readonly lies: ListingLies | undefined;
  private readonly reads = new Map<string, number>();

  constructor(lies: ListingLies | undefined) {
    this.lies = lies;
  }

  /** The ListResponse for `items` at the page `query` asks for. */
  page<T>(
    listing: LyingListing,
    path: string,
    query: URLSearchParams,
    items: readonly T[],
    render: (item: T) => unknown,
  ): Record<string, unknown> {
    const asked = parsePage(query);
    const lies = this.active(listing, path, asked);
    if (lies === undefined) return listResponse(items, asked, render);
    const served: Page = { ...asked };
    if (lies.ignoreStartIndex) served.startIndex = 1;
    else if (lies.duplicatesAcrossPages !== undefined && asked.startIndex > 1) {
      served.startIndex = Math.max(1, asked.startIndex - lies.duplicatesAcrossPages);
    }
    const body = listResponse(items, served, render);
    // The page claims to start where it was asked to, whatever it holds.
    if (!lies.ignoreStartIndex) body.startIndex = asked.startIndex;
    if (lies.totalResults !== undefined) body.totalResults = lies.totalResults;
    else if (lies.totalResultsFactor !== undefined) {
      body.totalResults = Math.floor(items.length * lies.totalResultsFactor);
    }
    if (lies.noResourcesAt === asked.startIndex) delete body.Resources;
    return body;
  }

  /** The lies that apply to this request, counting a new read at startIndex 1. */
  private active(listing: LyingListing, path: string, asked: Page): ListingLies | undefined {
    const lies = this.lies;
    if (lies === undefined || !(lies.on ?? ALL).includes(listing)) return undefined;
    const key = `${listing} ${path.toLowerCase()}`;
    const read = (this.reads.get(key) ?? 0) + (asked.startIndex === 1 ? 1 : 0);
    this.reads.set(key, read);
    return read <= (lies.reads ?? Number.POSITIVE_INFINITY) ? lies : undefined;
  }
}
