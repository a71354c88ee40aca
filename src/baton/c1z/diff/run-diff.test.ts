import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { ExternalLinkSchema } from "../../../gen/c1/connector/v2/annotation_external_link_pb.js";
import { ResourceSchema, ResourceType_Trait } from "../../../gen/c1/connector/v2/resource_pb.js";
import { C1zStore } from "../store.js";
import {
  fixture,
  grant,
  group,
  memberEntitlement,
  resourceType,
  user,
} from "../test-support/fixtures.js";
import { tempDir } from "../test-support/temp-dir.js";
import { DiffInputError, runDiff } from "./run-diff.js";

/** Writes the fixture as sync 1, then `second` as sync 2; returns the file and both ids. */
async function twoSyncs(second: (f: ReturnType<typeof fixture>) => ReturnType<typeof fixture>) {
  const file = join(tempDir(), "sync.c1z");
  const store = await C1zStore.open(file);
  const ids: string[] = [];
  for (const f of [fixture(), second(fixture())]) {
    const id = store.startSync("full");
    store.putResourceTypes(id, f.resourceTypes);
    store.putResources(id, f.resources);
    store.putEntitlements(id, f.entitlements);
    store.putGrants(id, f.grants);
    store.endSync(id);
    ids.push(id);
  }
  await store.save();
  return { file, ids };
}

async function diffJson(file: string, ids: { from?: string; to?: string } = {}) {
  let out = "";
  await runDiff({ files: [file], format: "json", ...ids }, (t) => {
    out += t;
  });
  return JSON.parse(out);
}

describe("runDiff", () => {
  it("reports removed resources, added types, entitlements and their grants", async () => {
    const { file } = await twoSyncs((f) => {
      const ops = group("ops", "Operations");
      const opsMember = memberEntitlement(ops);
      const alice = f.resources[0];
      if (!alice) throw new Error("fixture");
      return {
        resourceTypes: [...f.resourceTypes, resourceType("team", "Team", ResourceType_Trait.GROUP)],
        // bob and the backend group (with its entitlement and grants) are gone.
        resources: [alice, f.resources[2] as never, ops],
        entitlements: [f.entitlements[0] as never, opsMember],
        grants: [f.grants[0] as never, grant(opsMember, alice)],
      };
    });
    const d = await diffJson(file);
    expect(d.resourceTypes).toEqual({ added: [{ id: "team", displayName: "Team" }], removed: [] });
    expect(d.counts.resources).toEqual({ added: 1, removed: 2, changed: 0 });
    expect(d.resources.map((r: { change: string; id: string }) => `${r.change} ${r.id}`)).toEqual([
      "added ops",
      "removed backend",
      "removed bob",
    ]);
    expect(
      d.entitlements.map((e: { change: string; id: string }) => `${e.change} ${e.id}`),
    ).toEqual(["added group:ops:member", "removed group:backend:member"]);
    // The backend group was itself a member of eng (a group principal).
    expect(
      d.grants.map(
        (g: {
          entitlement: { id: string };
          added: { id: string }[];
          removed: { id: string }[];
        }) => [g.entitlement.id, g.added.map((p) => p.id), g.removed.map((p) => p.id)],
      ),
    ).toEqual([
      ["group:backend:member", [], ["bob"]],
      ["group:eng:member", [], ["backend"]],
      ["group:ops:member", ["alice"], []],
    ]);
    expect(d.grants[0].removed[0]).toEqual({
      resourceType: "user",
      id: "bob",
      displayName: "Bob Builder",
      email: "bob@example.com",
    });
  });

  it("does not count a resource whose bytes differ only in annotations a reviewer does not see", async () => {
    const { file } = await twoSyncs((f) => ({
      ...f,
      resources: f.resources.map((r) =>
        r.id?.resource === "bob"
          ? create(ResourceSchema, {
              ...r,
              annotations: [
                ...r.annotations,
                anyPack(ExternalLinkSchema, create(ExternalLinkSchema, { url: "https://x" })),
              ],
            })
          : r.id?.resource === "alice"
            ? user("alice", "Alice Liddell", { title: "Manager", "10": "x", "9": "y", a: 1 })
            : r,
      ),
    }));
    const d = await diffJson(file);
    expect(d.counts.resources).toEqual({ added: 0, removed: 0, changed: 1 });
    expect(d.resources).toEqual([
      {
        change: "changed",
        resourceType: "user",
        id: "alice",
        displayName: "Alice Liddell",
        email: "alice@example.com",
        changes: [{ field: "profile.title", old: "Engineer", new: "Manager" }],
      },
    ]);
  });

  it("diffs the other way round with --from and --to, and refuses unknown ids", async () => {
    const { file, ids } = await twoSyncs((f) => ({ ...f, grants: f.grants.slice(1) }));
    const forward = await diffJson(file);
    expect(forward.counts.grants).toEqual({ added: 0, removed: 1 });
    const back = await diffJson(file, { from: ids[1], to: ids[0] });
    expect(back.counts.grants).toEqual({ added: 1, removed: 0 });
    expect(back.from.syncId).toBe(ids[1]);
    await expect(diffJson(file, { to: "nope" })).rejects.toThrow(DiffInputError);
  });
});
