import { create } from "@bufbuild/protobuf";
import { type Any, AnySchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { GrantExpandableSchema } from "../gen/c1/connector/v2/annotation_grant_pb.js";
import { ChildResourceTypeSchema } from "../gen/c1/connector/v2/annotation_resource_tree_pb.js";
import { GroupTraitSchema, UserTraitSchema } from "../gen/c1/connector/v2/annotation_trait_pb.js";
import { append, count, has, pack, pick, pickAll, update, without } from "./annotations.js";

function unknown(): Any {
  return create(AnySchema, {
    typeUrl: "type.googleapis.com/acme.test.v1.Unknown",
    value: Uint8Array.from([0x0a, 0x02, 0x68, 0x69, 0xff]),
  });
}

function snapshot(list: readonly Any[]): Array<[string, string]> {
  return list.map((a) => [a.typeUrl, Buffer.from(a.value).toString("hex")]);
}

describe("annotations", () => {
  it("packs with the standard type URL prefix", () => {
    const a = pack(UserTraitSchema, { login: "jdoe" });
    expect(a.typeUrl).toBe("type.googleapis.com/c1.connector.v2.UserTrait");
  });

  it("pick returns the first entry of a type, decoded; undefined when absent", () => {
    const list = [
      unknown(),
      pack(ChildResourceTypeSchema, { resourceTypeId: "first" }),
      pack(ChildResourceTypeSchema, { resourceTypeId: "second" }),
    ];
    expect(pick(list, ChildResourceTypeSchema)?.resourceTypeId).toBe("first");
    expect(pick(list, UserTraitSchema)).toBeUndefined();
    expect(pickAll(list, ChildResourceTypeSchema).map((c) => c.resourceTypeId)).toEqual([
      "first",
      "second",
    ]);
    expect(has(list, ChildResourceTypeSchema)).toBe(true);
    expect(has(list, GroupTraitSchema)).toBe(false);
    expect(count(list, ChildResourceTypeSchema)).toBe(2);
  });

  it("update replaces the entry of a type in place and leaves the others untouched", () => {
    const u = unknown();
    const list = [pack(UserTraitSchema, { login: "old" }), u, pack(GroupTraitSchema, {})];
    const before = snapshot(list);
    const out = update(list, UserTraitSchema, { login: "new" });
    expect(out).toBe(list);
    expect(list).toHaveLength(3);
    expect(pick(list, UserTraitSchema)?.login).toBe("new");
    expect(list[1]).toBe(u);
    expect(snapshot(list).slice(1)).toEqual(before.slice(1));
  });

  it("update appends when the type is absent; append always adds", () => {
    const list = [unknown()];
    update(list, GrantExpandableSchema, { entitlementIds: ["group:eng:member"] });
    expect(snapshot(list)[0]).toEqual(snapshot([unknown()])[0]);
    expect(count(list, GrantExpandableSchema)).toBe(1);
    append(list, ChildResourceTypeSchema, { resourceTypeId: "a" });
    append(list, ChildResourceTypeSchema, { resourceTypeId: "b" });
    expect(count(list, ChildResourceTypeSchema)).toBe(2);
    expect(list).toHaveLength(4);
  });

  it("without drops one type and keeps unknown entries byte for byte", () => {
    const list = [unknown(), pack(UserTraitSchema, {}), pack(GroupTraitSchema, {})];
    const out = without(list, UserTraitSchema);
    expect(snapshot(out)).toEqual([snapshot(list)[0], snapshot(list)[2]]);
    expect(list).toHaveLength(3);
  });

  it("never decodes or rewrites an unknown type, even with invalid bytes", () => {
    const list = [unknown()];
    expect(pick(list, UserTraitSchema)).toBeUndefined();
    expect(pickAll(list, UserTraitSchema)).toEqual([]);
    expect(snapshot(list)).toEqual([["type.googleapis.com/acme.test.v1.Unknown", "0a026869ff"]]);
  });
});
