/**
 * Heartbeats of a running sync. The first is sent before any
 * connector work and decides whether the task starts at all; the rest follow `next_heartbeat`
 * (0 means 30 s, clamped to 1 s .. 5 min) until the task ends. `cancelled` stops the task; so do
 * 10 cycles without a successful beat (9 failures are tolerated, the 10th cycle cancels without
 * sending). Failed beats are not backed off: the next follows the same interval.
 */
import { realSleep, type Sleep } from "../retry.js";
import type { BatonApi } from "./baton-api.js";
import type { ServiceLogger } from "./service-logger.js";

/** Cycles without a successful heartbeat after which the task is cancelled. */
export const HEARTBEAT_FAILURE_LIMIT = 10;

/** The wait before the next heartbeat for C1's `next_heartbeat`. */
export function heartbeatIntervalMs(nextHeartbeatMs: number): number {
  if (nextHeartbeatMs <= 0) return 30_000;
  return Math.min(Math.max(nextHeartbeatMs, 1_000), 300_000);
}

/** Why the heartbeats stopped the task. */
export type HeartbeatStop = "cancelled" | "failing";

export interface HeartbeatOptions {
  api: BatonApi;
  taskId: string;
  logger: ServiceLogger;
  sleep?: Sleep;
  /** Called once when C1 cancels the task or heartbeats keep failing. */
  onStop: (why: HeartbeatStop) => void;
}

/** Running heartbeats; `stop()` ends them (and waits for a beat in flight). */
export interface Heartbeats {
  stop(): Promise<void>;
}

/** Sends beats every interval from `firstIntervalMs` on, until stopped. */
export function startHeartbeats(firstNextMs: number, o: HeartbeatOptions): Heartbeats {
  const sleep = o.sleep ?? realSleep;
  const ended = new AbortController();
  const loop = (async () => {
    let interval = heartbeatIntervalMs(firstNextMs);
    let cycles = 0;
    for (;;) {
      try {
        await sleep(interval, ended.signal);
      } catch {
        return;
      }
      cycles++;
      if (cycles >= HEARTBEAT_FAILURE_LIMIT) {
        o.logger.warn(
          { task_id: o.taskId, cycles },
          "heartbeats kept failing; cancelling the task",
        );
        o.onStop("failing");
        return;
      }
      try {
        const beat = await o.api.heartbeat(o.taskId, ended.signal);
        cycles = 0;
        interval = heartbeatIntervalMs(beat.nextHeartbeatMs);
        if (beat.cancelled) {
          o.logger.info({ task_id: o.taskId }, "ConductorOne cancelled the task");
          o.onStop("cancelled");
          return;
        }
      } catch (e) {
        if (ended.signal.aborted) return;
        o.logger.warn(
          { task_id: o.taskId, err: e instanceof Error ? e.message : String(e) },
          "heartbeat failed",
        );
      }
    }
  })();
  return {
    stop: async () => {
      ended.abort();
      await loop;
    },
  };
}
