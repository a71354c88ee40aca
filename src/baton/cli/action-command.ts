/**
 * One-shot actions, spelt as the Go SDK's CLI spells them: `--list-action-schemas`
 * (`--list-action-schemas-resource-type T`) prints what the connector offers, and
 * `--invoke-action NAME [--invoke-action-resource-type T] [--invoke-action-args JSON]` runs one
 * through the same ActionService a platform calls, waits for it and prints its result. Invoking
 * changes the system, so it needs `--provisioning`, like grants; with `--dry-run` it is planned
 * instead and needs no `--provisioning` (both in run-or-plan.ts). With `--connector-addr` both go
 * to the connector served there, as grants do, and no Seismic settings are needed.
 */
import type { JsonObject } from "@bufbuild/protobuf";
import type { Field } from "../../gen/c1/config/v1/config_pb.js";
import { ActionType, BatonActionStatus } from "../../gen/c1/connector/v2/action_pb.js";
import { ACTION_TIMEOUT_MS } from "../actions/action-runs.js";
import type { DryRunRecorder } from "../dry-run.js";
import { Code, ConnectError, UsageError } from "../errors.js";
import { connectorClients } from "../sync/clients.js";
import { connectConnector } from "./connector-transport.js";
import type { ConnectorDefinition } from "./definition.js";
import { jsonObjectFlag } from "./json-flag.js";
import { namesProvisioningOperation } from "./provision-command.js";
import type { RunContext } from "./run-context.js";
import { type OperationOutput, runOrPlan } from "./run-or-plan.js";

/** Whether an action flag was given. */
export function wantsAction(c: Record<string, unknown>): boolean {
  return Boolean(c.invokeAction || c.listActionSchemas);
}

/** `--invoke-action-args`: a JSON object (empty when not given). */
export function parseActionArgs(text: unknown): JsonObject {
  return jsonObjectFlag("invoke-action-args", text, '{"user_id":"<user id>"}');
}

function describeArgument(f: Field): string {
  const kind = {
    stringField: "text",
    intField: "integer",
    boolField: "true/false",
    stringSliceField: "list of text",
    stringMapField: "object",
    resourceIdField: "resource id",
    resourceIdListField: "list of resource ids",
  }[f.field.case ?? "stringField"];
  return `${f.name} (${kind}${f.isRequired ? ", required" : ""})`;
}

/**
 * A refused invocation as the flag to fix (exit 2): the resource type, the action name, or one of
 * its arguments. Anything else (the delegation user refused, Seismic down) stays as it is.
 */
function asFlagError(e: unknown): unknown {
  if (!(e instanceof ConnectError)) return e;
  const flag = e.rawMessage.includes("resource_type_id")
    ? "--invoke-action-resource-type"
    : e.code === Code.NotFound
      ? "--invoke-action"
      : e.code === Code.InvalidArgument
        ? "--invoke-action-args"
        : undefined;
  return flag ? new UsageError(`${flag}: ${e.rawMessage}`) : e;
}

/** Lists or invokes an action and prints the outcome; returns the exit code. */
export async function actionCommand(def: ConnectorDefinition, ctx: RunContext): Promise<number> {
  const c = ctx.config;
  if (c.invokeAction && c.listActionSchemas) {
    throw new UsageError("choose --invoke-action or --list-action-schemas, not both");
  }
  if (namesProvisioningOperation(c)) {
    throw new UsageError(
      "choose one provisioning operation at a time (an action, or a grant, revoke, account creation or deletion)",
    );
  }
  const invoke = typeof c.invokeAction === "string" ? c.invokeAction : undefined;
  if (!invoke) return listOrInvoke(def, ctx, undefined, {}, { out: print, err: print });
  const args = parseActionArgs(c.invokeActionArgs);
  return runOrPlan(ctx, `--invoke-action ${invoke}`, (io, dryRun) =>
    listOrInvoke(def, ctx, invoke, args, io, dryRun),
  );
}

const print = (line: string) => process.stdout.write(`${line}\n`);

/** Lists the schemas (no `invoke`) or invokes one action, printing through `io`. */
async function listOrInvoke(
  def: ConnectorDefinition,
  ctx: RunContext,
  invoke: string | undefined,
  args: JsonObject,
  { out, err }: OperationOutput,
  dryRun?: DryRunRecorder,
): Promise<number> {
  const c = ctx.config;
  // A dry run writes nothing, so it may run an action without --provisioning.
  const { transport, instance } = await connectConnector(def, ctx, {
    provisioning: Boolean(c.provisioning || dryRun),
    ...(dryRun ? { dryRun } : {}),
  });
  const { actions } = connectorClients(transport);
  try {
    if (!invoke) {
      const res = await actions.listActionSchemas({
        resourceTypeId: (c.listActionSchemasResourceType as string | undefined) ?? "",
      });
      if (res.schemas.length === 0) out("no actions");
      for (const s of res.schemas) {
        const types = s.actionType.map((t) => ActionType[t]).join(", ");
        out(`${s.name} (resource type ${s.resourceTypeId || "none"}${types ? `; ${types}` : ""})`);
        if (s.description) out(`  ${s.description}`);
        out(`  arguments: ${s.arguments.map(describeArgument).join(", ") || "none"}`);
      }
      return 0;
    }
    const res = await actions
      .invokeAction({
        name: invoke,
        resourceTypeId: (c.invokeActionResourceType as string | undefined) ?? "",
        args,
        // Wait for the result: a one-shot run has nothing else to do.
        inlineWait: { seconds: BigInt(ACTION_TIMEOUT_MS / 1000) },
      })
      .catch((e: unknown) => {
        throw asFlagError(e);
      });
    const response = res.response ?? {};
    if (res.status === BatonActionStatus.COMPLETE) {
      out(
        typeof response.message === "string"
          ? `${res.name}: ${response.message}`
          : `${res.name}: ${JSON.stringify(response)}`,
      );
      return 0;
    }
    const reason =
      res.status === BatonActionStatus.FAILED
        ? String(response.error ?? "no reason given")
        : `still ${BatonActionStatus[res.status].toLowerCase()} (action id ${res.id})`;
    err(`error: action ${res.name} failed: ${reason}`);
    return 1;
  } finally {
    await instance?.close();
  }
}
