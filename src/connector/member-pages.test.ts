// Read-ahead in the grants phase: the next groups' first member pages are fetched before the host
// asks, each once, whatever order it asks in, with at most `readAhead` pages waiting unclaimed.
import { describe, expect, it } from "vitest";
import type { ScimListResponse, ScimMemberUser } from "../seismic/index.js";
import { MemberPages } from "./member-pages.js";
import type { ReadAhead } from "./user-pages.js";

function fakeTenant(failOnce?: string) {
  const calls: string[] = [];
  const prefetched: string[] = [];
  const promoted: string[] = [];
  let failed = false;
  const fetch = async (
    groupId: string,
    _signal?: AbortSignal,
    ahead?: ReadAhead,
  ): Promise<ScimListResponse<ScimMemberUser>> => {
    calls.push(groupId);
    if (ahead?.prefetch) prefetched.push(groupId);
    ahead?.promote.addEventListener("abort", () => promoted.push(groupId));
    await new Promise((r) => setImmediate(r));
    if (groupId === failOnce && !failed) {
      failed = true;
      throw new Error(`${groupId} failed`);
    }
    return { totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [{ id: `${groupId}-m` }] };
  };
  return { calls, prefetched, promoted, fetch };
}

const GROUPS = ["a", "b", "c", "d", "e", "f"];

describe("MemberPages", () => {
  it("fetches the next groups' first pages ahead, each once, in listing order", async () => {
    const t = fakeTenant();
    const m = new MemberPages(t.fetch, { readAhead: 2 });
    m.listed(GROUPS.slice(0, 3));
    m.listed(GROUPS.slice(3));
    const got: string[] = [];
    for (const g of GROUPS) {
      const page = await m.first(g, () => t.fetch(g));
      got.push(page.Resources[0]?.id ?? "");
      // Never more than 2 fetched and waiting.
      expect(t.calls.length - got.length).toBeLessThanOrEqual(2);
    }
    expect(got).toEqual(GROUPS.map((g) => `${g}-m`));
    expect(t.calls).toEqual(GROUPS);
  });

  it("fetches no group twice when the host asks in reverse order", async () => {
    const t = fakeTenant();
    const m = new MemberPages(t.fetch, { readAhead: 3 });
    m.listed(GROUPS);
    for (const g of [...GROUPS].reverse()) await m.first(g, () => t.fetch(g));
    expect([...t.calls].sort()).toEqual(GROUPS);
  });

  it("fetches a failed read-ahead again when asked, so the caller gets its own answer", async () => {
    const t = fakeTenant("b");
    const m = new MemberPages(t.fetch, { readAhead: 1 });
    m.listed(GROUPS.slice(0, 3));
    await m.first("a", () => t.fetch("a"));
    expect((await m.first("b", () => t.fetch("b"))).Resources[0]?.id).toBe("b-m");
    // c is read ahead while b is asked for; b's failed read-ahead is fetched again.
    expect(t.calls).toEqual(["a", "b", "c", "b"]);
  });

  it("reads ahead only once a member page came back (one 404 on a tenant without the endpoint)", async () => {
    const t = fakeTenant("a");
    const m = new MemberPages(t.fetch, { readAhead: 3 });
    m.listed(GROUPS);
    await expect(m.first("a", () => t.fetch("a"))).rejects.toThrow("a failed");
    expect(t.calls).toEqual(["a"]);
  });

  it("reads nothing ahead once disabled", async () => {
    const t = fakeTenant();
    const m = new MemberPages(t.fetch, { readAhead: 2 });
    m.listed(GROUPS);
    m.disable();
    await m.first("a", () => t.fetch("a"));
    expect(t.calls).toEqual(["a"]);
  });

  it("under a rate limit, fetches every listed group's first page early as prefetches, after one probe", async () => {
    const t = fakeTenant();
    const m = new MemberPages(t.fetch, { readAhead: 2, speculate: true });
    m.listed(GROUPS.slice(0, 4));
    // One probe until a member page came back.
    expect(t.calls).toEqual(["a"]);
    await new Promise((r) => setTimeout(r, 10));
    m.listed(GROUPS.slice(4));
    expect(t.calls).toEqual(GROUPS);
    // The probe is an ordinary call; the rest are prefetches.
    expect(t.prefetched).toEqual(GROUPS.slice(1));
    // The host asks: its page is promoted to an ordinary call, and nothing is fetched twice.
    for (const g of [...GROUPS].reverse()) await m.first(g, () => t.fetch(g));
    expect(t.calls).toEqual(GROUPS);
    expect([...t.promoted].sort()).toEqual(GROUPS.slice(1));
  });

  it("stops speculating when the probe fails (a tenant without the endpoint costs one call)", async () => {
    const t = fakeTenant("a");
    const m = new MemberPages(t.fetch, { readAhead: 2, speculate: true });
    m.listed(GROUPS);
    await new Promise((r) => setTimeout(r, 10));
    expect(t.calls).toEqual(["a"]);
  });
});
