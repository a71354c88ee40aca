// Grant and revoke of membership and roles on every simulator dialect, over real HTTP, read back
// from the simulator: they take effect, or (a tenant without per-user membership routes) fail
// with one line naming --seismic-membership-writes group-replace and change nothing. With that
// opt-in, membership is rewritten with exactly one member added or removed, and a group changed
// by someone else meanwhile fails loudly.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import { afterEach, describe, expect, it } from "vitest";
import { Code } from "../baton/errors.js";
import { GrantSchema } from "../gen/c1/connector/v2/grant_pb.js";
import { type Resource, ResourceSchema } from "../gen/c1/connector/v2/resource_pb.js";
import { caller, getToken } from "../simulator/harness.js";
import { DIALECT_NAMES, type DialectName, type Simulator } from "../simulator/index.js";
import type { SeismicConnectorConfig } from "./config.js";
import { groupResource, memberEntitlement } from "./groups.js";
import { roleEntitlement, roleResource } from "./roles.js";
import { closeAll, connectTo, plainCtx, startSim } from "./test-support/sim-connector.js";

afterEach(closeAll);

const user = (id: string): Resource =>
  create(ResourceSchema, { id: { resourceType: "user", resource: id } });
const rolesOf = (sim: Simulator, id: string) =>
  ((sim.state.user(id)?.roles as { value: string }[] | undefined) ?? []).map((r) => r.value);

/** A group with a few members, one outsider and one member. */
function pick(sim: Simulator): { group: Resource; outsider: string; member: string } {
  const g = sim.state
    .groups()
    .find((x) => (sim.state.groupMemberIds(x.id as string) ?? []).length >= 3) as {
    id: string;
    displayName: string;
  };
  const members = sim.state.groupMemberIds(g.id) ?? [];
  const outsider = sim.state
    .users()
    .map((u) => u.id as string)
    .find((u) => !members.includes(u) && u !== sim.delegationUserId) as string;
  const group = groupResource({ id: g.id, displayName: g.displayName } as never);
  return { group, outsider, member: members[1] as string };
}

const routesMissing = (dialect: DialectName) =>
  dialect === "no-member-routes" || dialect === "legacy";

async function setup(dialect: DialectName, overrides: Partial<SeismicConnectorConfig> = {}) {
  const sim = await startSim({ users: 40, groups: 4, seed: 11, dialect });
  const h = connectTo(sim, overrides);
  return { sim, h, ...pick(sim) };
}

describe("membership and role writes on every dialect", () => {
  it.each(DIALECT_NAMES)("dialect %s", async (dialect) => {
    const { sim, h, group, outsider, member } = await setup(dialect);
    const gid = group.id?.resource as string;
    const before = sim.state.groupMemberIds(gid) ?? [];
    const entitlement = memberEntitlement(group);
    const syncer = h.syncer("group");
    const grant = () => syncer.grant?.(user(outsider), entitlement, plainCtx());
    const revoke = () =>
      syncer.revoke?.(create(GrantSchema, { principal: user(member), entitlement }), plainCtx());
    if (routesMissing(dialect)) {
      for (const write of [grant, revoke]) {
        const error = await write()?.catch((e: unknown) => e);
        expect(error).toMatchObject({
          code: Code.FailedPrecondition,
          rawMessage: expect.stringContaining("--seismic-membership-writes group-replace"),
        });
        expect((error as Error).message).not.toContain("\n");
      }
      expect(sim.state.groupMemberIds(gid)).toEqual(before);
    } else {
      await grant();
      expect(sim.state.groupMemberIds(gid)).toEqual([...before, outsider]);
      await revoke();
      expect(sim.state.groupMemberIds(gid)).toEqual(
        [...before, outsider].filter((u) => u !== member),
      );
    }

    // Roles: one value added and removed, whatever the dialect.
    const role = roleEntitlement(roleResource("Onboarding Coach"));
    const roles = rolesOf(sim, outsider);
    await h.syncer("role").grant?.(user(outsider), role, plainCtx());
    expect(rolesOf(sim, outsider)).toEqual([...roles, "Onboarding Coach"]);
    await h
      .syncer("role")
      .revoke?.(create(GrantSchema, { principal: user(outsider), entitlement: role }), plainCtx());
    expect(rolesOf(sim, outsider)).toEqual(roles);
  });
});

describe("--seismic-membership-writes group-replace", () => {
  it.each(["no-member-routes", "legacy"] as const)(
    "on %s: adds and removes exactly one member, idempotently",
    async (dialect) => {
      const { sim, h, group, outsider, member } = await setup(dialect, {
        membershipWrites: "group-replace",
      });
      const gid = group.id?.resource as string;
      const before = sim.state.groupMemberIds(gid) ?? [];
      const name = sim.state.group(gid)?.displayName;
      const entitlement = memberEntitlement(group);
      const syncer = h.syncer("group");
      const granted = await syncer.grant?.(user(outsider), entitlement, plainCtx());
      expect(granted?.annotations ?? []).toEqual([]);
      expect(sim.state.groupMemberIds(gid)).toEqual([...before, outsider]);
      const again = await syncer.grant?.(user(outsider), entitlement, plainCtx());
      expect(again?.annotations).toHaveLength(1);
      const asGrant = create(GrantSchema, { principal: user(member), entitlement });
      await syncer.revoke?.(asGrant, plainCtx());
      expect(sim.state.groupMemberIds(gid)).toEqual(
        [...before, outsider].filter((u) => u !== member),
      );
      const gone = await syncer.revoke?.(asGrant, plainCtx());
      expect(gone?.annotations).toHaveLength(1);
      expect(sim.state.group(gid)?.displayName).toBe(name);
      const writes = [...sim.state.calls()].filter(([k]) => k.startsWith("PUT "));
      expect(writes).toEqual([["PUT /scim/v2/Groups/{id}", 2]]);
    },
  );

  it("a user that does not exist is NotFound, and the group is not written", async () => {
    const { sim, h, group } = await setup("no-member-routes", {
      membershipWrites: "group-replace",
    });
    await expect(
      h
        .syncer("group")
        .grant?.(
          user("00000000-0000-4000-8000-00000000beef"),
          memberEntitlement(group),
          plainCtx(),
        ),
    ).rejects.toMatchObject({ code: Code.NotFound });
    expect(sim.state.calls().get("PUT /scim/v2/Groups/{id}")).toBeUndefined();
  });

  it("fails loudly when someone else changed the group between the write and the read-back", async () => {
    const sim = await startSim({ users: 40, groups: 4, seed: 11, dialect: "no-member-routes" });
    const { group, outsider } = pick(sim);
    const gid = group.id?.resource as string;
    const intruder = sim.state
      .users()
      .map((u) => u.id as string)
      .find(
        (u) =>
          u !== outsider &&
          u !== sim.delegationUserId &&
          !(sim.state.groupMemberIds(gid) ?? []).includes(u),
      ) as string;
    const direct = caller(sim, await getToken(sim));
    // A proxy that, right after forwarding our PUT, has "another admin" add a member.
    const proxy = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter(
            ([k, v]) =>
              typeof v === "string" && !["host", "content-length", "connection"].includes(k),
          ),
        ) as Record<string, string>;
        const upstream = await fetch(`${sim.apiUrl}${req.url}`, {
          method: req.method ?? "GET",
          headers,
          ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
        });
        const text = await upstream.text();
        if (req.method === "PUT") {
          const g = (await direct("GET", `/scim/v2/Groups/${gid}`)).body as {
            members: { value: string }[];
          };
          await direct("PUT", `/scim/v2/Groups/${gid}`, {
            ...g,
            members: [...g.members, { value: intruder }],
          });
        }
        res.writeHead(upstream.status, {
          "content-type": upstream.headers.get("content-type") ?? "",
        });
        res.end(text);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    try {
      const h = connectTo(sim, {
        membershipWrites: "group-replace",
        apiUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      });
      const error = await h
        .syncer("group")
        .grant?.(user(outsider), memberEntitlement(group), plainCtx())
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: Code.Aborted,
        rawMessage: expect.stringContaining(`1 not written by us: ${intruder}`),
      });
      expect((error as { rawMessage: string }).rawMessage).toContain(
        "someone else is changing this group",
      );
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });
});
