// Concurrent role changes through gRPC (`serve --provisioning`, dialled with grpc-js): 8 users × 5
// role grants at once, then 5 revokes each at once, end with exactly the expected roles in the
// simulator, every call answered OK or "already", none Unavailable; and three identical grants at
// once make one write and answer GrantAlreadyExists twice.
import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roleEntitlement, roleResource } from "../src/connector/roles.js";
import { GrantAlreadyExistsSchema } from "../src/gen/c1/connector/v2/annotation_grant_pb.js";
import { GrantManagerService, GrantSchema } from "../src/gen/c1/connector/v2/grant_pb.js";
import { ResourceSchema } from "../src/gen/c1/connector/v2/resource_pb.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { type CallError, GrpcJsClient } from "./grpc-js-client.js";
import { callsSince, type Served, serveSeismic, targetOf } from "./helpers/seismic-e2e.js";
import { CUSTOM_ROLE, DEFAULT_LEARNING_ROLES, roleValues } from "./helpers/seismic-expect.js";

const ROLES = [...DEFAULT_LEARNING_ROLES, CUSTOM_ROLE];
const ALREADY_EXISTS = `type.googleapis.com/${GrantAlreadyExistsSchema.typeName}`;
const ALREADY_REVOKED = "type.googleapis.com/c1.connector.v2.GrantAlreadyRevoked";

describe("concurrent role changes through gRPC", () => {
  let sim: Simulator;
  let served: Served | undefined;
  let client: GrpcJsClient;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 21, users: 40, groups: 3 });
    served = await serveSeismic(targetOf(sim), ["--provisioning"]);
    client = new GrpcJsClient(served.address);
  });

  afterAll(async () => {
    client?.close();
    await served?.stop();
    await sim?.close();
  });

  const principal = (id: string) =>
    create(ResourceSchema, { id: { resourceType: "user", resource: id } });
  const entitlement = (value: string) => roleEntitlement(roleResource(value));
  const roles = (id: string) => roleValues(sim.state.user(id) ?? {});

  /** The outcome of a call: its annotations' type URLs, or the gRPC status code it failed with. */
  async function outcome(call: Promise<{ annotations: { typeUrl: string }[] }>) {
    try {
      return { ok: (await call).annotations.map((a) => a.typeUrl) };
    } catch (e) {
      return { code: (e as CallError).code, message: (e as CallError).details };
    }
  }

  it("8 users × 5 concurrent grants, then revokes, end with exactly the expected roles", async () => {
    const users = sim.state
      .users()
      .filter((u) => u.id !== sim.delegationUserId && Array.isArray(u.roles))
      .slice(0, 8)
      .map((u) => u.id as string);
    expect(users).toHaveLength(8);
    const before = new Map(users.map((id) => [id, roles(id)]));

    const granted = await Promise.all(
      users.flatMap((id) =>
        ROLES.map((value) =>
          outcome(
            client.call(GrantManagerService.method.grant, {
              principal: principal(id),
              entitlement: entitlement(value),
            }),
          ).then((o) => ({ id, value, ...o })),
        ),
      ),
    );
    for (const g of granted) {
      const held = before.get(g.id)?.includes(g.value);
      expect(g, `${g.value} for ${g.id}`).toEqual({
        id: g.id,
        value: g.value,
        ok: held ? [ALREADY_EXISTS] : [],
      });
    }
    for (const id of users) {
      const expected = [...new Set([...(before.get(id) ?? []), ...ROLES])].sort();
      expect(roles(id).sort(), id).toEqual(expected);
    }

    const revoked = await Promise.all(
      users.flatMap((id) =>
        ROLES.map((value) =>
          outcome(
            client.call(GrantManagerService.method.revoke, {
              grant: create(GrantSchema, {
                principal: principal(id),
                entitlement: entitlement(value),
              }),
            }),
          ).then((o) => ({ id, value, ...o })),
        ),
      ),
    );
    for (const r of revoked) expect(r, `${r.value} for ${r.id}`).toMatchObject({ ok: [] });
    for (const id of users) {
      const expected = (before.get(id) ?? []).filter((v) => !ROLES.includes(v));
      expect(roles(id), id).toEqual(expected);
    }
    // A revoke of what is gone says so.
    const again = await outcome(
      client.call(GrantManagerService.method.revoke, {
        grant: create(GrantSchema, {
          principal: principal(users[0] as string),
          entitlement: entitlement(CUSTOM_ROLE),
        }),
      }),
    );
    expect(again).toEqual({ ok: [ALREADY_REVOKED] });
  });

  it("three identical grants at once: one write, two GrantAlreadyExists", async () => {
    const id = sim.state
      .users()
      .find((u) => u.id !== sim.delegationUserId && !roles(u.id as string).includes("Creator"))
      ?.id as string;
    const callsBefore = sim.state.calls();
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        outcome(
          client.call(GrantManagerService.method.grant, {
            principal: principal(id),
            entitlement: entitlement("Creator"),
          }),
        ),
      ),
    );
    expect(results.map((r) => r.ok).sort()).toEqual([[], [ALREADY_EXISTS], [ALREADY_EXISTS]]);
    expect(callsSince(callsBefore, sim.state.calls())["PATCH /scim/v2/Users/{id}"]).toBe(1);
    expect(roles(id)).toContain("Creator");
  });
});
