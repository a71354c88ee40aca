/**
 * The GetTask loop. A free task slot is taken before asking, so
 * the connector never claims work it cannot start; a task runs concurrently and gives its slot
 * back when done. After every answer the loop waits `next_poll` (clamped to 0 .. 5 min), even
 * when work just arrived; after the n-th failure in a row it waits n² seconds, at most 60.
 */
import type { Task } from "../../gen/c1/connectorapi/baton/v1/baton_pb.js";
import type { Sleep } from "../retry.js";
import type { BatonApi } from "./baton-api.js";
import type { ServiceLogger } from "./service-logger.js";
import { isNoTask } from "./task-dispatch.js";

/** Longest `next_poll` honoured. */
const MAX_POLL_MS = 5 * 60_000;
/** How long a GetTask in flight may finish after a stop, so a task it claims is not lost. */
const STOP_GRACE_MS = 2_000;

/** The wait after the n-th consecutive GetTask failure: n² s, capped at 60 s. */
export function pollBackoffMs(failures: number): number {
  return Math.min(failures * failures, 60) * 1000;
}

/** Counting semaphore of task slots. */
export class TaskSlots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    this.free = size;
  }

  /** Takes a slot; false when `signal` aborted first. */
  acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.free > 0) {
      this.free--;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const grant = () => {
        signal.removeEventListener("abort", onAbort);
        resolve(true);
      };
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(grant), 1);
        resolve(false);
      };
      this.waiting.push(grant);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }

  get inUse(): number {
    return this.size - this.free;
  }
}

export interface PollLoopOptions {
  api: BatonApi;
  slots: TaskSlots;
  sleep: Sleep;
  /** Ends the loop (shutdown). */
  signal: AbortSignal;
  logger: ServiceLogger;
  /** Runs a task; the promise settles when it is done. */
  run: (task: Task) => Promise<void>;
  /** Each GetTask's result, for metrics. */
  onPoll?: (ok: boolean) => void;
}

/** Polls until `signal` aborts; tasks still running are the caller's to wait for. */
export async function pollLoop(o: PollLoopOptions): Promise<void> {
  let failures = 0;
  const wait = async (ms: number) => {
    try {
      await o.sleep(ms, o.signal);
    } catch {
      // Stopped while waiting.
    }
  };
  while (!o.signal.aborted) {
    if (!(await o.slots.acquire(o.signal))) break;
    let answer: Awaited<ReturnType<BatonApi["getTask"]>>;
    try {
      answer = await getTaskWithGrace(o.api, o.signal);
    } catch (e) {
      o.slots.release();
      if (o.signal.aborted) break;
      failures++;
      o.onPoll?.(false);
      const backoff = pollBackoffMs(failures);
      o.logger.warn(
        { failures, wait_ms: backoff, err: e instanceof Error ? e.message : String(e) },
        "GetTask failed; backing off",
      );
      await wait(backoff);
      continue;
    }
    failures = 0;
    o.onPoll?.(true);
    const { task } = answer;
    if (isNoTask(task) || !task) {
      o.slots.release();
    } else {
      void o.run(task).finally(() => o.slots.release());
    }
    await wait(Math.min(Math.max(answer.nextPollMs, 0), MAX_POLL_MS));
  }
}

/** GetTask that a stop does not cut off at once: a claimed task must reach the host. */
function getTaskWithGrace(api: BatonApi, stop: AbortSignal) {
  const call = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onStop = () => {
    timer = setTimeout(() => call.abort(stop.reason), STOP_GRACE_MS);
  };
  stop.addEventListener("abort", onStop, { once: true });
  return api.getTask(call.signal).finally(() => {
    stop.removeEventListener("abort", onStop);
    clearTimeout(timer);
  });
}
