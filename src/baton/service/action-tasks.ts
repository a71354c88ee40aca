/**
 * Action tasks: list and get action schemas, invoke an action and
 * ask for its status, through the connector's own ActionService. Unlike provisioning, a failed
 * action call is retryable; an invoked action that reports BATON_ACTION_STATUS_FAILED is a
 * retryable failure whose message is the response's `error` field.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import {
  BatonActionStatus,
  GetActionSchemaResponseSchema,
  GetActionStatusResponseSchema,
  InvokeActionResponseSchema,
  ListActionSchemasResponseSchema,
} from "../../gen/c1/connector/v2/action_pb.js";
import type {
  Task_ActionGetSchemaTask,
  Task_ActionInvokeTask,
  Task_ActionListSchemasTask,
  Task_ActionStatusTask,
} from "../../gen/c1/connectorapi/baton/v1/baton_pb.js";
import { malformed } from "./provisioning-tasks.js";
import type { TaskContext } from "./task-context.js";
import { failed, succeeded, type TaskOutcome } from "./task-outcome.js";

async function retryable(call: () => Promise<TaskOutcome>): Promise<TaskOutcome> {
  try {
    return await call();
  } catch (e) {
    return failed(e, false);
  }
}

export function actionListSchemasTask(
  t: Task_ActionListSchemasTask,
  ctx: TaskContext,
): Promise<TaskOutcome> {
  return retryable(async () => {
    const r = await ctx.clients.actions.listActionSchemas(
      { annotations: t.annotations, resourceTypeId: t.resourceTypeId },
      { signal: ctx.signal },
    );
    // Go reports the schemas without annotations.
    return { ...succeeded(ListActionSchemasResponseSchema, r), annotations: [] };
  });
}

export function actionGetSchemaTask(
  t: Task_ActionGetSchemaTask,
  ctx: TaskContext,
): Promise<TaskOutcome> {
  if (!t.name) return Promise.resolve(malformed("action get schema", "it has no name"));
  return retryable(async () =>
    succeeded(
      GetActionSchemaResponseSchema,
      await ctx.clients.actions.getActionSchema(
        { name: t.name, annotations: t.annotations },
        { signal: ctx.signal },
      ),
    ),
  );
}

export function actionInvokeTask(t: Task_ActionInvokeTask, ctx: TaskContext): Promise<TaskOutcome> {
  if (!t.name) return Promise.resolve(malformed("action invoke", "it has no name"));
  return retryable(async () => {
    const r = await ctx.clients.actions.invokeAction(
      {
        name: t.name,
        ...(t.args ? { args: t.args } : {}),
        annotations: t.annotations,
        resourceTypeId: t.resourceTypeId,
      },
      { signal: ctx.signal },
    );
    if (r.status === BatonActionStatus.FAILED) {
      const error = r.response?.error;
      const message = typeof error === "string" && error !== "" ? error : "action failed";
      return failed(new ConnectError(message, Code.Unknown), false);
    }
    return succeeded(InvokeActionResponseSchema, r);
  });
}

export function actionStatusTask(t: Task_ActionStatusTask, ctx: TaskContext): Promise<TaskOutcome> {
  if (!t.id) return Promise.resolve(malformed("action status", "it has no id"));
  return retryable(async () =>
    succeeded(
      GetActionStatusResponseSchema,
      await ctx.clients.actions.getActionStatus(
        { name: t.name, id: t.id, annotations: t.annotations },
        { signal: ctx.signal },
      ),
    ),
  );
}
