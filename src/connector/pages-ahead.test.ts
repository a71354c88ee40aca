import { describe, expect, it } from "vitest";
import type { ScimListResponse } from "../seismic/index.js";
import { PagesAhead } from "./pages-ahead.js";
import type { ReadAhead } from "./user-pages.js";

type Item = { id: string };
type Page = ScimListResponse<Item>;

function listing(total: number, startIndex: number, count: number, short = false): Page {
  const n = Math.max(0, Math.min(count, total - startIndex + 1) - (short ? 1 : 0));
  return {
    schemas: [],
    totalResults: total,
    startIndex,
    itemsPerPage: n,
    Resources: Array.from({ length: n }, (_, i) => ({ id: `u${startIndex + i}` })),
  };
}

/** A fetch whose answers the test releases, recording every call. */
function controlledFetch() {
  const calls: { startIndex: number; count: number; signal: AbortSignal; ahead: ReadAhead }[] = [];
  const answers = new Map<number, { resolve: (p: Page) => void; reject: (e: unknown) => void }>();
  const fetch = (startIndex: number, count: number, signal: AbortSignal, ahead: ReadAhead) => {
    calls.push({ startIndex, count, signal, ahead });
    return new Promise<Page>((resolve, reject) => answers.set(startIndex, { resolve, reject }));
  };
  return { calls, answers, fetch };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("PagesAhead", () => {
  it("fetches the pages the checked listing will ask for, as prefetches, and hands them over", async () => {
    const ahead = new PagesAhead<Item>(100);
    const f = controlledFetch();
    const seen: number[] = [];
    ahead.plan("groups", listing(250, 1, 100), f.fetch, (p) => seen.push(p.startIndex ?? 0));
    // The last page asks one more than should remain (listing-integrity.ts).
    expect(f.calls.map((c) => [c.startIndex, c.count])).toEqual([
      [101, 100],
      [201, 51],
    ]);
    expect(f.calls.every((c) => c.ahead.prefetch && !c.ahead.promote.aborted)).toBe(true);
    // Answered out of order: the pages still reach onPage in listing order.
    f.answers.get(201)?.resolve(listing(250, 201, 51));
    await tick();
    expect(seen).toEqual([]);
    f.answers.get(101)?.resolve(listing(250, 101, 100));
    await tick();
    expect(seen).toEqual([101, 201]);
    let fetchedNow = 0;
    const now = () => {
      fetchedNow++;
      return Promise.resolve(listing(250, 0, 0));
    };
    expect((await ahead.take("groups", 101, 100, now)).Resources[0]?.id).toBe("u101");
    expect(f.calls[0]?.ahead.promote.aborted).toBe(true);
    expect((await ahead.take("groups", 201, 51, now)).Resources).toHaveLength(50);
    expect(fetchedNow).toBe(0);
    // Taken once: asked again, the page is fetched again.
    await ahead.take("groups", 101, 100, now);
    expect(fetchedNow).toBe(1);
  });

  it("plans the page that confirms the end after a full last page, and nothing after a short first page", () => {
    const ahead = new PagesAhead<Item>(100);
    const f = controlledFetch();
    ahead.plan("a", listing(200, 1, 100), f.fetch);
    expect(f.calls.map((c) => [c.startIndex, c.count])).toEqual([
      [101, 100],
      [201, 100],
    ]);
    ahead.plan("b", listing(40, 1, 100), f.fetch);
    ahead.plan("c", listing(0, 1, 100), f.fetch);
    expect(f.calls).toHaveLength(2);
  });

  it("plans a listing once: read again from the start, it fetches its pages itself", () => {
    const ahead = new PagesAhead<Item>(100);
    const f = controlledFetch();
    ahead.plan("a", listing(150, 1, 100), f.fetch);
    ahead.plan("a", listing(150, 1, 100), f.fetch);
    expect(f.calls).toHaveLength(1);
  });

  it("fetches a page again when its read-ahead failed or asked another count", async () => {
    const ahead = new PagesAhead<Item>(100);
    const f = controlledFetch();
    ahead.plan("a", listing(350, 1, 100), f.fetch);
    f.answers.get(101)?.reject(new Error("HTTP 503"));
    const again = listing(350, 101, 100);
    expect(await ahead.take("a", 101, 100, () => Promise.resolve(again))).toBe(again);
    const other = listing(350, 201, 50);
    expect(await ahead.take("a", 201, 50, () => Promise.resolve(other))).toBe(other);
  });

  it("cancels the pages after one that came back short: they are not on the listing's grid", async () => {
    const ahead = new PagesAhead<Item>(100);
    const f = controlledFetch();
    const seen: number[] = [];
    ahead.plan("a", listing(400, 1, 100), f.fetch, (p) => seen.push(p.startIndex ?? 0));
    f.answers.get(101)?.resolve(listing(400, 101, 100, true));
    await tick();
    expect(seen).toEqual([101]);
    expect(f.calls.map((c) => c.signal.aborted)).toEqual([true, true, true, true]);
  });

  it("stops its fetches when closed", () => {
    const ahead = new PagesAhead<Item>(100);
    const f = controlledFetch();
    ahead.plan("a", listing(300, 1, 100), f.fetch);
    ahead.close();
    expect(f.calls.every((c) => c.signal.aborted)).toBe(true);
    ahead.plan("b", listing(300, 1, 100), f.fetch);
    expect(f.calls).toHaveLength(3);
  });
});
