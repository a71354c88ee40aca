/**
 * Which handler runs a task by the task's oneof case. A `hello`
 * task answers with Hello and is never finished; types without a handler (`event_feed`,
 * `create_sync_diff`, `compact_syncs`, or a case this build does not know) finish at once with
 * Unknown "unsupported task type", retryable, as Go finishes them, so none is left hanging.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import type { Task } from "../../gen/c1/connectorapi/baton/v1/baton_pb.js";
import {
  actionGetSchemaTask,
  actionInvokeTask,
  actionListSchemasTask,
  actionStatusTask,
} from "./action-tasks.js";
import {
  bulkCreateTicketsTask,
  bulkGetTicketsTask,
  createTicketTask,
  getTicketTask,
  listEventFeedsTask,
  listEventsTask,
  listTicketSchemasTask,
} from "./feed-and-ticket-tasks.js";
import {
  createAccountTask,
  createResourceTask,
  deleteResourceTask,
  grantTask,
  issueCredentialTask,
  revokeTask,
  rotateCredentialsTask,
} from "./provisioning-tasks.js";
import { syncTask } from "./sync-task.js";
import type { TaskContext } from "./task-context.js";
import { failed, type TaskOutcome } from "./task-outcome.js";

/** The task type as the spec spells it (`sync_full`, `grant`, …), for logs; `unknown` otherwise. */
export function taskTypeName(task: Task): string {
  const c = task.taskType.case;
  return c === undefined ? "unknown" : c.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
}

/** Whether the response carries no work: no task, a `none` task, or one without id or type. */
export function isNoTask(task: Task | undefined): boolean {
  return !task || task.taskType.case === "none" || (task.taskType.case === undefined && !task.id);
}

/** Whether the task is a sync (the long-running kind, cancelled at once on shutdown). */
export function isSyncTask(task: Task): boolean {
  return task.taskType.case === "syncFull";
}

function unsupported(): TaskOutcome {
  return failed(new ConnectError("unsupported task type", Code.Unknown), false);
}

/** Runs one task to its outcome; never throws. */
export async function handleTask(task: Task, ctx: TaskContext): Promise<TaskOutcome> {
  const t = task.taskType;
  switch (t.case) {
    case "hello":
      try {
        await ctx.api.hello(task.id, await ctx.helloBody(ctx.signal), ctx.signal);
        return { kind: "unreported", reason: "a hello task is answered with Hello" };
      } catch (e) {
        return { kind: "unreported", reason: `Hello failed: ${ConnectError.from(e).message}` };
      }
    case "syncFull":
      return syncTask(task.id, t.value, ctx);
    case "grant":
      return grantTask(t.value, ctx);
    case "revoke":
      return revokeTask(t.value, ctx);
    case "createAccount":
      return createAccountTask(t.value, ctx);
    case "createResource":
      return createResourceTask(t.value, ctx);
    case "deleteResource":
      return deleteResourceTask(t.value, ctx);
    case "rotateCredentials":
      return rotateCredentialsTask(t.value, ctx);
    case "issueCredential":
      return issueCredentialTask(t.value, task.id, ctx);
    case "actionListSchemas":
      return actionListSchemasTask(t.value, ctx);
    case "actionGetSchema":
      return actionGetSchemaTask(t.value, ctx);
    case "actionInvoke":
      return actionInvokeTask(t.value, ctx);
    case "actionStatus":
      return actionStatusTask(t.value, ctx);
    case "listEventFeeds":
      return listEventFeedsTask(t.value, ctx);
    case "listEvents":
      return listEventsTask(t.value, ctx);
    case "createTicketTask":
      return createTicketTask(t.value, ctx);
    case "bulkCreateTickets":
      return bulkCreateTicketsTask(t.value, ctx);
    case "getTicket":
      return getTicketTask(t.value, ctx);
    case "bulkGetTickets":
      return bulkGetTicketsTask(t.value, ctx);
    case "listTicketSchemas":
      return listTicketSchemasTask(t.value, ctx);
    case "none":
      return { kind: "unreported", reason: "not a task" };
    case "eventFeed":
    case "createSyncDiff":
    case "compactSyncs":
    case undefined:
      return unsupported();
  }
}
