import { describe, expect, it } from "vitest";
import { decodeIdPart, encodeIdPart, entitlementId, grantId, resourceKey } from "./ids.js";

describe("ids", () => {
  it("joins entitlement and grant ids with plain colons", () => {
    const eng = { resourceType: "group", resource: "eng" };
    expect(resourceKey(eng)).toBe("group:eng");
    expect(entitlementId(eng, "member")).toBe("group:eng:member");
    expect(grantId("group:eng:member", { resourceType: "user", resource: "42" })).toBe(
      "group:eng:member:user:42",
    );
    expect(grantId("role:admin:assigned", eng)).toBe("role:admin:assigned:group:eng");
  });

  it("percent-encodes colons, slashes, backslashes, white space, control characters and %", () => {
    expect(encodeIdPart("Sales: EMEA/West")).toBe("Sales%3A%20EMEA%2FWest");
    expect(encodeIdPart("a\\b\tc\nd")).toBe("a%5Cb%09c%0Ad");
    expect(encodeIdPart("100%")).toBe("100%25");
    expect(encodeIdPart("a\u00a0b")).toBe("a%C2%A0b"); // non-breaking space is white space too
    expect(encodeIdPart("\u0007")).toBe("%07");
  });

  it("keeps ordinary ids, including non-ASCII letters, readable", () => {
    for (const plain of ["u1", "Learner", "café", "José-María_2", "a.b@c", "日本"]) {
      expect(encodeIdPart(plain)).toBe(plain);
    }
  });

  it("round-trips every value, and keeps joins unambiguous", () => {
    const values = ["Custom: Role", "a b", "x%3Ay", "50% off", "a/b\\c", "tab\there", "ü:ö", ""];
    for (const v of values) expect(decodeIdPart(encodeIdPart(v))).toBe(v);

    const role = { resourceType: "role", resource: encodeIdPart("Custom: Role") };
    const user = { resourceType: "user", resource: encodeIdPart("a b:c") };
    const id = grantId(entitlementId(role, "assigned"), user);
    expect(id).toBe("role:Custom%3A%20Role:assigned:user:a%20b%3Ac");
    const parts = id.split(":");
    expect(parts).toHaveLength(5);
    expect(decodeIdPart(parts[1] ?? "")).toBe("Custom: Role");
    expect(decodeIdPart(parts[4] ?? "")).toBe("a b:c");
  });
});
