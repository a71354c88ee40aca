import { create, fromBinary, type JsonObject, toBinary } from "@bufbuild/protobuf";
import { anyPack, anyUnpack } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { UserTraitSchema } from "../../gen/c1/connector/v2/annotation_trait_pb.js";
import { GrantSchema, GrantSourcesSchema } from "../../gen/c1/connector/v2/grant_pb.js";
import { ResourceSchema } from "../../gen/c1/connector/v2/resource_pb.js";
import { toCanonicalBinary } from "./canonical-binary.js";
import { grant, group, memberEntitlement, user } from "./test-support/fixtures.js";
import { c1zTypeRegistry } from "./type-registry.js";

const source = (isDirect: boolean) => ({ isDirect });

describe("toCanonicalBinary", () => {
  it("writes map entries in Go's order: UTF-8 byte order, integer-like keys included", () => {
    const sources = create(GrantSourcesSchema, {
      sources: { b: source(true), a: source(false), "10": source(true), "9": source(false) },
    });
    // Each single-entry encoding is exactly one map entry, so the canonical encoding of the
    // whole map is their concatenation in the expected order.
    const entry = (key: string) =>
      toBinary(
        GrantSourcesSchema,
        create(GrantSourcesSchema, { sources: { [key]: sources.sources[key] ?? {} } }),
      );
    const expected = Buffer.concat(["10", "9", "a", "b"].map(entry));
    expect(Buffer.from(toCanonicalBinary(GrantSourcesSchema, sources))).toEqual(expected);
    // Plain protobuf-es puts integer-like keys first in numeric order, then insertion order.
    expect(Buffer.from(toBinary(GrantSourcesSchema, sources))).toEqual(
      Buffer.concat(["9", "10", "b", "a"].map(entry)),
    );
  });

  it("encodes the same grant identically whatever order its maps were filled in", () => {
    const eng = group("eng", "Engineering");
    const ent = memberEntitlement(eng);
    const one = grant(ent, user("u", "U"), {
      sources: create(GrantSourcesSchema, { sources: { x: source(true), y: source(false) } }),
    });
    const two = grant(ent, user("u", "U"), {
      sources: create(GrantSourcesSchema, { sources: { y: source(false), x: source(true) } }),
    });
    expect(toCanonicalBinary(GrantSchema, one)).toEqual(toCanonicalBinary(GrantSchema, two));
    // The caller's objects are not re-ordered.
    expect(Object.keys(two.sources?.sources ?? {})).toEqual(["y", "x"]);
  });

  it("orders Struct profiles, nested objects included, inside Any annotations", () => {
    const profileA: JsonObject = { title: "Eng", dept: { b: 1, a: [{ z: 1, y: 2 }] }, city: "X" };
    const profileB: JsonObject = { city: "X", dept: { a: [{ y: 2, z: 1 }], b: 1 }, title: "Eng" };
    const a = user("alice", "Alice", profileA);
    const b = user("alice", "Alice", profileB);
    const withRegistry = (r: typeof a) => toCanonicalBinary(ResourceSchema, r, c1zTypeRegistry);
    expect(withRegistry(a)).toEqual(withRegistry(b));
    // Without a registry an Any is kept byte for byte, so the difference remains.
    expect(toCanonicalBinary(ResourceSchema, a)).not.toEqual(toCanonicalBinary(ResourceSchema, b));

    const decoded = fromBinary(ResourceSchema, withRegistry(b));
    const annotation = decoded.annotations[0];
    expect(annotation).toBeDefined();
    const trait = annotation && anyUnpack(annotation, UserTraitSchema);
    expect(Object.keys(trait?.profile ?? {})).toEqual(["city", "dept", "title"]);
    expect(Object.keys((trait?.profile?.dept as JsonObject) ?? {})).toEqual(["a", "b"]);
  });

  it("orders a Struct held directly on a message (Resource.profile)", () => {
    const a = create(ResourceSchema, { displayName: "r", profile: { b: 1, a: 2 } });
    const b = create(ResourceSchema, { displayName: "r", profile: { a: 2, b: 1 } });
    expect(toCanonicalBinary(ResourceSchema, a)).toEqual(toCanonicalBinary(ResourceSchema, b));
    expect(toCanonicalBinary(ResourceSchema, a)).toEqual(toBinary(ResourceSchema, b));
  });

  it("leaves messages without maps as toBinary writes them", () => {
    const trait = create(UserTraitSchema, { login: "x" });
    const any = anyPack(UserTraitSchema, trait);
    const r = create(ResourceSchema, { displayName: "r", annotations: [any] });
    expect(toCanonicalBinary(ResourceSchema, r, c1zTypeRegistry)).toEqual(
      toBinary(ResourceSchema, r),
    );
  });
});
