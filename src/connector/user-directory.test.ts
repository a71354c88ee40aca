// The user directory: complete when the user listing covered every page contiguously in this
// process; otherwise it waits a grace period and scans /Users itself (once, shared by waiters).
import { afterEach, describe, expect, it } from "vitest";
import type { ScimListResponse, ScimUser } from "../seismic/index.js";
import { ManualTimers } from "./test-support/manual-timers.js";
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
  const fetch = async (startIndex: number): Promise<ScimListResponse<ScimUser>> => {
    calls.push(startIndex);
    const Resources = users.slice(startIndex - 1, startIndex - 1 + 2);
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

  it("completes from the user syncer's pages without a call of its own", async () => {
    const t = fakeTenant(people);
    const d = new UserDirectory(t.fetch, { graceMs: 10_000 });
    const waiting = d.complete(signal());
    d.recordPage(1, people.slice(0, 2), 3);
    d.recordPage(3, people.slice(2), undefined);
    await waiting;
    expect(t.calls).toEqual([]);
    expect(d.roleHolders("Learner")).toEqual(["a", "b"]);
    expect(d.licenceHolders("Premium")).toEqual(["b"]);
    expect(d.licenceHolders("Business")).toEqual(["a"]);
    expect(d.roleValues()).toEqual(["Learner"]);
    expect(d.canonicalId("A")).toBe("a");
  });

  it("matches ids of any case, duplicated roles count once, and updates move a user between profiles", async () => {
    const t = fakeTenant([]);
    const d = new UserDirectory(t.fetch);
    const mixed = "D470B594-296c-458c-8191-79A8A93AE0AE";
    d.recordPage(1, [u(mixed, ["Learner", "Learner", "Premium"]), u("e", ["Learner"])], undefined);
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

  it("does not count a listing resumed mid-way as complete, and scans once it stalls", async () => {
    const t = fakeTenant(people);
    const timers = new ManualTimers();
    const d = new UserDirectory(t.fetch, { graceMs: 1_000, stallMs: 5_000, timers });
    d.recordPage(3, people.slice(2), undefined);
    expect(d.isComplete).toBe(false);
    const waiting = Promise.all([d.complete(signal()), d.complete(signal())]);
    // A started listing gets the stall window, not the grace period.
    timers.advance(4_999);
    await Promise.resolve();
    expect(t.calls).toEqual([]);
    timers.advance(1);
    await waiting;
    expect(t.calls).toEqual([1, 3]);
    expect(d.roleHolders("Learner")).toEqual(["a", "b"]);
  });

  it("scans after the grace period when no listing starts, and not before", async () => {
    const t = fakeTenant(people);
    const timers = new ManualTimers();
    const d = new UserDirectory(t.fetch, { graceMs: 1_000, timers });
    const waiting = d.complete(signal());
    timers.advance(999);
    await Promise.resolve();
    expect(t.calls).toEqual([]);
    timers.advance(1);
    await waiting;
    expect(t.calls).toEqual([1, 3]);
    expect(d.isComplete).toBe(true);
    expect(timers.waiting).toBe(0);
  });

  it("waits for a slow listing as long as its pages keep coming within the stall window", async () => {
    const t = fakeTenant(people);
    const timers = new ManualTimers();
    const d = new UserDirectory(t.fetch, { graceMs: 1_000, stallMs: 5_000, timers });
    d.recordPage(1, people.slice(0, 2), 3);
    const waiting = d.complete(signal());
    timers.advance(4_000);
    d.recordPage(3, people.slice(2), undefined);
    await waiting;
    expect(t.calls).toEqual([]);
  });

  it("stops waiting when the caller cancels", async () => {
    const d = new UserDirectory(fakeTenant(people).fetch, { graceMs: 10_000 });
    const ac = new AbortController();
    const waiting = d.complete(ac.signal);
    ac.abort(new Error("cancelled"));
    await expect(waiting).rejects.toThrow("cancelled");
  });
});

describe("a host that asks for roles before users", () => {
  it("gets the same roles from the directory's own scan, and the user listing then costs no extra scan", async () => {
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
    // Cleanup drops the directory: the next sync without a listing scans again.
    await h.connector.cleanup?.(ctx);
    const after = sim.state.calls();
    await walk((p) => h.syncer("role").list(undefined, p, ctx));
    expect(callsSince(sim, after).get("GET /scim/v2/Users")).toBe(2);
  });
});
