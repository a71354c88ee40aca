// One-shot sync of the in-memory fixture connector through the in-process transport, read back
// with our c1z reader: every resource type, resource, entitlement and grant must be there.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pick } from "../src/baton/annotations.js";
import { C1zReader } from "../src/baton/c1z/reader.js";
import { C1zStore } from "../src/baton/c1z/store.js";
import { resourceKey } from "../src/baton/ids.js";
import { connectorClients, inProcessTransport } from "../src/baton/sync/clients.js";
import { runSync } from "../src/baton/sync/syncer.js";
import { createFixtureConnector } from "../src/baton/testing/fixture-connector.js";
import { GrantExpandableSchema } from "../src/gen/c1/connector/v2/annotation_grant_pb.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sync-inprocess-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const noSleep = async () => {};

async function syncFixture(
  file: string,
  fixture = createFixtureConnector({ userCount: 5, pageSize: 2 }),
  sleep: (ms: number) => Promise<void> = noSleep,
) {
  const store = await C1zStore.open(file);
  const result = await runSync(connectorClients(inProcessTransport(fixture)), store, {
    sleep,
    concurrency: 3,
  });
  await store.save();
  return { result, fixture };
}

describe("one-shot sync of the fixture connector", () => {
  it("stores every resource type, resource, entitlement and grant", async () => {
    const file = join(dir, "sync.c1z");
    const { result, fixture } = await syncFixture(file);
    const reader = await C1zReader.open(file);
    try {
      expect(
        reader
          .resourceTypes()
          .map((t) => t.id)
          .sort(),
      ).toEqual(["group", "project", "role", "user"]);

      const resources = reader
        .resources()
        .map((r) => (r.id ? resourceKey(r.id) : "<no id>"))
        .sort();
      const expectedResources = [
        ...[...fixture.state.users.keys()].map((u) => `user:${u}`),
        "group:eng",
        "group:ops",
        "role:admin",
        "role:viewer",
        "project:eng-web",
        "project:eng-api",
        "project:ops-infra",
      ].sort();
      expect(resources).toEqual(expectedResources);
      // Child resources keep their parent.
      const api = reader
        .resources({ resourceTypeId: "project" })
        .find((r) => r.id?.resource === "eng-api");
      expect(api?.parentResourceId).toMatchObject({ resourceType: "group", resource: "eng" });

      const entitlements = reader
        .entitlements()
        .map((e) => e.id)
        .sort();
      expect(entitlements).toEqual([
        "group:eng:member",
        "group:ops:member",
        "role:admin:assigned",
        "role:viewer:assigned",
      ]);

      const grants = reader
        .grants()
        .map((g) => g.id)
        .sort();
      const expectedGrants = [
        ...[...(fixture.state.groups.get("eng")?.members ?? [])].map(
          (u) => `group:eng:member:user:${u}`,
        ),
        "group:ops:member:user:u1",
        "role:admin:assigned:user:u1",
        "role:admin:assigned:group:eng",
        "role:viewer:assigned:user:u2",
      ].sort();
      expect(grants).toEqual(expectedGrants);
      const expandable = reader.grants().find((g) => g.id === "role:admin:assigned:group:eng");
      expect(pick(expandable?.annotations ?? [], GrantExpandableSchema)?.entitlementIds).toEqual([
        "group:eng:member",
      ]);

      expect(result.counts).toEqual({
        resourceTypes: 4,
        resources: expectedResources.length,
        entitlements: 4,
        grants: expectedGrants.length,
      });
      expect(reader.syncs().filter((s) => s.endedAt)).toHaveLength(1);
    } finally {
      reader.close();
    }
  });

  it("waits as a RateLimitDescription asks on Unavailable, retries, and still stores every row", async () => {
    const resetAt = new Date(Date.now() + 30_000);
    const limited = createFixtureConnector({
      userCount: 5,
      pageSize: 2,
      rateLimitOnce: { call: "grants:group", resetAt, limit: 600, remaining: 0 },
    });
    const waits: number[] = [];
    const first = join(dir, "limited.c1z");
    const { result } = await syncFixture(first, limited, async (ms) => {
      waits.push(ms);
    });
    // remaining 0: wait until reset (about 30 s, never more than the 60 s cap), once.
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(25_000);
    expect(waits[0]).toBeLessThanOrEqual(30_000);
    expect(limited.calls.filter((c) => c === "grants:group").length).toBeGreaterThan(1);

    const plain = join(dir, "plain.c1z");
    const { result: reference } = await syncFixture(plain);
    expect(result.counts).toEqual(reference.counts);
    const r1 = await C1zReader.open(first);
    const r2 = await C1zReader.open(plain);
    try {
      expect(
        r1
          .grants()
          .map((g) => g.id)
          .sort(),
      ).toEqual(
        r2
          .grants()
          .map((g) => g.id)
          .sort(),
      );
    } finally {
      r1.close();
      r2.close();
    }
  });

  it("a failing call cancels the calls still running instead of waiting for them", async () => {
    let sawAbort = false;
    const fixture = createFixtureConnector({
      userCount: 5,
      pageSize: 2,
      beforeCall: (call, signal) => {
        if (call === "list:role")
          throw new ConnectError("no access to roles", Code.PermissionDenied);
        if (call !== "list:group") return;
        // Hangs until the sync cancels it: without cancellation this test would never end.
        return new Promise<void>((_, reject) => {
          signal.addEventListener("abort", () => {
            sawAbort = true;
            reject(signal.reason);
          });
        });
      },
    });
    const store = await C1zStore.open(join(dir, "cancel.c1z"));
    const failed = runSync(connectorClients(inProcessTransport(fixture)), store, {
      sleep: noSleep,
      concurrency: 4,
    });
    await expect(failed).rejects.toThrow(/ListResources for role failed: PermissionDenied/);
    expect(sawAbort).toBe(true);
    store.abandon();
  });
});
