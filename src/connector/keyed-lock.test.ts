import { describe, expect, it } from "vitest";
import { KeyedLock } from "./keyed-lock.js";

describe("KeyedLock", () => {
  it("runs tasks of one key one at a time, in order, and other keys alongside", async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const task = (name: string) => async () => {
      running++;
      most = Math.max(most, running);
      log.push(`start ${name}`);
      await new Promise<void>((resolve) => gates.push(resolve));
      log.push(`end ${name}`);
      running--;
      return name;
    };
    const a1 = lock.run("a", task("a1"));
    const a2 = lock.run("a", task("a2"));
    const b1 = lock.run("b", task("b1"));
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(["start a1", "start b1"]);
    while (gates.length > 0 || log.length < 6) {
      gates.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all([a1, a2, b1])).toEqual(["a1", "a2", "b1"]);
    expect(log.indexOf("start a2")).toBeGreaterThan(log.indexOf("end a1"));
    expect(most).toBe(2);
    expect(lock.size).toBe(0);
  });

  it("goes on after a task that failed", async () => {
    const lock = new KeyedLock();
    await expect(lock.run("a", () => Promise.reject(new Error("no")))).rejects.toThrow("no");
    expect(await lock.run("a", async () => 1)).toBe(1);
    expect(lock.size).toBe(0);
  });
});
