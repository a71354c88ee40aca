// Tests of the simulator's paging lies over HTTP: each lie as configured, only on the listings
// named, and only during the first reads when `reads` says so.
import { afterEach, describe, expect, it } from "vitest";
import { caller, getToken, type ListBody } from "./harness.js";
import { type ListingLies, type Simulator, startSimulator } from "./index.js";

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function lying(lies: ListingLies) {
  sim = await startSimulator({
    users: 250,
    groups: 3,
    seed: 4,
    rateLimit: false,
    listingLies: lies,
  });
  const call = caller(sim, await getToken(sim));
  const page = async (path: string, startIndex: number, count = 100) => {
    const sep = path.includes("?") ? "&" : "?";
    const r = await call("GET", `${path}${sep}startIndex=${startIndex}&count=${count}`);
    expect(r.status).toBe(200);
    return r.body as ListBody;
  };
  const ids = (b: ListBody) => (b.Resources ?? []).map((r) => r.id as string);
  const all = (sim.state.users() as { id: string }[]).map((u) => u.id);
  return { sim, page, ids, all };
}

describe("listing lies", () => {
  it("reports a low totalResults while serving every item", async () => {
    const { page, ids, all } = await lying({ totalResultsFactor: 0.5, on: ["users"] });
    const p3 = await page("/scim/v2/Users", 201);
    expect(p3.totalResults).toBe(125);
    expect(ids(p3)).toEqual(all.slice(200, 250));
    // Groups are not named: honest.
    const groups = await page("/scim/v2/Groups", 1);
    expect(groups.totalResults).toBe(3);
  });

  it("leaves Resources out of the page at one startIndex", async () => {
    const { page, ids, all } = await lying({ noResourcesAt: 101 });
    const p2 = await page("/scim/v2/Users", 101);
    expect(p2.totalResults).toBe(250);
    expect("Resources" in p2).toBe(false);
    expect(ids(await page("/scim/v2/Users", 201))).toEqual(all.slice(200, 250));
  });

  it("starts later pages early, repeating ids and skipping as many", async () => {
    const { page, ids, all } = await lying({ duplicatesAcrossPages: 10 });
    const p2 = await page("/scim/v2/Users", 101);
    expect(p2.startIndex).toBe(101);
    expect(ids(p2)).toEqual(all.slice(90, 190));
    expect(ids(await page("/scim/v2/Users", 1))).toEqual(all.slice(0, 100));
  });

  it("ignores startIndex, with a made-up totalResults", async () => {
    const { page, ids, all } = await lying({ ignoreStartIndex: true, totalResults: 1_000_000 });
    const p5 = await page("/scim/v2/Users", 401);
    expect(p5.totalResults).toBe(1_000_000);
    expect(p5.startIndex).toBe(1);
    expect(ids(p5)).toEqual(all.slice(0, 100));
  });

  it("lies about group members per group, and only during the first read of each", async () => {
    const { sim, page } = await lying({ totalResultsFactor: 0.5, on: ["members"], reads: 1 });
    const group = (sim.state.groups() as { id: string }[]).find(
      (g) => (sim.state.groupMemberIds(g.id)?.length ?? 0) > 1,
    ) as { id: string };
    const size = sim.state.groupMemberIds(group.id)?.length ?? 0;
    const path = `/scim/v2/Groups/${group.id}/Users`;
    expect((await page(path, 1)).totalResults).toBe(Math.floor(size / 2));
    expect((await page(path, 101)).totalResults).toBe(Math.floor(size / 2));
    // A second read (startIndex 1 again) is honest, and so are its later pages.
    expect((await page(path, 1)).totalResults).toBe(size);
    expect((await page(path, 101)).totalResults).toBe(size);
  });

  it("refuses impossible lies", async () => {
    await expect(
      startSimulator({ listingLies: { totalResultsFactor: 2, on: ["roles" as never] } }),
    ).rejects.toThrow(
      "Invalid simulator options: listingLies.totalResultsFactor must be within 0..1; listingLies.on must name listings among users, groups, members",
    );
  });
});
