/**
 * `ActionService` over the actions the syncers declare: ListActionSchemas (all, or one type's),
 * GetActionSchema by name, InvokeAction (provisioning only; arguments checked against the schema,
 * then the action runs and the call waits for it up to `inline_wait`, else the server default)
 * and GetActionStatus by id. Like the Go SDK, a slow action answers RUNNING with its id and keeps
 * going; a failed one is FAILED with the reason in `response.error`.
 */
import { create } from "@bufbuild/protobuf";
import type { Duration } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  type ActionService,
  ActionType,
  type BatonActionSchema,
  BatonActionSchemaSchema,
  GetActionSchemaResponseSchema,
  GetActionStatusResponseSchema,
  InvokeActionResponseSchema,
  ListActionSchemasResponseSchema,
} from "../../gen/c1/connector/v2/action_pb.js";
import type { Connector, ResourceAction } from "../connector.js";
import { invalidArgument, provisioningDisabled } from "../errors.js";
import { enforce, optional, required } from "../request-rules.js";
import type { ServiceContext } from "../services/context.js";
import { checkArgs } from "./action-args.js";
import { ACTION_TIMEOUT_MS, type ActionState } from "./action-runs.js";

/** The longest `inline_wait` a request may ask for (the proto's rule). */
const MAX_INLINE_WAIT_SECONDS = 86_400n;

interface Declared {
  readonly schema: BatonActionSchema;
  readonly action: ResourceAction;
}

/**
 * Every action of the connector with its full schema, sorted by type then name. Throws for a
 * connector that declares one name twice on a type, or two actions of the same action type there
 * (Go's registry refuses both; DYNAMIC and UNSPECIFIED may repeat).
 */
export function declaredActions(connector: Connector): Declared[] {
  const out: Declared[] = [];
  for (const s of connector.syncers) {
    const typeId = s.resourceType.id;
    const seenTypes = new Map<ActionType, string>();
    const seenNames = new Set<string>();
    for (const action of s.actions ?? []) {
      const schema = create(BatonActionSchemaSchema, action.schema);
      schema.resourceTypeId = typeId;
      if (!schema.name || seenNames.has(schema.name)) {
        throw new Error(
          `resource type "${typeId}" declares action "${schema.name}" twice or unnamed`,
        );
      }
      seenNames.add(schema.name);
      for (const t of schema.actionType) {
        if (t === ActionType.UNSPECIFIED || t === ActionType.DYNAMIC) continue;
        const other = seenTypes.get(t);
        if (other) {
          throw new Error(
            `resource type "${typeId}": actions "${other}" and "${schema.name}" share action type ${ActionType[t]}`,
          );
        }
        seenTypes.set(t, schema.name);
      }
      out.push({ schema, action });
    }
  }
  // Plain code-unit order, so the listing is the same whatever the process locale.
  const key = (d: Declared) => `${d.schema.resourceTypeId}\u0000${d.schema.name}`;
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** How long InvokeAction waits for the result: `inline_wait`, else the server default. */
function inlineWaitMs(wait: Duration | undefined, defaultMs: number): number {
  const field = "InvokeActionRequest.inline_wait";
  if (!wait || (wait.seconds === 0n && wait.nanos === 0)) return defaultMs;
  if (wait.seconds < 0n || wait.nanos < 0) throw invalidArgument(field, "must not be negative");
  if (
    wait.seconds > MAX_INLINE_WAIT_SECONDS ||
    (wait.seconds === MAX_INLINE_WAIT_SECONDS && wait.nanos > 0)
  ) {
    throw invalidArgument(field, `must be at most ${MAX_INLINE_WAIT_SECONDS} seconds`);
  }
  // An action never runs longer than its timeout, so waiting longer would only wait for nothing.
  return Math.min(Number(wait.seconds) * 1000 + Math.ceil(wait.nanos / 1e6), ACTION_TIMEOUT_MS);
}

export function actionService(sc: ServiceContext): ServiceImpl<typeof ActionService> {
  const declared = declaredActions(sc.connector);

  /** The action a request names; the type may be left out when only one type has the name. */
  const resolve = (name: string, typeId: string): Declared => {
    const T = "InvokeActionRequest";
    if (typeId) sc.syncer(typeId, `${T}.resource_type_id`);
    const matches = declared.filter(
      (d) => d.schema.name === name && (!typeId || d.schema.resourceTypeId === typeId),
    );
    const [only, second] = matches;
    if (!only) {
      const offered = declared
        .filter((d) => !typeId || d.schema.resourceTypeId === typeId)
        .map((d) => d.schema.name);
      throw new ConnectError(
        `${T}.name: no action "${name}"${typeId ? ` on resource type "${typeId}"` : ""} (offered: ${offered.join(", ") || "none"})`,
        Code.NotFound,
      );
    }
    if (second) {
      throw invalidArgument(
        `${T}.resource_type_id`,
        `is required: action "${name}" exists on ${matches.map((m) => `"${m.schema.resourceTypeId}"`).join(", ")}`,
      );
    }
    return only;
  };

  /** Waits up to `ms` for the action to finish; a caller who goes away stops only the waiting. */
  const waitFor = async (state: ActionState, ms: number, signal: AbortSignal): Promise<void> => {
    const stop = new AbortController();
    try {
      await Promise.race([
        state.done,
        sc.options.sleep(ms, AbortSignal.any([stop.signal, signal])).catch(() => {}),
      ]);
    } finally {
      stop.abort();
    }
  };

  return {
    async listActionSchemas(req) {
      enforce(optional("ListActionSchemasRequest.resource_type_id", req.resourceTypeId));
      // Like Go: an unknown type simply has no actions.
      const schemas = declared
        .filter((d) => !req.resourceTypeId || d.schema.resourceTypeId === req.resourceTypeId)
        .map((d) => d.schema);
      return create(ListActionSchemasResponseSchema, { schemas });
    },
    async getActionSchema(req) {
      enforce(required("GetActionSchemaRequest.name", req.name));
      const found = declared.find((d) => d.schema.name === req.name);
      if (!found) throw new ConnectError(`action "${req.name}" not found`, Code.NotFound);
      return create(GetActionSchemaResponseSchema, { schema: found.schema });
    },
    async invokeAction(req, ctx) {
      if (!sc.options.provisioning) throw provisioningDisabled();
      const T = "InvokeActionRequest";
      enforce(
        required(`${T}.name`, req.name),
        optional(`${T}.resource_type_id`, req.resourceTypeId),
      );
      const { schema, action } = resolve(req.name, req.resourceTypeId);
      const waitMs = inlineWaitMs(req.inlineWait, sc.options.actionWaitMs);
      const run = action.prepare(checkArgs(schema, req.args ?? {}));
      const state = sc.actionRuns.start(schema.name, (signal) => run({ signal }));
      await waitFor(state, waitMs, ctx.signal);
      return create(InvokeActionResponseSchema, {
        id: state.id,
        name: schema.name,
        status: state.status,
        annotations: state.annotations,
        ...(state.response ? { response: state.response } : {}),
      });
    },
    async getActionStatus(req) {
      enforce(required("GetActionStatusRequest.id", req.id));
      const state = sc.actionRuns.get(req.id);
      if (!state) throw new ConnectError(`action id ${req.id} not found`, Code.NotFound);
      return create(GetActionStatusResponseSchema, {
        id: state.id,
        name: state.name,
        status: state.status,
        annotations: state.annotations,
        ...(state.response ? { response: state.response } : {}),
      });
    },
  };
}
