import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ResourceIdSchema } from "../../gen/c1/connector/v2/resource_pb.js";
import { C1zReader } from "../c1z/reader.js";
import { C1zStore } from "../c1z/store.js";
import { tempDir } from "../c1z/test-support/temp-dir.js";
import { UsageError } from "../errors.js";
import { resourceKey } from "../ids.js";
import { createFixtureConnector } from "../testing/fixture-connector.js";
import { connectorClients, inProcessTransport } from "./clients.js";
import { parseSyncTargets } from "./target-ids.js";
import { runTargetedSync } from "./targeted-sync.js";

const id = (resourceType: string, resource: string) =>
  create(ResourceIdSchema, { resourceType, resource });

async function targeted(targets: string[], options: { skipGrants?: boolean } = {}) {
  const fixture = createFixtureConnector({ userCount: 5, pageSize: 2 });
  const file = join(tempDir(), "partial.c1z");
  const store = await C1zStore.open(file);
  const warnings: string[] = [];
  const result = await runTargetedSync(connectorClients(inProcessTransport(fixture)), store, {
    targets: parseSyncTargets(targets),
    parentSyncId: "",
    onWarning: (m) => warnings.push(m),
    ...options,
  });
  await store.save();
  const reader = await C1zReader.open(file);
  try {
    return {
      fixture,
      result,
      warnings,
      runs: reader.syncs().map((r) => [r.type, r.endedAt !== undefined]),
      resources: reader
        .resources()
        .map((r) => resourceKey(r.id ?? id("", "")))
        .sort(),
      entitlements: reader
        .entitlements()
        .map((e) => e.id)
        .sort(),
      grants: reader
        .grants()
        .map((g) => g.id)
        .sort(),
    };
  } finally {
    reader.close();
  }
}

describe("targeted sync", () => {
  it("stores the targets, their children, entitlements and every page of their grants", async () => {
    const t = await targeted(["group:eng", "bid:r:user/u2"]);
    expect(t.runs).toEqual([["partial", true]]);
    expect(t.resources).toEqual(["group:eng", "project:eng-api", "project:eng-web", "user:u2"]);
    expect(t.entitlements).toEqual(["group:eng:member"]);
    // Five members, two per page: three ListGrants pages, all stored.
    expect(t.grants).toEqual(
      ["u1", "u2", "u3", "u4", "u5"].map((u) => `group:eng:member:user:${u}`),
    );
    expect(t.fixture.calls.filter((c) => c === "grants:group")).toHaveLength(3);
    // Nothing else was listed: no other group, role or user.
    expect(t.fixture.calls).not.toContain("list:user");
    expect(t.fixture.calls).not.toContain("list:group");
    expect(t.fixture.calls).not.toContain("grants:role");
    expect(t.result.counts).toMatchObject({ resources: 4, entitlements: 1, grants: 5 });
  });

  it("skips targets the connector does not have or cannot get, saying so", async () => {
    const t = await targeted(["group:nope", "role:admin", "group:ops"]);
    expect(t.resources).toEqual(["group:ops", "project:ops-infra"]);
    expect(t.grants).toEqual(["group:ops:member:user:u1"]);
    expect(t.warnings.join("\n")).toMatch(/GetResource for group:nope: .*not found; skipped/);
    expect(t.warnings.join("\n")).toMatch(
      /GetResource for role:admin: .*does not support GetResource; skipped/,
    );
  });

  it("skipGrants keeps entitlements and drops grants", async () => {
    const t = await targeted(["group:eng"], { skipGrants: true });
    expect(t.entitlements).toEqual(["group:eng:member"]);
    expect(t.grants).toEqual([]);
  });

  it("refuses a type the connector does not have", async () => {
    await expect(targeted(["usr:u1"])).rejects.toThrow(UsageError);
    await expect(targeted(["usr:u1"])).rejects.toThrow(/usr:u1.*no such resource type.*user/);
  });
});

describe("--sync-resources forms", () => {
  it("reads TYPE:ID and Baton ids with escapes and parents", () => {
    expect(parseSyncTargets(["group:a:b"])).toEqual([{ id: id("group", "a:b") }]);
    expect(parseSyncTargets(["bid:r:group/a\\/b\\:c\\\\"])).toEqual([
      { id: id("group", "a/b:c\\") },
    ]);
    expect(parseSyncTargets(["bid:r:group/eng/project/eng-web"])).toEqual([
      { id: id("project", "eng-web"), parent: id("group", "eng") },
    ]);
  });

  it("refuses anything else, naming the flag and the forms", () => {
    for (const bad of [
      "group",
      ":x",
      "group:",
      "bid:e:group/x:member",
      "bid:r:group",
      "bid:r:a/b/c",
    ]) {
      expect(() => parseSyncTargets([bad])).toThrow(
        /^--sync-resources \(BATON_SYNC_RESOURCES\): ".*" is not a resource; use TYPE:ID/,
      );
    }
  });
});
