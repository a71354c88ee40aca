// The connector's checked page-token listings against a simulator that lies about paging: a lie
// that stops on the second read ends in exactly the tenant's rows; one that persists fails with
// one line naming the endpoint and what did not add up; a page asked for again and a listing
// resumed in a new process (no state) both end with every row.
import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import type { Resource } from "../gen/c1/connector/v2/resource_pb.js";
import type { ListingLies } from "../simulator/index.js";
import {
  apiCallsSince,
  closeAll,
  connectTo,
  startSim,
  syncCtx,
  walk,
} from "./test-support/sim-connector.js";

afterEach(closeAll);

const TENANT = { users: 250, groups: 4, seed: 6 } as const;

async function lyingTenant(lies: ListingLies) {
  const sim = await startSim({ ...TENANT, listingLies: lies });
  const h = connectTo(sim);
  const userIds = sim.state.users().map((u) => u.id as string);
  return { sim, h, userIds };
}

const ids = (items: Resource[]) => items.map((r) => r.id?.resource ?? "");

async function failure(p: Promise<unknown>): Promise<ConnectError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof ConnectError)) throw new Error(`expected a ConnectError, got ${String(e)}`);
  return e;
}

describe("checked listings", () => {
  it.each([
    ["a low totalResults", { totalResultsFactor: 0.5 }],
    ["a low totalResults on a page boundary", { totalResultsFactor: 0.8 }],
    ["a page without Resources", { noResourcesAt: 101 }],
    ["ids repeated across pages", { duplicatesAcrossPages: 7 }],
  ] satisfies [string, ListingLies][])(
    "reads users again after %s and lists every user",
    async (_, lie) => {
      const { h, userIds } = await lyingTenant({ ...lie, on: ["users"], reads: 1 });
      const { items } = await walk((p) => h.syncer("user").list(undefined, p, syncCtx()));
      // Pages of the first read may be returned again by the second (the host upserts them).
      expect(new Set(ids(items))).toEqual(new Set(userIds));
      const reread = h.logger
        .warnings()
        .filter((w) => w.message === "listing did not add up; reading it again from the start");
      expect(reread).toHaveLength(1);
      expect(reread[0]?.fields).toMatchObject({ endpoint: "GET /scim/v2/Users" });
    },
  );

  it.each([
    [
      "a low totalResults",
      { totalResultsFactor: 0.8 },
      "the page at startIndex 201 holds 50 items, past totalResults 200",
    ],
    [
      "a page without Resources",
      { noResourcesAt: 201 },
      "the page at startIndex 201 has no Resources although totalResults is 250",
    ],
    [
      "ids repeated across pages",
      { duplicatesAcrossPages: 7 },
      "7 id(s) on the page at startIndex 101 were already listed",
    ],
  ] satisfies [string, ListingLies, string][])(
    "fails the user listing with the reason when %s persists",
    async (_, lie, reason) => {
      const { h } = await lyingTenant({ ...lie, on: ["users"] });
      const e = await failure(walk((p) => h.syncer("user").list(undefined, p, syncCtx())));
      expect(e.code).toBe(Code.DataLoss);
      expect(e.rawMessage).toContain(
        `GET /scim/v2/Users did not add up, also when read again from the start: ${reason}`,
      );
      expect(e.rawMessage).not.toContain("\n");
    },
  );

  it("stops a server that ignores startIndex after two pages per read", async () => {
    const { sim, h } = await lyingTenant({ ignoreStartIndex: true, totalResults: 1_000_000 });
    const before = sim.state.calls();
    const e = await failure(walk((p) => h.syncer("group").list(undefined, p, syncCtx())));
    expect(e.rawMessage).toContain(
      "GET /scim/v2/Groups did not add up, also when read again from the start: the page at startIndex 5 repeats 4 ids already listed: the index did not advance",
    );
    expect(apiCallsSince(sim, before)).toBe(4);
  });

  it("names the group when its member listing does not add up", async () => {
    const { sim, h } = await lyingTenant({ totalResultsFactor: 0.5, on: ["members"] });
    const ctx = syncCtx();
    const groups = (await walk((p) => h.syncer("group").list(undefined, p, ctx))).items;
    const big = groups.find(
      (g) => (sim.state.groupMemberIds(g.id?.resource ?? "")?.length ?? 0) > 3,
    );
    if (!big) throw new Error("the seeded tenant has no group with members");
    const e = await failure(walk((p) => h.syncer("group").grants(big, p, ctx)));
    expect(e.rawMessage).toMatch(
      new RegExp(
        `^GET /scim/v2/Groups/\\{groupId\\}/Users for group ${big.id?.resource} did not add up, also when read again from the start: `,
      ),
    );
  });

  it("checks the role and licence directory's own scan of /Users too", async () => {
    const { h } = await lyingTenant({ totalResultsFactor: 0.8, on: ["users"] });
    // No user listing in this process: the role listing makes the directory scan /Users.
    const e = await failure(walk((p) => h.syncer("role").list(undefined, p, syncCtx())));
    expect(e.code).toBe(Code.DataLoss);
    expect(e.rawMessage).toContain(
      "GET /scim/v2/Users for the role and licence directory did not add up: the page at startIndex 201 holds 50 items, past totalResults 200.",
    );
  });

  it("answers a page asked for again, and a listing resumed without its state, with every row", async () => {
    const sim = await startSim(TENANT);
    const userIds = sim.state.users().map((u) => u.id as string);
    const first = connectTo(sim);
    const ctx = syncCtx("sync-7");
    const p1 = await first.syncer("user").list(undefined, { token: "", size: 0 }, ctx);
    const p2 = await first
      .syncer("user")
      .list(undefined, { token: p1.nextToken ?? "", size: 0 }, ctx);
    // The host lost the answer and asks again: the same page, no fault.
    const again = await first
      .syncer("user")
      .list(undefined, { token: p1.nextToken ?? "", size: 0 }, ctx);
    expect(ids(again.items)).toEqual(ids(p2.items));
    expect(again.nextToken).toBe(p2.nextToken);

    // A new process resumes at the third page: it reads the listing from the start.
    const second = connectTo(sim);
    const rest = await walk((p) =>
      second.syncer("user").list(undefined, { ...p, token: p.token || (p2.nextToken ?? "") }, ctx),
    );
    expect(ids(rest.items)).toEqual(userIds);
    expect(
      second.logger.entries.filter(
        (e) => e.message === "listing resumed without its state here; reading it from the start",
      ),
    ).toHaveLength(1);
    expect(second.logger.warnings()).toEqual([]);
  });
});
