import { create } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { type Task, TaskSchema } from "../../gen/c1/connectorapi/baton/v1/baton_pb.js";
import { pollBackoffMs, pollLoop, TaskSlots } from "./poll-loop.js";
import { memoryBaton, memoryLogger, recordingSleep } from "./test-support/memory-baton.js";

type Answer = { task?: Task; nextPollMs?: number } | "fail";

/** Polls through `answers`, then stops; returns the waits and the tasks run. */
async function poll(answers: Answer[], slots = 3) {
  const stop = new AbortController();
  const { waits, sleep } = recordingSleep();
  let asked = 0;
  const api = memoryBaton({
    getTask: async (req) => {
      expect(req.hostId).toBe("host-1");
      const a = answers[asked++];
      if (asked >= answers.length) stop.abort();
      if (a === "fail") throw new ConnectError("down", Code.Unavailable);
      return {
        ...(a?.task ? { task: a.task } : {}),
        ...(a?.nextPollMs !== undefined ? { nextPoll: durationFromMs(a.nextPollMs) } : {}),
      };
    },
  });
  const ran: string[] = [];
  await pollLoop({
    api,
    slots: new TaskSlots(slots),
    sleep,
    signal: stop.signal,
    logger: memoryLogger(),
    run: async (task) => {
      ran.push(task.id);
    },
  });
  return { waits, ran, asked: () => asked };
}

const task = (id: string, type: "grant" | "none" = "grant") =>
  create(TaskSchema, { id, taskType: { case: type, value: {} } });

describe("the GetTask loop", () => {
  it("waits n² seconds after the n-th failure in a row, at most 60, and resets on success", async () => {
    expect([1, 2, 3, 7, 8, 20].map(pollBackoffMs)).toEqual([
      1_000, 4_000, 9_000, 49_000, 60_000, 60_000,
    ]);
    const r = await poll(["fail", "fail", "fail", { nextPollMs: 250 }, "fail", { nextPollMs: 0 }]);
    expect(r.waits).toEqual([1_000, 4_000, 9_000, 250, 1_000]);
  });

  it("waits next_poll (clamped to 5 min) after every answer, also after a task", async () => {
    const r = await poll([
      { task: task("t1"), nextPollMs: 500 },
      { nextPollMs: 10 * 60_000 },
      { task: task("n1", "none"), nextPollMs: 20 },
      { task: create(TaskSchema, {}) },
      { task: task("t2") },
    ]);
    expect(r.waits).toEqual([500, 300_000, 20, 0]);
    // `none` tasks and empty ones are not work; a task of a type this build lacks would be.
    expect(r.ran).toEqual(["t1", "t2"]);
  });

  it("asks for work only while a slot is free", async () => {
    let release = () => {};
    const hold = new Promise<void>((r) => {
      release = r;
    });
    let asked = 0;
    const stop = new AbortController();
    const api = memoryBaton({
      getTask: async () => {
        asked++;
        if (asked === 3) stop.abort();
        return asked <= 2 ? { task: task(`t${asked}`) } : {};
      },
    });
    const loop = pollLoop({
      api,
      slots: new TaskSlots(2),
      sleep: recordingSleep().sleep,
      signal: stop.signal,
      logger: memoryLogger(),
      run: () => hold,
    });
    await new Promise((r) => setTimeout(r, 50));
    // Both slots hold a task: no third GetTask until one of them is done.
    expect(asked).toBe(2);
    release();
    await loop;
    expect(asked).toBe(3);
  });

  it("task slots count and wake waiters in order", async () => {
    const slots = new TaskSlots(1);
    const never = new AbortController().signal;
    expect(await slots.acquire(never)).toBe(true);
    expect(slots.inUse).toBe(1);
    const order: string[] = [];
    const w1 = slots.acquire(never).then((ok) => order.push(`w1:${ok}`));
    const cancel = new AbortController();
    const w2 = slots.acquire(cancel.signal).then((ok) => order.push(`w2:${ok}`));
    cancel.abort();
    await w2;
    slots.release();
    await w1;
    expect(order).toEqual(["w2:false", "w1:true"]);
    expect(slots.inUse).toBe(1);
  });
});
