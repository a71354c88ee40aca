import { afterEach, describe, expect, it } from "vitest";
import { nextStartIndex } from "./pagination.js";
import { closeAll, listResponse, scimUser, startHarness } from "./test-support/harness.js";

afterEach(closeAll);

function users(from: number, n: number) {
  return Array.from({ length: n }, (_, i) => scimUser(`u${from + i}`));
}

describe("nextStartIndex", () => {
  it("advances by the items returned and stops past totalResults or on an empty page", () => {
    expect(nextStartIndex(1, { totalResults: 250, Resources: new Array(100) })).toBe(101);
    expect(nextStartIndex(201, { totalResults: 250, Resources: new Array(50) })).toBeUndefined();
    expect(nextStartIndex(1, { totalResults: 250, Resources: new Array(10) })).toBe(11);
    expect(nextStartIndex(11, { totalResults: 250, Resources: [] })).toBeUndefined();
  });
});

describe("iterators", () => {
  it("pages with count=100 and ignores a lying itemsPerPage", async () => {
    const { fake, client } = await startHarness();
    const all = users(1, 230);
    fake.apiHandler = (r) => {
      const start = Number(r.query.get("startIndex"));
      const count = Number(r.query.get("count"));
      // Seismic-style server that caps pages at 40 and claims itemsPerPage = 100.
      const page = all.slice(start - 1, start - 1 + Math.min(count, 40));
      return { json: listResponse(page, all.length, start, 100) };
    };
    const ids: string[] = [];
    for await (const user of client.iterateUsers()) ids.push(user.id);
    expect(ids).toEqual(all.map((u) => u.id));
    expect(fake.apiRequests.map((r) => r.query.get("startIndex"))).toEqual([
      "1",
      "41",
      "81",
      "121",
      "161",
      "201",
    ]);
    // Pages expected to be the last ask for one more than should remain (70 + 1, 30 + 1).
    expect(fake.apiRequests.map((r) => r.query.get("count"))).toEqual([
      "100",
      "100",
      "100",
      "100",
      "71",
      "31",
    ]);
  });

  it("reads a listing again when totalResults shrinks, and yields each item once", async () => {
    const { fake, client, logger } = await startHarness();
    let reads = 0;
    fake.apiHandler = (r) => {
      const start = Number(r.query.get("startIndex"));
      if (start === 1) reads++;
      // First read: 300 members, then only 150 (someone left); the second read is stable.
      if (reads === 1 && start === 1) return { json: listResponse(users(1, 100), 300) };
      if (reads === 1) return { json: listResponse(users(101, 50), 150, start) };
      const all = users(1, 150);
      return { json: listResponse(all.slice(start - 1, start + 99), 150, start) };
    };
    const ids: string[] = [];
    for await (const group of client.iterateGroupMembers("g1")) ids.push(group.id);
    expect(ids).toEqual(users(1, 150).map((u) => u.id));
    expect(fake.apiRequests.map((r) => r.query.get("startIndex"))).toEqual([
      "1",
      "101",
      "1",
      "101",
    ]);
    expect(fake.apiRequests[0]?.path).toBe("/scim/v2/Groups/g1/Users");
    expect(
      logger.calls.find((e) => e.message === "listing did not add up; reading it again"),
    ).toMatchObject({
      fields: {
        endpoint: "GET /scim/v2/Groups/{groupId}/Users",
        reason: "totalResults fell from 300 to 150 between pages",
      },
    });
  });

  it("fails when an empty page comes before totalResults, also when read again", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = (r) =>
      r.query.get("startIndex") === "1"
        ? { json: listResponse(users(1, 100), 500) }
        : { json: listResponse([], 500) };
    const ids: string[] = [];
    const failure = await (async () => {
      for await (const user of client.iterateUsers()) ids.push(user.id);
    })().catch((e: unknown) => e);
    expect(failure).toMatchObject({
      code: "inconsistent_listing",
      message: expect.stringMatching(
        /^GET \/scim\/v2\/Users did not add up, also when read again from the start: the page at startIndex 101 is empty although totalResults is 500\./,
      ),
    });
    // Yielded once, not twice: the second read only re-checks them.
    expect(ids).toHaveLength(100);
    expect(fake.apiRequests).toHaveLength(4);
  });

  it("handles an empty listing without Resources", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = () => ({ json: { totalResults: 0 } });
    const ids: string[] = [];
    for await (const g of client.iterateUserGroups("u1")) ids.push(g.id);
    expect(ids).toEqual([]);
    expect(fake.apiRequests).toHaveLength(1);
  });

  it("passes the filter on every page", async () => {
    const { fake, client } = await startHarness();
    fake.apiHandler = (r) =>
      r.query.get("startIndex") === "1"
        ? { json: listResponse([{ id: "g1", displayName: "A" }], 2) }
        : { json: listResponse([{ id: "g2", displayName: "B" }], 2, 2) };
    const names: string[] = [];
    for await (const g of client.iterateGroups({ filter: 'displayName co "A"' })) {
      names.push(g.displayName);
    }
    expect(names).toEqual(["A", "B"]);
    expect(fake.apiRequests.map((r) => r.query.get("filter"))).toEqual([
      'displayName co "A"',
      'displayName co "A"',
    ]);
  });
});
