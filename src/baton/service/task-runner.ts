/**
 * One task's run inside the service host: a log line at its start, its handler under the right
 * cancellation (syncs stop as soon as shutdown begins, other tasks at the end of the drain), its
 * outcome reported with FinishTask (unless it is one that is never reported), a log line at its
 * end, and the observers told.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import type { Task } from "../../gen/c1/connectorapi/baton/v1/baton_pb.js";
import type { BatonApi } from "./baton-api.js";
import type { ServiceLogger } from "./service-logger.js";
import type { TaskContext } from "./task-context.js";
import { handleTask, isSyncTask, taskTypeName } from "./task-dispatch.js";
import { failed, type TaskOutcome } from "./task-outcome.js";

/** What a task's end looks like to observers (logs, and the metrics of a later issue). */
export interface TaskEnd {
  taskId: string;
  type: string;
  outcome: TaskOutcome["kind"];
  code?: Code;
  nonRetryable?: boolean;
  durationMs: number;
}

/** Optional observers, a seam for metrics: called synchronously, must not throw. */
export interface ServiceHooks {
  onStarted?(info: { hostId: string; apiHost: string; health?: string }): void;
  onPoll?(ok: boolean): void;
  onTaskStart?(info: { taskId: string; type: string }): void;
  onTaskEnd?(info: TaskEnd): void;
}

/** The abort reason of a shutdown: a Canceled error that names it. */
export function shutdown(why: string): ConnectError {
  return new ConnectError(`the connector is shutting down (${why})`, Code.Canceled);
}

/** What runTask needs from the host. */
export interface TaskRunner {
  context: (signal: AbortSignal) => TaskContext;
  /** Aborted when shutdown begins. */
  stopping: AbortSignal;
  /** Aborted at the end of the drain (or on a second signal). */
  hardStop: AbortSignal;
  api: BatonApi;
  logger: ServiceLogger;
  hooks?: ServiceHooks;
}

/** Runs one task, logs its start and end, and reports its outcome. */
export async function runTask(task: Task, r: TaskRunner): Promise<void> {
  const { context, stopping, hardStop, api } = r;
  const type = taskTypeName(task);
  const fields = { task_id: task.id, task_type: type };
  const started = Date.now();
  r.logger.info(fields, "task started");
  r.hooks?.onTaskStart?.({ taskId: task.id, type });
  // Syncs stop as soon as shutdown begins; everything else only at the end of the drain.
  const signal = isSyncTask(task) ? AbortSignal.any([stopping, hardStop]) : hardStop;
  let outcome: TaskOutcome;
  if (stopping.aborted && task.taskType.case !== "hello") {
    outcome = failed(stopping.reason, false);
  } else {
    try {
      outcome = await handleTask(task, context(signal));
    } catch (e) {
      outcome = failed(e, false);
    }
    if (outcome.kind === "failure" && signal.aborted && outcome.error.code !== Code.Canceled) {
      outcome = failed(signal.reason, false);
    }
  }
  const end: TaskEnd = {
    taskId: task.id,
    type,
    outcome: outcome.kind,
    durationMs: Date.now() - started,
    ...(outcome.kind === "failure"
      ? { code: outcome.error.code, nonRetryable: outcome.nonRetryable }
      : {}),
  };
  if (outcome.kind === "unreported") {
    r.logger.info(
      { ...fields, duration_ms: end.durationMs, reason: outcome.reason },
      "task ended (not reported)",
    );
  } else {
    try {
      await api.finishTask(task.id, outcome);
    } catch (e) {
      r.logger.error(
        { ...fields, err: ConnectError.from(e).message },
        "could not report the task's outcome to ConductorOne",
      );
    }
    r.logger.info(
      {
        ...fields,
        duration_ms: end.durationMs,
        outcome: outcome.kind,
        ...(outcome.kind === "failure"
          ? {
              code: Code[outcome.error.code],
              non_retryable: outcome.nonRetryable,
              err: outcome.error.rawMessage,
            }
          : {}),
      },
      "task finished",
    );
  }
  r.hooks?.onTaskEnd?.(end);
}
