// Group membership paging costs: a group of 99 members is one call, 101 is two, an empty group
// one, and exactly 100 is two (the listing check confirms the end of a full page with an empty
// one); and the fallback to inline members when the membership endpoints are absent.
import { create } from "@bufbuild/protobuf";
import { afterEach, describe, expect, it } from "vitest";
import { ResourceSchema } from "../gen/c1/connector/v2/resource_pb.js";
import { caller, getToken } from "../simulator/harness.js";
import type { Simulator } from "../simulator/index.js";
import {
  apiCallsSince,
  callsSince,
  closeAll,
  connectTo,
  plainCtx,
  startSim,
  syncCtx,
  walk,
} from "./test-support/sim-connector.js";

afterEach(closeAll);

async function groupWith(sim: Simulator, name: string, memberIds: string[]): Promise<string> {
  const call = caller(sim, await getToken(sim));
  const res = await call("POST", "/scim/v2/Groups", {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
    displayName: name,
    members: memberIds.map((value) => ({ value })),
  });
  expect(res.status).toBe(201);
  return (res.body as { id: string }).id;
}

const groupResource = (id: string, name: string) =>
  create(ResourceSchema, { id: { resourceType: "group", resource: id }, displayName: name });

describe("group member grants", () => {
  it("costs one membership call for 99 members, two for 100 or 101, one for none", async () => {
    const sim = await startSim({ users: 150, groups: 2, seed: 3 });
    const ids = sim.state.users().map((u) => u.id as string);
    const cases = [
      { name: "Exactly 99", members: ids.slice(0, 99), calls: 1 },
      { name: "Exactly 100", members: ids.slice(0, 100), calls: 2 },
      { name: "Exactly 101", members: ids.slice(0, 101), calls: 2 },
      { name: "Nobody", members: [], calls: 1 },
    ];
    const h = connectTo(sim);
    for (const c of cases) {
      const id = await groupWith(sim, c.name, c.members);
      const before = sim.state.calls();
      const { items, pages } = await walk((p) =>
        h.syncer("group").grants(groupResource(id, c.name), p, syncCtx()),
      );
      expect(items.map((g) => g.principal?.id?.resource)).toEqual(c.members);
      expect(pages).toBe(c.calls);
      expect(callsSince(sim, before).get("GET /scim/v2/Groups/{id}/Users")).toBe(c.calls);
      expect(apiCallsSince(sim, before)).toBe(c.calls);
    }
  });

  it("falls back to inline members when the membership endpoints are absent, with one 404 in all", async () => {
    const sim = await startSim({ users: 120, groups: 8, seed: 5, membershipEndpoints: false });
    const h = connectTo(sim);
    const ctx = syncCtx();
    const groups = (await walk((p) => h.syncer("group").list(undefined, p, ctx))).items;
    const before = sim.state.calls();
    for (const g of groups) {
      const { items } = await walk((p) => h.syncer("group").grants(g, p, ctx));
      const expected = sim.state.groupMemberIds(g.id?.resource ?? "") ?? [];
      expect(items.map((x) => x.principal?.id?.resource).sort()).toEqual([...expected].sort());
    }
    const calls = callsSince(sim, before);
    expect(calls.get("GET /scim/v2/Groups/{id}/Users")).toBe(1);
    // One GET per group: the GET that confirmed the first group exists also served its members.
    expect(calls.get("GET /scim/v2/Groups/{id}")).toBe(groups.length);
    // The choice is logged once, at info; the one warning about inline lists comes at the end.
    const chosen = h.logger.entries.filter((e) => e.message.startsWith("Seismic group members"));
    expect(chosen.map((e) => [e.level, e.fields])).toEqual([
      ["info", expect.objectContaining({ variant: "groupMembers", chosen: "inline-members" })],
    ]);
    expect(h.logger.warnings()).toEqual([]);
    await h.connector.cleanup?.(ctx);
    expect(h.logger.warnings().map((w) => w.fields)).toEqual([
      expect.objectContaining({ groups: groups.length, chosen: "inline-members" }),
    ]);

    // Provisioning uses the group's members too, and still writes one membership.
    const group =
      groups.find((g) => (sim.state.groupMemberIds(g.id?.resource ?? "") ?? []).length === 0) ??
      groups[0];
    const gid = group?.id?.resource ?? "";
    const outsider = sim.state
      .users()
      .map((u) => u.id as string)
      .find((u) => !(sim.state.groupMemberIds(gid) ?? []).includes(u)) as string;
    const principal = create(ResourceSchema, { id: { resourceType: "user", resource: outsider } });
    const ents = await h.syncer("group").entitlements(group as never, { token: "", size: 0 }, ctx);
    const entitlement = ents.items[0];
    if (!entitlement) throw new Error("no entitlement");
    await h.syncer("group").grant?.(principal, entitlement, plainCtx());
    expect(sim.state.groupMemberIds(gid)).toContain(outsider);
    await h.syncer("group").revoke?.({ principal, entitlement } as never, plainCtx());
    expect(sim.state.groupMemberIds(gid)).not.toContain(outsider);
  });

  it("answers NotFound for the grants of a group that does not exist", async () => {
    const sim = await startSim({ users: 5, groups: 1 });
    const h = connectTo(sim);
    const missing = groupResource("00000000-0000-4000-8000-000000000000", "Gone");
    await expect(
      h.syncer("group").grants(missing, { token: "", size: 0 }, syncCtx()),
    ).rejects.toMatchObject({ code: 5 });
    // A missing group is not a missing endpoint.
    const real = sim.state.groups()[0] as { id: string; displayName: string };
    const before = sim.state.calls();
    await h
      .syncer("group")
      .grants(groupResource(real.id, real.displayName), { token: "", size: 0 }, syncCtx());
    expect(callsSince(sim, before).get("GET /scim/v2/Groups/{id}/Users")).toBe(1);
  });
});
