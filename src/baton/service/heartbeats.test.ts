import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { HEARTBEAT_FAILURE_LIMIT, heartbeatIntervalMs, startHeartbeats } from "./heartbeats.js";
import { memoryBaton, memoryLogger, recordingSleep } from "./test-support/memory-baton.js";

/** Runs heartbeats until they stop on their own; returns why, the waits and the beats sent. */
async function beatUntilStopped(
  answer: (n: number) => { cancelled?: boolean; nextMs?: number } | "fail",
) {
  let sent = 0;
  const { waits, sleep } = recordingSleep();
  const api = memoryBaton({
    heartbeat: async (req) => {
      expect(req.hostId).toBe("host-1");
      expect(req.taskId).toBe("T".repeat(27));
      sent++;
      const a = answer(sent);
      if (a === "fail") throw new ConnectError("down", Code.Unavailable);
      return { cancelled: a.cancelled ?? false, nextHeartbeat: durationFromMs(a.nextMs ?? 0) };
    },
  });
  const stopped = new Promise<string>((resolve) => {
    startHeartbeats(2000, {
      api,
      taskId: "T".repeat(27),
      logger: memoryLogger(),
      sleep,
      onStop: resolve,
    });
  });
  return { why: await stopped, waits, sent: () => sent };
}

describe("heartbeats", () => {
  it("map next_heartbeat: 0 is 30 s, clamped to 1 s .. 5 min", () => {
    expect(heartbeatIntervalMs(0)).toBe(30_000);
    expect(heartbeatIntervalMs(-5)).toBe(30_000);
    expect(heartbeatIntervalMs(200)).toBe(1_000);
    expect(heartbeatIntervalMs(2_000)).toBe(2_000);
    expect(heartbeatIntervalMs(3_600_000)).toBe(300_000);
  });

  it("follow each answer's next_heartbeat and stop when C1 cancels", async () => {
    const next = [5_000, 0, 500];
    const r = await beatUntilStopped((n) =>
      n <= 3 ? { nextMs: next[n - 1] } : { cancelled: true },
    );
    expect(r.why).toBe("cancelled");
    expect(r.sent()).toBe(4);
    // The first interval comes from the first (synchronous) heartbeat's answer.
    expect(r.waits).toEqual([2_000, 5_000, 30_000, 1_000]);
  });

  it("tolerate 9 failed beats in a row; the 10th cycle cancels without sending", async () => {
    const r = await beatUntilStopped(() => "fail");
    expect(r.why).toBe("failing");
    expect(HEARTBEAT_FAILURE_LIMIT).toBe(10);
    expect(r.sent()).toBe(9);
    // Failures are not backed off: every cycle waits the same interval.
    expect(r.waits).toEqual(Array(10).fill(2_000));
  });

  it("a successful beat resets the count", async () => {
    // Fail 8, succeed once, then fail until stopped: 8 + 1 + 9 beats are sent.
    const r = await beatUntilStopped((n) => (n === 9 ? { nextMs: 2_000 } : "fail"));
    expect(r.why).toBe("failing");
    expect(r.sent()).toBe(18);
  });
});
