// Grant and revoke against the simulator: group membership and roles change the tenant as asked,
// repeats report GrantAlreadyExists / GrantAlreadyRevoked without writing, and a licence value is
// refused as a role. (Platform roles and licences: capabilities-truth.test.ts.)
import { create } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { has } from "../baton/annotations.js";
import { Code } from "../baton/errors.js";
import { encodeIdPart } from "../baton/ids.js";
import {
  GrantAlreadyExistsSchema,
  GrantAlreadyRevokedSchema,
} from "../gen/c1/connector/v2/annotation_grant_pb.js";
import type { Entitlement } from "../gen/c1/connector/v2/entitlement_pb.js";
import { GrantSchema } from "../gen/c1/connector/v2/grant_pb.js";
import { type Resource, ResourceSchema } from "../gen/c1/connector/v2/resource_pb.js";
import type { Simulator } from "../simulator/index.js";
import { memberEntitlement } from "./groups.js";
import { roleEntitlement, roleResource } from "./roles.js";
import {
  apiCallsSince,
  callsSince,
  closeAll,
  connectTo,
  plainCtx,
  type SimConnector,
  startSim,
  syncCtx,
  walk,
} from "./test-support/sim-connector.js";

const user = (id: string): Resource =>
  create(ResourceSchema, { id: { resourceType: "user", resource: id } });
const grantOf = (principal: Resource, entitlement: Entitlement) =>
  create(GrantSchema, { principal, entitlement, id: "🧸_UNKNOWN_GRANT_ID" });
const rolesOf = (sim: Simulator, id: string) =>
  ((sim.state.user(id)?.roles as { value: string }[] | undefined) ?? []).map((r) => r.value);
const exists = (a: Any[] | undefined) => has(a ?? [], GrantAlreadyExistsSchema);
const revoked = (a: Any[] | undefined) => has(a ?? [], GrantAlreadyRevokedSchema);

describe("provisioning grants", () => {
  let sim: Simulator;
  let h: SimConnector;
  let group: Resource;

  beforeAll(async () => {
    sim = await startSim({ users: 60, groups: 6, seed: 11 });
    h = connectTo(sim);
    const groups = (await walk((p) => h.syncer("group").list(undefined, p, syncCtx()))).items;
    group = groups[0] as Resource;
  });
  afterAll(closeAll);

  it("adds and removes one group member, idempotently, without touching the others", async () => {
    const gid = group.id?.resource ?? "";
    const members = sim.state.groupMemberIds(gid) ?? [];
    const outsider = sim.state
      .users()
      .map((u) => u.id as string)
      .find((u) => !members.includes(u)) as string;
    const entitlement = memberEntitlement(group);
    const g = h.syncer("group");

    const first = await g.grant?.(user(outsider), entitlement, plainCtx());
    expect(exists(first?.annotations)).toBe(false);
    expect(first?.grants?.[0]?.id).toBe(`group:${gid}:member:user:${outsider}`);
    expect(sim.state.groupMemberIds(gid)).toEqual([...members, outsider]);

    const before = sim.state.calls();
    const again = await g.grant?.(user(outsider), entitlement, plainCtx());
    expect(exists(again?.annotations)).toBe(true);
    expect(callsSince(sim, before).has("POST /scim/v2/Users/{id}/Groups/{groupId}")).toBe(false);

    const gone = await g.revoke?.(grantOf(user(outsider), entitlement), plainCtx());
    expect(revoked(gone?.annotations)).toBe(false);
    expect(sim.state.groupMemberIds(gid)).toEqual(members);

    const before2 = sim.state.calls();
    const goneAgain = await g.revoke?.(grantOf(user(outsider), entitlement), plainCtx());
    expect(revoked(goneAgain?.annotations)).toBe(true);
    expect(callsSince(sim, before2).has("DELETE /scim/v2/Users/{id}/Groups/{groupId}")).toBe(false);
    // Membership is never rewritten wholesale.
    const writes = [...sim.state.calls().keys()].filter(
      (k) => k.startsWith("PUT") || k.startsWith("PATCH /scim/v2/Groups"),
    );
    expect(writes).toEqual([]);
  });

  it("refuses a principal that is not a user", async () => {
    const principal = create(ResourceSchema, { id: { resourceType: "group", resource: "x" } });
    await expect(
      h.syncer("group").grant?.(principal, memberEntitlement(group), plainCtx()),
    ).rejects.toMatchObject({
      code: Code.InvalidArgument,
    });
  });

  it("adds and removes exactly one role value, keeping the others in order", async () => {
    const target = sim.state.users().find((u) => {
      const r = ((u.roles as { value: string }[] | undefined) ?? []).map((x) => x.value);
      return r.length === 2 && !r.includes("Field Sales: EMEA");
    }) as { id: string };
    const before = rolesOf(sim, target.id);
    const role = roleResource("Field Sales: EMEA");
    expect(role.id?.resource).toBe(encodeIdPart("Field Sales: EMEA"));
    const entitlement = roleEntitlement(role);
    const r = h.syncer("role");

    const granted = await r.grant?.(user(target.id), entitlement, plainCtx());
    expect(exists(granted?.annotations)).toBe(false);
    expect(rolesOf(sim, target.id)).toEqual([...before, "Field Sales: EMEA"]);
    expect(exists((await r.grant?.(user(target.id), entitlement, plainCtx()))?.annotations)).toBe(
      true,
    );

    const out = await r.revoke?.(grantOf(user(target.id), entitlement), plainCtx());
    expect(revoked(out?.annotations)).toBe(false);
    expect(rolesOf(sim, target.id)).toEqual(before);
    const calls = sim.state.calls();
    expect(
      revoked((await r.revoke?.(grantOf(user(target.id), entitlement), plainCtx()))?.annotations),
    ).toBe(true);
    expect(callsSince(sim, calls).has("PATCH /scim/v2/Users/{id}")).toBe(false);
  });

  it("keeps the licence of a user without roles[] when granting a role", async () => {
    const target = sim.state
      .users()
      .find(
        (u) =>
          u.roles === undefined && typeof u.userType === "string" && u.userType !== "NonSeismic",
      ) as {
      id: string;
      userType: string;
    };
    expect(target).toBeDefined();
    await h
      .syncer("role")
      .grant?.(user(target.id), roleEntitlement(roleResource("Creator")), plainCtx());
    expect(rolesOf(sim, target.id)).toEqual([target.userType, "Creator"]);
    expect(sim.state.user(target.id)?.userType).toBe(target.userType);
  });

  it("shows the change in the next sync", async () => {
    const target = sim.state.users()[5] as { id: string };
    const entitlement = roleEntitlement(roleResource("Manager"));
    const had = rolesOf(sim, target.id).includes("Manager");
    if (had) await h.syncer("role").revoke?.(grantOf(user(target.id), entitlement), plainCtx());
    await walk((p) => h.syncer("user").list(undefined, p, syncCtx("after-1")));
    await h.syncer("role").grant?.(user(target.id), entitlement, plainCtx());
    const ctx = syncCtx("after-2");
    await walk((p) => h.syncer("user").list(undefined, p, ctx));
    const { items } = await walk((p) => h.syncer("role").grants(roleResource("Manager"), p, ctx));
    expect(items.map((g) => g.principal?.id?.resource)).toContain(target.id);
  });

  it("refuses a licence value as a role with the reason, calling nothing", async () => {
    const before = sim.state.calls();
    await expect(
      h.syncer("role").grant?.(user("u"), roleEntitlement(roleResource("Premium")), plainCtx()),
    ).rejects.toMatchObject({ code: Code.FailedPrecondition });
    expect(apiCallsSince(sim, before)).toBe(0);
  });
});
