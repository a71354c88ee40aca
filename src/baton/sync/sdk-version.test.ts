import { describe, expect, it } from "vitest";
import { SDK_VERSION } from "../builder.js";
import { sendsSyncId } from "./sdk-version.js";

describe("sendsSyncId", () => {
  it("accepts the version this runtime reports, with Go's leading v", () => {
    expect(SDK_VERSION).toBe("v0.25.0");
    expect(sendsSyncId(SDK_VERSION)).toBe(true);
  });

  it("compares numerically from v0.4.3 up, with or without the v", () => {
    expect(sendsSyncId("v0.4.3")).toBe(true);
    expect(sendsSyncId("0.4.3")).toBe(true);
    expect(sendsSyncId("v0.4.2")).toBe(false);
    expect(sendsSyncId("v0.10.0")).toBe(true);
    expect(sendsSyncId("v1.0.0+build.7")).toBe(true);
  });

  it("refuses pre-releases and anything that is not a version", () => {
    expect(sendsSyncId("v0.25.0-rc.1")).toBe(false);
    expect(sendsSyncId("")).toBe(false);
    expect(sendsSyncId("latest")).toBe(false);
  });
});
