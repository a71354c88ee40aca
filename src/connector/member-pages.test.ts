// Read-ahead in the grants phase: the next groups' first member pages are fetched before the host
// asks, each once, whatever order it asks in, with at most `readAhead` pages waiting unclaimed.
import { describe, expect, it } from "vitest";
import type { ScimListResponse, ScimMemberUser } from "../seismic/index.js";
import { MemberPages } from "./member-pages.js";

function fakeTenant(failOnce?: string) {
  const calls: string[] = [];
  let failed = false;
  const fetch = async (groupId: string): Promise<ScimListResponse<ScimMemberUser>> => {
    calls.push(groupId);
    await new Promise((r) => setImmediate(r));
    if (groupId === failOnce && !failed) {
      failed = true;
      throw new Error(`${groupId} failed`);
    }
    return { totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [{ id: `${groupId}-m` }] };
  };
  return { calls, fetch };
}

const GROUPS = ["a", "b", "c", "d", "e", "f"];

describe("MemberPages", () => {
  it("fetches the next groups' first pages ahead, each once, in listing order", async () => {
    const t = fakeTenant();
    const m = new MemberPages(t.fetch, 2);
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
    const m = new MemberPages(t.fetch, 3);
    m.listed(GROUPS);
    for (const g of [...GROUPS].reverse()) await m.first(g, () => t.fetch(g));
    expect([...t.calls].sort()).toEqual(GROUPS);
  });

  it("fetches a failed read-ahead again when asked, so the caller gets its own answer", async () => {
    const t = fakeTenant("b");
    const m = new MemberPages(t.fetch, 1);
    m.listed(GROUPS.slice(0, 3));
    await m.first("a", () => t.fetch("a"));
    expect((await m.first("b", () => t.fetch("b"))).Resources[0]?.id).toBe("b-m");
    // c is read ahead while b is asked for; b's failed read-ahead is fetched again.
    expect(t.calls).toEqual(["a", "b", "c", "b"]);
  });

  it("reads ahead only once a member page came back (one 404 on a tenant without the endpoint)", async () => {
    const t = fakeTenant("a");
    const m = new MemberPages(t.fetch, 3);
    m.listed(GROUPS);
    await expect(m.first("a", () => t.fetch("a"))).rejects.toThrow("a failed");
    expect(t.calls).toEqual(["a"]);
  });

  it("reads nothing ahead once disabled", async () => {
    const t = fakeTenant();
    const m = new MemberPages(t.fetch, 2);
    m.listed(GROUPS);
    m.disable();
    await m.first("a", () => t.fetch("a"));
    expect(t.calls).toEqual(["a"]);
  });
});
