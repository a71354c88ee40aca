// The user directory: the compact index of every user's roles and licence, filled by the sync's
// one walk of /Users (user-pages.test.ts covers the walk itself).
import { afterEach, describe, expect, it } from "vitest";
import type { ScimListResponse, ScimUser } from "../seismic/index.js";
import {
  apiCallsSince,
  callsSince,
  closeAll,
  connectTo,
  startSim,
  syncCtx,
  walk,
} from "./test-support/sim-connector.js";
import { UserDirectory } from "./user-directory.js";

afterEach(closeAll);

const u = (id: string, roles: string[] = [], userType?: string) =>
  ({
    id,
    userName: `${id}@x`,
    active: true,
    emails: [],
    roles: roles.map((value) => ({ value })),
    userType,
  }) as unknown as ScimUser;

function fakeTenant(users: ScimUser[]) {
  const calls: number[] = [];
  const fetch = async (startIndex: number, count: number): Promise<ScimListResponse<ScimUser>> => {
    calls.push(startIndex);
    const Resources = users.slice(startIndex - 1, startIndex - 1 + count);
    return { totalResults: users.length, itemsPerPage: Resources.length, startIndex, Resources };
  };
  return { calls, fetch };
}

const signal = () => new AbortController().signal;

describe("UserDirectory", () => {
  const people = [
    u("b", ["Learner", "Premium"]),
    u("a", ["Learner"], "Business"),
    u("c", [], "NonSeismic"),
  ];

  it("completes from the user listing's pages without a call of its own", async () => {
    const t = fakeTenant(people);
    const d = new UserDirectory(t.fetch, { readAhead: 1 });
    expect(d.isComplete).toBe(false);
    await d.listingPage(1, 2, signal());
    await d.listingPage(3, 2, signal());
    await d.complete(signal());
    expect(t.calls).toEqual([1, 3]);
    expect(d.roleHolders("Learner")).toEqual(["a", "b"]);
    expect(d.licenceHolders("Premium")).toEqual(["b"]);
    expect(d.licenceHolders("Business")).toEqual(["a"]);
    expect(d.roleValues()).toEqual(["Learner"]);
    expect(d.canonicalId("A")).toBe("a");
  });

  it("matches ids of any case, duplicated roles count once, and updates move a user between profiles", async () => {
    const mixed = "D470B594-296c-458c-8191-79A8A93AE0AE";
    const d = new UserDirectory(
      fakeTenant([u(mixed, ["Learner", "Learner", "Premium"]), u("e", ["Learner"])]).fetch,
    );
    await d.complete(signal());
    expect(d.canonicalId(mixed.toLowerCase())).toBe(mixed);
    expect(d.canonicalId(mixed.toUpperCase())).toBe(mixed);
    expect(d.canonicalId("E")).toBe("e");
    expect(d.canonicalId("nobody")).toBeUndefined();
    expect(d.roleHolders("Learner")).toEqual([mixed, "e"]);
    expect(d.licenceHolders("Premium")).toEqual([mixed]);
    d.update("e", { userType: "Premium", roles: ["Publisher"] });
    expect(d.roleHolders("Learner")).toEqual([mixed]);
    expect(d.roleHolders("Publisher")).toEqual(["e"]);
    expect(d.licenceHolders("Premium")).toEqual([mixed, "e"]);
    d.update(mixed, undefined);
    expect(d.canonicalId(mixed)).toBeUndefined();
    expect(d.licenceHolders("Premium")).toEqual(["e"]);
  });

  it("stops waiting when the caller cancels", async () => {
    const never = () => new Promise<never>(() => {});
    const d = new UserDirectory(never);
    const ac = new AbortController();
    const waiting = d.complete(ac.signal);
    ac.abort(new Error("cancelled"));
    await expect(waiting).rejects.toThrow("cancelled");
  });
});

describe("a host that asks for roles before users", () => {
  it("gets the same roles from the directory's own walk, and the user listing then costs no extra call", async () => {
    const sim = await startSim({ users: 120, groups: 2, seed: 21 });
    const h = connectTo(sim);
    const ctx = syncCtx("roles-first");
    const before = sim.state.calls();
    const roles = await walk((p) => h.syncer("role").list(undefined, p, ctx));
    expect(roles.items.map((r) => r.displayName)).toContain("Field Sales: EMEA");
    expect(callsSince(sim, before).get("GET /scim/v2/Users")).toBe(2);
    const mid = sim.state.calls();
    await walk((p) =>
      h
        .syncer("license")
        .grants({ id: { resourceType: "license", resource: "Premium" } } as never, p, ctx),
    );
    expect(apiCallsSince(sim, mid)).toBe(0);
    // The user listing that comes afterwards reads the pages the walk kept: no call at all.
    const users = await walk((p) => h.syncer("user").list(undefined, p, ctx));
    expect(users.items.map((r) => r.id?.resource)).toEqual(sim.state.users().map((x) => x.id));
    expect(apiCallsSince(sim, mid)).toBe(0);
    // Cleanup drops the directory: the next sync without a listing walks again.
    await h.connector.cleanup?.(ctx);
    const after = sim.state.calls();
    await walk((p) => h.syncer("role").list(undefined, p, ctx));
    expect(callsSince(sim, after).get("GET /scim/v2/Users")).toBe(2);
  });
});
