import { describe, expect, it } from "vitest";
import { heapPolicyFlags } from "./heap-policy.js";

describe("heapPolicyFlags", () => {
  it("bounds the young generation and the old generation's growth by default", () => {
    expect(heapPolicyFlags([], "")).toEqual([
      "--semi-space-growth-factor=1",
      "--heap-growing-percent=50",
    ]);
  });

  it("leaves the young generation to an operator who sized it, on the command line or in NODE_OPTIONS", () => {
    expect(heapPolicyFlags(["--max-semi-space-size=32"], "")).toEqual([
      "--heap-growing-percent=50",
    ]);
    expect(heapPolicyFlags([], "--enable-source-maps --max_semi_space_size=8")).toEqual([
      "--heap-growing-percent=50",
    ]);
    expect(heapPolicyFlags(["--semi-space-growth-factor=2"], "")).toEqual([
      "--heap-growing-percent=50",
    ]);
  });

  it("leaves the old generation's growth to an operator who chose it", () => {
    expect(heapPolicyFlags(["--heap-growing-percent=0"], "")).toEqual([
      "--semi-space-growth-factor=1",
    ]);
  });

  it("is not fooled by unrelated flags that share a prefix", () => {
    expect(heapPolicyFlags(["--max-old-space-size=512", "--heap-growing"], "")).toHaveLength(2);
  });
});
