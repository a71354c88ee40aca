// The sync's one walk of /Users: the listing's pages are fetched ahead, the directory's own walk
// keeps what the listing will still ask for, a resumed listing's earlier pages are fetched for the
// directory only, and every page is fetched once whoever asks first.
import { describe, expect, it } from "vitest";
import type { ScimListResponse, ScimUser } from "../seismic/index.js";
import { ManualTimers } from "./test-support/manual-timers.js";
import { type ReadAhead, UserPages } from "./user-pages.js";

const user = (i: number) =>
  ({ id: `u${i}`, userName: `u${i}@x`, active: true, emails: [] }) as unknown as ScimUser;

/**
 * A tenant of `n` users; `fail` answers the given startIndex with an error once; `short` answers
 * the page at that startIndex with one user fewer than asked.
 */
function fakeTenant(n: number, fail?: number, short?: number) {
  const users = Array.from({ length: n }, (_, i) => user(i + 1));
  const calls: number[] = [];
  const prefetched: number[] = [];
  let failed = false;
  const fetch = async (
    startIndex: number,
    count: number,
    signal?: AbortSignal,
    ahead?: ReadAhead,
  ): Promise<ScimListResponse<ScimUser>> => {
    calls.push(startIndex);
    if (ahead?.prefetch) prefetched.push(startIndex);
    await new Promise((r) => setImmediate(r));
    signal?.throwIfAborted();
    if (startIndex === fail && !failed) {
      failed = true;
      throw new Error(`page ${startIndex} failed`);
    }
    const take = startIndex === short ? count - 1 : count;
    const Resources = users.slice(startIndex - 1, startIndex - 1 + take);
    return { totalResults: n, itemsPerPage: Resources.length, startIndex, Resources };
  };
  return { users, calls, prefetched, fetch };
}

function walkOf(t: ReturnType<typeof fakeTenant>, options = {}) {
  const seen: string[] = [];
  const pages = new UserPages(t.fetch, (us) => seen.push(...us.map((u) => u.id)), options);
  return { pages, seen };
}

const signal = () => new AbortController().signal;

/** Lets `n` turns of the event loop pass. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

/** Reads the whole listing through the walk; returns the ids in listing order. */
async function list(pages: UserPages, count: number, from = 1): Promise<string[]> {
  const ids: string[] = [];
  for (let s: number | undefined = from; s !== undefined; ) {
    const page = await pages.page(s, count, signal());
    ids.push(...page.Resources.map((u) => u.id));
    const next: number = s + page.Resources.length;
    s = page.Resources.length === 0 || next > page.totalResults ? undefined : next;
  }
  return ids;
}

describe("UserPages", () => {
  it("fetches the listing's next pages before it asks for them, each once and never past the end", async () => {
    const t = fakeTenant(9);
    const { pages } = walkOf(t, { readAhead: 2 });
    await pages.page(1, 2, signal());
    expect(t.calls).toEqual([1, 3, 5]);
    const ids = await list(pages, 2, 3);
    expect(ids).toEqual(t.users.slice(2).map((u) => u.id));
    expect(t.calls).toEqual([1, 3, 5, 7, 9]);
    expect(pages.isComplete).toBe(true);
  });

  it("completes the directory from the listing's pages while the listing walks", async () => {
    const t = fakeTenant(250);
    const { pages, seen } = walkOf(t, { readAhead: 1 });
    await pages.page(1, 100, signal());
    const done = pages.complete(signal());
    await list(pages, 100, 101);
    await done;
    expect(t.calls).toEqual([1, 101, 201]);
    expect(new Set(seen).size).toBe(250);
  });

  it("walks by itself when no listing comes, and keeps the pages for a listing that comes later", async () => {
    const t = fakeTenant(250);
    const { pages, seen } = walkOf(t, { readAhead: 2 });
    await pages.complete(signal());
    expect(t.calls.sort((a, b) => a - b)).toEqual([1, 101, 201]);
    expect(seen).toHaveLength(250);
    expect(await list(pages, 100)).toEqual(t.users.map((u) => u.id));
    expect(t.calls).toHaveLength(3);
  });

  it("fetches only the pages before where a resumed listing starts, for the directory", async () => {
    const t = fakeTenant(450);
    const { pages, seen } = walkOf(t, { readAhead: 1 });
    await pages.page(201, 100, signal());
    const done = pages.complete(signal());
    const rest = await list(pages, 100, 301);
    await done;
    expect(rest).toEqual(t.users.slice(300).map((u) => u.id));
    expect(t.calls.sort((a, b) => a - b)).toEqual([1, 101, 201, 301, 401]);
    expect(new Set(seen).size).toBe(450);
  });

  it("takes over from a listing that stopped asking, once the stall window has passed", async () => {
    const t = fakeTenant(350);
    const timers = new ManualTimers();
    const { pages } = walkOf(t, { readAhead: 1, stallMs: 5_000, timers });
    await pages.page(1, 100, signal());
    const done = pages.complete(signal());
    // Page 101 was read ahead for the listing; nothing more while the listing may come back.
    await new Promise((r) => setTimeout(r, 10));
    expect(t.calls).toEqual([1, 101]);
    timers.advance(5_000);
    await done;
    expect(t.calls.sort((a, b) => a - b)).toEqual([1, 101, 201, 301]);
    expect(await list(pages, 100, 101)).toHaveLength(250);
    expect(t.calls).toHaveLength(4);
  });

  it("fails the listing's call when its page fails, and fetches it again when asked again", async () => {
    const t = fakeTenant(5, 3);
    const { pages } = walkOf(t, { readAhead: 1 });
    await pages.page(1, 2, signal());
    await expect(pages.page(3, 2, signal())).rejects.toThrow("page 3 failed");
    expect((await pages.page(3, 2, signal())).Resources.map((u) => u.id)).toEqual(["u3", "u4"]);
    expect(t.calls).toEqual([1, 3, 3, 5]);
  });

  it("fails the directory's walk when a page it needs fails", async () => {
    const t = fakeTenant(150, 101);
    const { pages } = walkOf(t);
    await expect(pages.complete(signal())).rejects.toThrow("page 101 failed");
    await pages.complete(signal());
    expect(pages.isComplete).toBe(true);
  });

  it("stops waiting when the caller cancels", async () => {
    const pages = new UserPages(
      () => new Promise<never>(() => {}),
      () => {},
    );
    const ac = new AbortController();
    const waiting = pages.complete(ac.signal);
    const listing = pages.page(1, 100, ac.signal);
    ac.abort(new Error("cancelled"));
    await expect(waiting).rejects.toThrow("cancelled");
    await expect(listing).rejects.toThrow("cancelled");
  });

  it("under a rate limit, asks for every page early as prefetches, each once", async () => {
    const t = fakeTenant(550);
    const { pages, seen } = walkOf(t, { readAhead: 1, prefetchAll: true });
    await pages.page(1, 100, signal());
    expect([...t.calls].sort((a, b) => a - b)).toEqual([1, 101, 201, 301, 401, 501]);
    expect(t.prefetched.sort((a, b) => a - b)).toEqual([101, 201, 301, 401, 501]);
    expect(await list(pages, 100, 101)).toEqual(t.users.slice(100).map((u) => u.id));
    expect(t.calls).toHaveLength(6);
    expect(new Set(seen).size).toBe(550);
  });

  it("under a rate limit, keeps pages far from the listing parsed until the burst is over, then compresses them", async () => {
    const t = fakeTenant(550);
    let quiet = () => {};
    const lulls: Promise<void>[] = [];
    const packWhenQuiet = () => {
      const p = new Promise<void>((r) => {
        quiet = r;
      });
      lulls.push(p);
      return p;
    };
    const { pages, seen } = walkOf(t, { readAhead: 1, prefetchAll: true, packWhenQuiet });
    await pages.complete(signal());
    expect(new Set(seen).size).toBe(550);
    // No listing yet, so every page is far from it; none was compressed during the burst.
    expect(pages.pagesWaitingToPack).toBe(6);
    expect(lulls).toHaveLength(1);
    quiet();
    await turns(2);
    // Four at a time, then a fresh look at the lull before the next four.
    expect(pages.pagesWaitingToPack).toBe(2);
    expect(lulls).toHaveLength(2);
    quiet();
    await turns(2);
    expect(pages.pagesWaitingToPack).toBe(0);
    expect(lulls).toHaveLength(2);
    // Compressed or not, the listing gets every user from the pages kept, with no call again.
    expect(await list(pages, 100)).toEqual(t.users.map((u) => u.id));
    expect(t.calls).toHaveLength(6);
  });

  it("compresses at once what would wait parsed past the cap, and gives up waiting when the sync is dropped", async () => {
    const t = fakeTenant(30_000);
    let lulls = 0;
    const packWhenQuiet = (s: AbortSignal) =>
      new Promise<void>((_, reject) => {
        lulls++;
        s.addEventListener("abort", () => reject(s.reason), { once: true });
      });
    const { pages } = walkOf(t, { readAhead: 4, prefetchAll: true, packWhenQuiet });
    await pages.complete(signal());
    // 300 full pages, then the empty one that confirms the end; 256 wait parsed, the rest packed.
    expect(t.calls).toHaveLength(301);
    expect(pages.pagesWaitingToPack).toBe(256);
    expect(lulls).toBe(1);
    expect(await list(pages, 100)).toEqual(t.users.map((u) => u.id));
    expect(t.calls).toHaveLength(301);
    pages.close();
    await new Promise((r) => setImmediate(r));
    expect(pages.pagesWaitingToPack).toBe(0);
  });

  it("stops guessing page indices after a short page, and still lists every user once", async () => {
    const t = fakeTenant(550, undefined, 101);
    const { pages } = walkOf(t, { readAhead: 1, prefetchAll: true });
    const ids = await list(pages, 100);
    expect(ids).toEqual(t.users.map((u) => u.id));
    // The pages after the short one start one index earlier than guessed.
    expect(t.calls.filter((s) => [200, 300, 400, 500].includes(s)).sort((a, b) => a - b)).toEqual([
      200, 300, 400, 500,
    ]);
  });

  it("reads the chain again when it does not add up, and completes from the honest read", async () => {
    const t = fakeTenant(250);
    let reads = 0;
    // The first read (from page 1) says there are 200 users: its last page holds 50 too many.
    const lying = async (s: number, count: number, sig: AbortSignal, ahead?: ReadAhead) => {
      if (s === 1) reads++;
      const page = await t.fetch(s, count, sig, ahead);
      return reads === 1 ? { ...page, totalResults: 200 } : page;
    };
    const rereads: string[] = [];
    const seen: string[] = [];
    const pages = new UserPages(lying, (us) => seen.push(...us.map((u) => u.id)), {
      onReread: (reason) => rereads.push(reason),
    });
    await pages.complete(signal());
    expect(pages.isComplete).toBe(true);
    expect(rereads).toEqual(["the page at startIndex 201 holds 50 items, past totalResults 200"]);
    expect(t.calls).toEqual([1, 101, 201, 1, 101, 201]);
    expect(new Set(seen).size).toBe(250);
  });

  it("fails the directory when the read again does not add up either", async () => {
    const t = fakeTenant(250);
    const lying = async (s: number, count: number, sig: AbortSignal) => ({
      ...(await t.fetch(s, count, sig)),
      totalResults: 200,
    });
    const pages = new UserPages(lying, () => {});
    await expect(pages.complete(signal())).rejects.toThrow(
      "GET /scim/v2/Users for the role and licence directory did not add up, also when read again from the start",
    );
    expect(pages.isComplete).toBe(false);
  });

  it("asks for the empty page that confirms the end of a full last page", async () => {
    const t = fakeTenant(200);
    const { pages } = walkOf(t);
    await pages.complete(signal());
    expect(t.calls).toEqual([1, 101, 201]);
  });
});
