/**
 * The connector's paged SCIM listings (users, groups, each group's members) as page-token
 * listings whose pages are checked to add up (seismic/listing-integrity.ts): a listing that does
 * not is read once more from the start, and fails the sync if the second read does not add up
 * either.
 *
 * The host drives these listings one page token at a time and may checkpoint between pages, then
 * resume days later in another process, or ask for a page again after losing an answer. So:
 * - The token carries what must survive: the next `startIndex`, which read this is (1, or 2 once
 *   the listing is read again) and how often the in-process state was found missing.
 * - The check itself (the listing's ids so far) lives in this process, per sync (PerSync) and per
 *   listing key, because it grows with the listing (100,000 ids for 100,000 users) and a token
 *   must stay small. A page asked for again is taken back from it (ListingCheck.rewindTo).
 * - When a token arrives that the state does not match (a resumed sync, a restarted connector),
 *   the state is re-derived by reading the listing again from the start: the host stores those
 *   pages again, which upserts the same rows, and a resumed sync still makes at most the calls of
 *   a full one. If that keeps happening (a host spreading one listing over several connector
 *   processes), after two such restarts the listing continues from the token with a check that
 *   trusts the pages before it.
 * - A faulty page is not returned: the next token restarts the listing at startIndex 1 as read 2.
 * The hot path adds one Set insertion per listed id.
 */
import type { CallContext } from "../baton/connector.js";
import { decodePageToken, encodePageToken, type PageRequest } from "../baton/pagination.js";
import {
  DEFAULT_PAGE_SIZE,
  ListingCheck,
  ListingFault,
  listingError,
  nextStartIndex,
  pageFacts,
  type ScimListResponse,
} from "../seismic/index.js";
import type { SeismicContext } from "./context.js";

/** Restarts from scratch for a lost state before a listing continues with a partial check. */
const MAX_STATE_RESTARTS = 2;

/** Which listing: a key unique within the sync, and the endpoint (and subject) for messages. */
export interface ListingId {
  key: string;
  endpoint: string;
  /** E.g. `group <id>` for one group's members. */
  subject?: string;
}

/** One checked page: its items, where it started, and where the next starts (1 = read again). */
export interface CheckedPage<T> {
  items: T[];
  startIndex: number;
  /** The next `startIndex`; undefined after the last page; 1 when the listing is read again. */
  next: number | undefined;
  nextToken: string;
}

interface Cursor {
  /** Next startIndex. */
  s: number;
  /** Which read of the listing: 1, or 2 after it did not add up. */
  r: number;
  /** Times the in-process state was missing and the listing restarted for it. */
  x: number;
}

interface ListingState {
  read: number;
  check: ListingCheck;
}

/** The checks of the listings in progress in one sync. */
export class ListingStates {
  readonly #states = new Map<string, ListingState>();

  /** The state for `cursor`, or undefined when this process does not hold a matching one. */
  take(key: string, cursor: Cursor): ListingState | undefined {
    const state = this.#states.get(key);
    if (cursor.s === 1) return this.#fresh(key, cursor.r, 1);
    if (!state || state.read !== cursor.r || !state.check.rewindTo(cursor.s)) return undefined;
    return state;
  }

  /** A new state for a listing read from `startIndex`. */
  start(key: string, read: number, startIndex: number): ListingState {
    return this.#fresh(key, read, startIndex);
  }

  end(key: string): void {
    this.#states.delete(key);
  }

  #fresh(key: string, read: number, startIndex: number): ListingState {
    const state = { read, check: new ListingCheck(startIndex) };
    this.#states.set(key, state);
    return state;
  }
}

function decodeCursor(token: string): Cursor {
  return (
    decodePageToken(token, (v) => {
      const { s, r = 1, x = 0 } = (v ?? {}) as { s?: unknown; r?: unknown; x?: unknown };
      const ok = (n: unknown, min: number): n is number => Number.isInteger(n) && Number(n) >= min;
      if (!ok(s, 1) || !ok(r, 1) || !ok(x, 0)) throw new Error("bad listing cursor");
      return { s, r, x };
    }) ?? { s: 1, r: 1, x: 0 }
  );
}

/** The token of `cursor`; the first read's cursors keep the `{s}` shape of earlier versions. */
function encodeCursor(c: Cursor): string {
  return encodePageToken(c.r === 1 && c.x === 0 ? { s: c.s } : c);
}

/**
 * Fetches the page `page.token` points at with `fetch`, checks it against the listing so far and
 * returns it with the next token.
 * @throws SeismicError `inconsistent_listing` when the second read does not add up either.
 */
export async function checkedPage<T extends { id: string }>(
  sc: SeismicContext,
  ctx: CallContext,
  listing: ListingId,
  page: PageRequest,
  preferredCount: number,
  fetch: (startIndex: number, count: number) => Promise<ScimListResponse<T>>,
): Promise<CheckedPage<T>> {
  const states = sc.listings.get(ctx);
  let cursor = decodeCursor(page.token);
  let state = states.take(listing.key, cursor);
  if (!state) {
    const log = { endpoint: listing.endpoint, subject: listing.subject, startIndex: cursor.s };
    if (cursor.x < MAX_STATE_RESTARTS) {
      sc.logger.info(log, "listing resumed without its state here; reading it from the start");
      cursor = { s: 1, r: cursor.r, x: cursor.x + 1 };
      state = states.start(listing.key, cursor.r, 1);
    } else {
      sc.logger.warn(log, "listing resumed without its state again; checking only the rest");
      state = states.start(listing.key, cursor.r, cursor.s);
    }
  }
  const count = state.check.countFor(cursor.s, preferredCount);
  let res: ScimListResponse<T>;
  try {
    res = await fetch(cursor.s, count);
  } catch (e) {
    // A first page is checked afresh when asked again; later pages keep their state for a retry.
    if (cursor.s === 1) states.end(listing.key);
    throw e;
  }
  let next: number | undefined;
  try {
    next = state.check.page(pageFacts(cursor.s, count, res));
  } catch (e) {
    states.end(listing.key);
    if (!(e instanceof ListingFault)) throw e;
    if (cursor.r >= 2) throw listingError(listing.endpoint, e, listing.subject);
    sc.logger.warn(
      { endpoint: listing.endpoint, subject: listing.subject, reason: e.message },
      "listing did not add up; reading it again from the start",
    );
    const again = { s: 1, r: cursor.r + 1, x: cursor.x };
    return { items: [], startIndex: cursor.s, next: 1, nextToken: encodeCursor(again) };
  }
  if (next === undefined) states.end(listing.key);
  return {
    items: res.Resources,
    startIndex: cursor.s,
    next,
    nextToken: next === undefined ? "" : encodeCursor({ ...cursor, s: next }),
  };
}

/**
 * The page fetch of a listing that pages by itself with {@link nextStartIndex} (the user
 * directory's own scan of /Users), checked like the others. The caller cannot be sent back to
 * the start, so a listing that does not add up fails at once instead of being read again. The
 * wrapper asks for the count the check wants, and after a full last page for the page that
 * confirms the end, which must be empty.
 */
export function checkedScan<T extends { id: string }>(
  listing: ListingId,
  fetch: (startIndex: number, count: number, signal: AbortSignal) => Promise<ScimListResponse<T>>,
): (startIndex: number, signal: AbortSignal) => Promise<ScimListResponse<T>> {
  let check = new ListingCheck();
  return async (startIndex, signal) => {
    if (startIndex === 1 || !check.rewindTo(startIndex)) check = new ListingCheck(startIndex);
    try {
      const count = check.countFor(startIndex, DEFAULT_PAGE_SIZE);
      const page = await fetch(startIndex, count, signal);
      const next = check.page(pageFacts(startIndex, count, page));
      if (next !== undefined && nextStartIndex(startIndex, page) === undefined) {
        const confirmCount = check.countFor(next, DEFAULT_PAGE_SIZE);
        const after = await fetch(next, confirmCount, signal);
        if (check.page(pageFacts(next, confirmCount, after)) !== undefined) {
          throw new ListingFault(`the listing grew past totalResults ${page.totalResults}`);
        }
      }
      return page;
    } catch (e) {
      if (e instanceof ListingFault)
        throw listingError(listing.endpoint, e, listing.subject, false);
      throw e;
    }
  };
}
