// Role changes under concurrency, against the simulator: concurrent grants on one user all land,
// identical ones answer GrantAlreadyExists after one write, and a change that another writer
// overwrites (a proxy that puts the old roles back right after our PATCH) is applied again with
// jittered waits, or fails with Unavailable once the attempts are spent.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { ConnectError } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import { has } from "../baton/annotations.js";
import { Code } from "../baton/errors.js";
import { GrantAlreadyExistsSchema } from "../gen/c1/connector/v2/annotation_grant_pb.js";
import { GrantSchema } from "../gen/c1/connector/v2/grant_pb.js";
import { type Resource, ResourceSchema } from "../gen/c1/connector/v2/resource_pb.js";
import { FakeClock } from "../seismic/test-support/fake-seismic.js";
import type { Simulator } from "../simulator/index.js";
import { ROLE_CHANGE_ATTEMPTS } from "./provisioning.js";
import { roleEntitlement, roleResource } from "./roles.js";
import {
  callsSince,
  closeAll,
  connectTo,
  plainCtx,
  startSim,
} from "./test-support/sim-connector.js";

const ROLES = ["Admin", "Creator", "Manager", "Learner", "Field Sales: EMEA"];
const PATCH = "PATCH /scim/v2/Users/{id}";

let proxy: Server | undefined;
afterEach(async () => {
  await closeAll();
  if (proxy) {
    const p = proxy;
    proxy = undefined;
    await new Promise<void>((r) => {
      p.closeAllConnections();
      p.close(() => r());
    });
  }
});

const user = (id: string): Resource =>
  create(ResourceSchema, { id: { resourceType: "user", resource: id } });
const entitlement = (value: string) => roleEntitlement(roleResource(value));
const grantOf = (id: string, value: string) =>
  create(GrantSchema, { principal: user(id), entitlement: entitlement(value) });
const rolesOf = (sim: Simulator, id: string) =>
  ((sim.state.user(id)?.roles as { value: string }[] | undefined) ?? []).map((r) => r.value);
const exists = (a: Any[] | undefined) => has(a ?? [], GrantAlreadyExistsSchema);

/** A user with a `roles` attribute that holds none of ROLES (only a licence, if any). */
function plainUser(sim: Simulator): string {
  const u = sim.state
    .users()
    .find(
      (x) =>
        x.id !== sim.delegationUserId &&
        Array.isArray(x.roles) &&
        !rolesOf(sim, x.id as string).some((r) => ROLES.includes(r)),
    );
  if (!u) throw new Error("the seeded tenant has no user without Learning roles");
  return u.id as string;
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A proxy to the simulator's API that, for the first `clobbers` PATCHes of a user, writes the
 * user's roles as they were before the PATCH right after forwarding it: a writer elsewhere whose
 * stale read-modify-write lands just after ours.
 */
async function clobberingProxy(sim: Simulator, clobbers: number): Promise<string> {
  let left = clobbers;
  const server = createServer(async (req, res) => {
    const url = `${sim.apiUrl}${req.url ?? "/"}`;
    const headers = { ...req.headers } as Record<string, string>;
    delete headers.host;
    delete headers["content-length"];
    const payload = await body(req);
    const userPath = /^\/scim\/v2\/Users\/[^/?]+$/.test(new URL(url).pathname);
    const clobber = req.method === "PATCH" && userPath && left > 0;
    let stale: unknown;
    if (clobber) {
      left--;
      const before = await fetch(url, { headers });
      stale = ((await before.json()) as { roles?: unknown }).roles ?? [];
    }
    const upstream = await fetch(url, {
      method: req.method ?? "GET",
      headers,
      ...(payload.length > 0 ? { body: payload } : {}),
    });
    const text = await upstream.text();
    if (clobber) {
      await fetch(url, {
        method: "PATCH",
        headers: { ...headers, "content-type": "application/scim+json" },
        body: JSON.stringify({
          schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          Operations: [{ op: "replace", path: "roles", value: stale }],
        }),
      });
    }
    res.writeHead(upstream.status, {
      "content-type": upstream.headers.get("content-type") ?? "application/json",
    });
    res.end(text);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  proxy = server;
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A connector behind {@link clobberingProxy}, on a virtual clock, and a user to change. */
async function clobbered(clobbers: number, random: number) {
  const sim = await startSim({ users: 30, groups: 2, seed: 12 });
  const clock = new FakeClock();
  const h = connectTo(
    sim,
    { apiUrl: await clobberingProxy(sim, clobbers) },
    { client: { clock, random: () => random, backoff: { baseDelayMs: 1, maxDelayMs: 5 } } },
  );
  return { sim, clock, h, id: plainUser(sim), before: sim.state.calls() };
}

describe("role changes under concurrency", () => {
  it("lands five concurrent grants on one user, then five concurrent revokes", async () => {
    const sim = await startSim({ users: 30, groups: 2, seed: 12 });
    const h = connectTo(sim);
    const id = plainUser(sim);
    const licence = rolesOf(sim, id);
    const role = h.syncer("role");
    const granted = await Promise.all(
      ROLES.map((v) => role.grant?.(user(id), entitlement(v), plainCtx())),
    );
    expect(granted.map((g) => exists(g?.annotations))).toEqual(ROLES.map(() => false));
    expect(rolesOf(sim, id).sort()).toEqual([...licence, ...ROLES].sort());

    const revoked = await Promise.all(ROLES.map((v) => role.revoke?.(grantOf(id, v), plainCtx())));
    expect(revoked.map((r) => r?.annotations ?? [])).toEqual(ROLES.map(() => []));
    expect(rolesOf(sim, id)).toEqual(licence);
  });

  it("answers identical concurrent grants with one write and GrantAlreadyExists for the rest", async () => {
    const sim = await startSim({ users: 30, groups: 2, seed: 12 });
    const h = connectTo(sim);
    const id = plainUser(sim);
    const before = sim.state.calls();
    const results = await Promise.all(
      [1, 2, 3].map(() => h.syncer("role").grant?.(user(id), entitlement("Creator"), plainCtx())),
    );
    expect(results.filter((r) => exists(r?.annotations))).toHaveLength(2);
    expect(callsSince(sim, before).get(PATCH)).toBe(1);
    expect(rolesOf(sim, id)).toContain("Creator");
  });

  it("applies a change again, after a jittered wait, when another writer overwrote it", async () => {
    const { sim, clock, h, id, before } = await clobbered(2, 0.5);
    const result = await h
      .syncer("role")
      .grant?.(user(id), entitlement(ROLES[4] as string), plainCtx());
    expect(exists(result?.annotations)).toBe(false);
    expect(rolesOf(sim, id)).toContain(ROLES[4]);
    // Ours three times, the other writer's twice.
    expect(callsSince(sim, before).get(PATCH)).toBe(3 + 2);
    expect(clock.sleeps).toEqual([250, 500]);
    expect(
      h.logger
        .warnings()
        .filter(
          (w) =>
            w.message ===
            "a concurrent change overwrote the user's roles; applying the change again",
        ),
    ).toHaveLength(2);
  });

  it("gives up with Unavailable when every attempt is overwritten", async () => {
    const { sim, clock, h, id, before } = await clobbered(100, 0);
    const failed = await h
      .syncer("role")
      .grant?.(user(id), entitlement("Manager"), plainCtx())
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(failed).toBeInstanceOf(ConnectError);
    expect((failed as ConnectError).code).toBe(Code.Unavailable);
    expect((failed as ConnectError).rawMessage).toContain(`role "Manager" on user ${id}`);
    expect(callsSince(sim, before).get(PATCH)).toBe(2 * ROLE_CHANGE_ATTEMPTS);
    expect(clock.sleeps).toEqual([125, 250, 500]);
  });
});
