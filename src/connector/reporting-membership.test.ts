// `--seismic-membership-source reporting`: group members from Reporting's groupMembers table in
// one call, with exactly the rows of the SCIM source; groups changed since Reporting's last
// refresh (a grant made through the connector) are read from SCIM, so that grant is never missing;
// without the Reporting scope every group is read from SCIM.
import { create } from "@bufbuild/protobuf";
import { afterEach, describe, expect, it } from "vitest";
import { ResourceIdSchema } from "../gen/c1/connector/v2/resource_pb.js";
import type { Simulator } from "../simulator/index.js";
import {
  apiCallsSince,
  callsSince,
  closeAll,
  connectTo,
  plainCtx,
  startSim,
  syncedIds,
} from "./test-support/sim-connector.js";

afterEach(closeAll);

const TENANT = { users: 300, groups: 14, seed: 7 };
const MEMBERS = "GET /scim/v2/Groups/{id}/Users";
const TABLE = "GET /reporting/v2/groupMembers";

/** Member pages the SCIM source needs: one per 100 members, at least one per group. */
/** Member pages of a checked listing: a full last page is followed by an empty one. */
function memberPages(sim: Simulator): number {
  return sim.state.groups().reduce((n, g) => {
    const members = (sim.state.groupMemberIds(g.id as string) ?? []).length;
    return n + Math.floor(members / 100) + 1;
  }, 0);
}

describe("group members from Reporting", () => {
  it("stores exactly the rows of the SCIM source, with one Reporting call and no member page", async () => {
    const sim = await startSim(TENANT);
    const scim = await syncedIds(connectTo(sim).connector);
    expect(callsSince(sim, new Map()).get(MEMBERS)).toBe(memberPages(sim));
    const scimCalls = apiCallsSince(sim, new Map());

    const before = sim.state.calls();
    const reporting = await syncedIds(connectTo(sim, { membershipSource: "reporting" }).connector);
    expect(reporting).toEqual(scim);
    const calls = callsSince(sim, before);
    expect(calls.get(TABLE)).toBe(1);
    expect(calls.get(MEMBERS)).toBeUndefined();
    expect(apiCallsSince(sim, before)).toBe(scimCalls - memberPages(sim) + 1);
    expect(
      sim.state.groups().some((g) => sim.state.groupMemberIds(g.id as string)?.length === 0),
    ).toBe(true);
  });

  it("reads a group changed since the last refresh from SCIM, so a grant just made is stored", async () => {
    const sim = await startSim(TENANT);
    const h = connectTo(sim, { membershipSource: "reporting", deleteMode: "delete" });
    // An empty group gains a member through the connector; Reporting has not refreshed since.
    const group = sim.state
      .groups()
      .find((g) => sim.state.groupMemberIds(g.id as string)?.length === 0);
    const groupId = group?.id as string;
    const userId = sim.state.users()[5]?.id as string;
    const groups = h.syncer("group");
    const groupRow = await groups.get?.(
      create(ResourceIdSchema, { resourceType: "group", resource: groupId }),
      undefined,
      plainCtx(),
    );
    const userRow = await h
      .syncer("user")
      .get?.(
        create(ResourceIdSchema, { resourceType: "user", resource: userId }),
        undefined,
        plainCtx(),
      );
    const entitlement = (
      await groups.entitlements(groupRow as never, { token: "", size: 0 }, plainCtx())
    ).items[0];
    await groups.grant?.(userRow as never, entitlement as never, plainCtx());
    expect(sim.state.groupMemberIds(groupId)).toEqual([userId]);
    // A member deleted for good since the refresh is still in Reporting's table (and the
    // simulator, like a tenant may, leaves the group's lastModified as it was).
    const victim = sim.state.groupMemberIds(sim.state.groups()[0]?.id as string)?.[0] as string;
    await h
      .syncer("user")
      .delete?.(
        create(ResourceIdSchema, { resourceType: "user", resource: victim }),
        undefined,
        plainCtx(),
      );

    const before = sim.state.calls();
    const synced = await syncedIds(h.connector);
    expect(synced.grants).toContain(`group:${groupId}:member:user:${userId}`);
    expect(synced.grants.some((g) => g.endsWith(`:user:${victim}`))).toBe(false);
    // The changed group, and only it, cost a SCIM member page.
    expect(callsSince(sim, before).get(MEMBERS)).toBe(1);
    expect(callsSince(sim, before).get(TABLE)).toBe(1);
    expect(synced).toEqual(await syncedIds(connectTo(sim).connector));
  });

  it("reads every group from SCIM, with one warning, when the app lacks the Reporting scope", async () => {
    const sim = await startSim({
      ...TENANT,
      grantedScopes: ["seismic.user.view", "seismic.user.manage"],
    });
    // Without the Reporting scope platform roles cannot be synced: left out on purpose here.
    const h = connectTo(sim, { membershipSource: "reporting", skipPlatformRoles: true });
    const synced = await syncedIds(h.connector);
    expect(callsSince(sim, new Map()).get(MEMBERS)).toBe(memberPages(sim));
    expect(callsSince(sim, new Map()).get(TABLE)).toBeUndefined();
    expect(
      h.logger
        .warnings()
        .filter((w) => w.message.includes("--seismic-membership-source reporting")),
    ).toHaveLength(1);
    expect(synced.grants.filter((g) => g.startsWith("group:"))).toHaveLength(
      sim.state.membershipCount(),
    );
  });
});
