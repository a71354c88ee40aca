import { describe, expect, it } from "vitest";
import { decodeKsuid, encodeKsuid, KSUID_EPOCH_SECONDS, ksuidTime, newKsuid } from "./ksuid.js";

// Vectors from the KSUID specification (segmentio/ksuid README and its Python/Zed ports).
describe("KSUID", () => {
  it("encodes the nil and max KSUIDs", () => {
    expect(encodeKsuid(new Uint8Array(20))).toBe("000000000000000000000000000");
    expect(encodeKsuid(new Uint8Array(20).fill(0xff))).toBe("aWgEPTl1tmebfsQzFP4bxwgy80V");
  });

  it("matches the README example: timestamp 107608047, payload B5A1…9735", () => {
    const bytes = Buffer.concat([
      Buffer.from([0x06, 0x69, 0xf7, 0xef]), // 107608047
      Buffer.from("B5A1CD34B5F99D1154FB6853345C9735", "hex"),
    ]);
    expect(encodeKsuid(bytes)).toBe("0ujtsYcgvSTl8PAuAdqWYSMnLOv");
    expect(Buffer.from(decodeKsuid("0ujtsYcgvSTl8PAuAdqWYSMnLOv"))).toEqual(bytes);
    expect(ksuidTime("0ujtsYcgvSTl8PAuAdqWYSMnLOv").getTime()).toBe(
      (107608047 + KSUID_EPOCH_SECONDS) * 1000,
    );
  });

  it("matches a second published vector", () => {
    const bytes = Buffer.from("0dfc90519b60f362e84a3fdddd9b9e63e1fb90d1", "hex");
    expect(encodeKsuid(bytes)).toBe("1zjJzTWWCJNVrGwqB8kZwhTM2fR");
  });

  it("generates 27 base-62 characters that carry the time and sort by it", () => {
    const payload = new Uint8Array(16).fill(0xab);
    const early = newKsuid(new Date("2024-01-01T00:00:00Z"), payload);
    const late = newKsuid(new Date("2024-01-01T00:00:01Z"), payload);
    expect(early).toMatch(/^[0-9A-Za-z]{27}$/);
    expect(ksuidTime(early).toISOString()).toBe("2024-01-01T00:00:00.000Z");
    expect(early < late).toBe(true);
    expect(newKsuid()).not.toBe(newKsuid());
  });

  it("rejects malformed ids", () => {
    expect(() => decodeKsuid("short")).toThrow(/27 characters/);
    expect(() => decodeKsuid("00000000000000000000000000!")).toThrow(/invalid KSUID character/);
    expect(() => decodeKsuid("zzzzzzzzzzzzzzzzzzzzzzzzzzz")).toThrow(/out of range/);
  });
});
