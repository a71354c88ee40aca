import { describe, expect, it } from "vitest";
import { ListingCheck, ListingFault, listingError, type PageFacts } from "./listing-integrity.js";

const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => `id-${from + i}`);

/** A server page over `all` at (startIndex, count), with `total` as its totalResults. */
function serve(all: readonly string[], startIndex: number, count: number, total = all.length) {
  const facts: PageFacts = {
    startIndex,
    count,
    totalResults: total,
    ids: all.slice(startIndex - 1, startIndex - 1 + count),
    resourcesAbsent: false,
  };
  return facts;
}

/** Pages through `all` with the check; returns the requests made or the fault. */
function read(
  all: readonly string[],
  total = all.length,
  tweak: (p: PageFacts) => PageFacts = (p) => p,
): { requests: [number, number][]; fault?: string } {
  const check = new ListingCheck();
  const requests: [number, number][] = [];
  let s: number | undefined = 1;
  try {
    while (s !== undefined) {
      const count = check.countFor(s, 100);
      requests.push([s, count]);
      s = check.page(tweak(serve(all, s, count, total)));
      if (requests.length > 100) throw new Error("runaway");
    }
    return { requests };
  } catch (e) {
    if (!(e instanceof ListingFault)) throw e;
    return { requests, fault: e.message };
  }
}

describe("ListingCheck", () => {
  it("reads a consistent listing with the calls it needs and no more", () => {
    expect(read(ids(1, 250)).requests).toEqual([
      [1, 100],
      [101, 100],
      [201, 51],
    ]);
    expect(read(ids(1, 57)).requests).toEqual([[1, 100]]);
    expect(read([]).requests).toEqual([[1, 100]]);
    // An exact multiple of the page size costs one empty page to confirm the end.
    expect(read(ids(1, 200)).requests).toEqual([
      [1, 100],
      [101, 100],
      [201, 100],
    ]);
  });

  it("catches a low totalResults through the one extra item the last page asks for", () => {
    const r = read(ids(1, 400), 250);
    expect(r.requests.at(-1)).toEqual([201, 51]);
    expect(r.fault).toBe("the page at startIndex 201 holds 51 items, past totalResults 250");
  });

  it("catches a low totalResults on a page boundary with the confirming page", () => {
    const r = read(ids(1, 400), 200);
    expect(r.requests).toEqual([
      [1, 100],
      [101, 100],
      [201, 100],
    ]);
    expect(r.fault).toBe("the page at startIndex 201 holds 100 items, past totalResults 200");
  });

  it("catches a page without Resources and an empty page before the end", () => {
    const absent = read(ids(1, 400), 400, (p) =>
      p.startIndex === 201 ? { ...p, ids: [], resourcesAbsent: true } : p,
    );
    expect(absent.fault).toBe(
      "the page at startIndex 201 has no Resources although totalResults is 400",
    );
    const empty = read(ids(1, 400), 400, (p) => (p.startIndex === 101 ? { ...p, ids: [] } : p));
    expect(empty.fault).toBe("the page at startIndex 101 is empty although totalResults is 400");
  });

  it("accepts a missing Resources only when totalResults is 0", () => {
    const check = new ListingCheck();
    expect(
      check.page({ startIndex: 1, count: 100, totalResults: 0, ids: [], resourcesAbsent: true }),
    ).toBeUndefined();
    // The page confirming the end of a full last page must carry Resources too.
    const r = read(ids(1, 200), 200, (p) =>
      p.startIndex === 201 ? { ...p, resourcesAbsent: true } : p,
    );
    expect(r.fault).toBe(
      "the page at startIndex 201 has no Resources although totalResults is 200",
    );
  });

  it("catches ids repeated across pages, and a server that ignores startIndex", () => {
    const dup = read(ids(1, 300), 300, (p) =>
      p.startIndex === 101 ? { ...p, ids: ["id-5", ...p.ids.slice(1)] } : p,
    );
    expect(dup.fault).toBe("1 id(s) on the page at startIndex 101 were already listed (e.g. id-5)");
    const stuck = read(ids(1, 300), 1_000_000, (p) => ({ ...p, ids: ids(1, 100) }));
    expect(stuck.requests).toHaveLength(2);
    expect(stuck.fault).toBe(
      "the page at startIndex 101 repeats 100 ids already listed: the index did not advance",
    );
  });

  it("ends a listing whose pages keep coming past what totalResults allows", () => {
    let next = 0;
    const r = read(ids(1, 100), 150, (p) => ({
      ...p,
      totalResults: 150 + p.startIndex,
      ids: Array.from({ length: 10 }, () => `fresh-${next++}`),
    }));
    expect(r.fault).toMatch(/^the listing did not end after \d+ pages \(totalResults \d+\)$/);
    expect(r.requests.length).toBeLessThanOrEqual(2 * Math.ceil(151 / 10) + 11);
  });

  it("catches totalResults falling between pages and a short page before the end", () => {
    const fell = read(ids(1, 300), 300, (p) =>
      p.startIndex === 101 ? { ...p, totalResults: 299 } : p,
    );
    expect(fell.fault).toBe("totalResults fell from 300 to 299 between pages");
    const short = read(ids(1, 300), 300, (p) =>
      p.startIndex === 101 ? { ...p, ids: p.ids.slice(0, 60) } : p,
    );
    expect(short.fault).toBe(
      "the page at startIndex 101 holds 60 items, fewer than the 100 of earlier pages, before the end (totalResults 300)",
    );
  });

  it("accepts a server that caps its pages below the count asked for", () => {
    const check = new ListingCheck();
    const all = ids(1, 95);
    let s: number | undefined = 1;
    let pages = 0;
    while (s !== undefined) {
      const count = check.countFor(s, 100);
      s = check.page({ ...serve(all, s, Math.min(count, 40)), count });
      pages++;
    }
    expect(pages).toBe(3);
    expect(check.listed).toBe(95);
  });

  it("changes nothing on a failed page, and can take a repeated last page again", () => {
    const check = new ListingCheck();
    const all = ids(1, 300);
    expect(check.page(serve(all, 1, 100))).toBe(101);
    expect(() => check.page({ ...serve(all, 101, 100), ids: ids(1, 100) })).toThrow(ListingFault);
    expect(check.listed).toBe(100);
    expect(check.page(serve(all, 101, 100))).toBe(201);
    // The host lost the answer and asks for the page at 101 again.
    expect(check.rewindTo(101)).toBe(true);
    expect(check.page(serve(all, 101, 100))).toBe(201);
    expect(check.rewindTo(1)).toBe(false);
    expect(check.page(serve(all, 201, check.countFor(201, 100)))).toBe(301);
    expect(check.page(serve(all, 301, check.countFor(301, 100)))).toBeUndefined();
    expect(check.listed).toBe(300);
  });

  it("takes over in the middle of a listing, trusting the number listed before", () => {
    const check = new ListingCheck(201);
    expect(check.complete).toBe(false);
    expect(check.page(serve(ids(1, 250), 201, 100))).toBeUndefined();
    expect(check.listed).toBe(250);
  });
});

describe("listingError", () => {
  it("is one line naming the endpoint, the listing and what did not add up", () => {
    const e = listingError(
      "GET /scim/v2/Groups/{groupId}/Users",
      new ListingFault("900 distinct ids were listed but totalResults is 1200"),
      "group g1",
    );
    expect(e.code).toBe("inconsistent_listing");
    expect(e.endpoint).toBe("GET /scim/v2/Groups/{groupId}/Users");
    expect(e.message).not.toContain("\n");
    expect(e.message).toMatch(
      /^GET \/scim\/v2\/Groups\/\{groupId\}\/Users for group g1 did not add up, also when read again from the start: 900 distinct ids were listed but totalResults is 1200\./,
    );
  });
});
