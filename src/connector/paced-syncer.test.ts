import { describe, expect, it } from "vitest";
import type { CallContext, ResourceSyncer } from "../baton/connector.js";
import { pacedSyncer } from "./paced-syncer.js";
import { userType } from "./resource-types.js";

describe("pacedSyncer", () => {
  it("starts each listing only once the read-ahead has gone out, with the call's signal", async () => {
    const started: string[] = [];
    const syncer: ResourceSyncer = {
      resourceType: userType,
      list: async () => {
        started.push("list");
        return { items: [] };
      },
      entitlements: async () => {
        started.push("entitlements");
        return { items: [] };
      },
      grants: async () => {
        started.push("grants");
        return { items: [] };
      },
      get: async () => undefined,
    };
    let release = () => {};
    const signals: (AbortSignal | undefined)[] = [];
    const paced = pacedSyncer(syncer, (signal) => {
      signals.push(signal);
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    const ctx: CallContext = { signal: new AbortController().signal, activeSyncId: "s" };
    const listed = paced.list(undefined, { token: "", size: 0 }, ctx);
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([]);
    release();
    expect((await listed).items).toEqual([]);
    const granted = paced.grants({} as never, { token: "", size: 0 }, ctx);
    await new Promise((r) => setImmediate(r));
    release();
    await granted;
    expect(started).toEqual(["list", "grants"]);
    expect(signals).toEqual([ctx.signal, ctx.signal]);
    // Calls that are not listings are not held back.
    expect(paced.get).toBe(syncer.get);
  });
});
