import { describe, expect, it } from "vitest";
import { formatC1zTime, parseC1zTime } from "./timestamp.js";

describe("c1z timestamps", () => {
  it("writes local wall time with trailing fractional zeros trimmed", () => {
    expect(formatC1zTime(new Date(2024, 0, 2, 3, 4, 5, 0))).toBe("2024-01-02 03:04:05");
    expect(formatC1zTime(new Date(2024, 0, 2, 3, 4, 5, 500))).toBe("2024-01-02 03:04:05.5");
    expect(formatC1zTime(new Date(2024, 11, 31, 23, 59, 59, 120))).toBe("2024-12-31 23:59:59.12");
    expect(formatC1zTime(new Date(2024, 11, 31, 23, 59, 59, 7))).toBe("2024-12-31 23:59:59.007");
  });

  it("reads its own layout back, and zoned RFC 3339 text", () => {
    const d = new Date(2024, 5, 6, 7, 8, 9, 250);
    expect(parseC1zTime(formatC1zTime(d))?.getTime()).toBe(d.getTime());
    expect(parseC1zTime("2024-06-06 07:08:09.123456789")?.getMilliseconds()).toBe(123);
    expect(parseC1zTime("2024-01-01T00:00:00Z")?.toISOString()).toBe("2024-01-01T00:00:00.000Z");
    expect(parseC1zTime("2024-01-01T02:00:00+02:00")?.toISOString()).toBe(
      "2024-01-01T00:00:00.000Z",
    );
    expect(parseC1zTime("yesterday")).toBeUndefined();
    expect(parseC1zTime(null)).toBeUndefined();
  });
});
