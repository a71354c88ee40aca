// Sleeping helper for latency and slow-response faults; kept apart so the servers read plainly.

import { setTimeout as sleepMs } from "node:timers/promises";

/** Waits `ms` milliseconds; resolves at once for 0. */
export async function sleep(ms: number): Promise<void> {
  if (ms > 0) await sleepMs(ms);
}
