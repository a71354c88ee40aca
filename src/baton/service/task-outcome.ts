/**
 * What a task handler ends with, and how it becomes `FinishTask`:
 * success carries `Any(<connector response>)` and the response's annotations (nothing for a
 * sync); failure carries the gRPC status (code, message, details) and `non_retryable`, the task's
 * verdict. Some tasks end without a report (`hello`, a sync whose first heartbeat failed).
 */
import {
  create,
  type DescMessage,
  type Message,
  type MessageInitShape,
  type MessageShape,
} from "@bufbuild/protobuf";
import { type Any, AnySchema, anyPack } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import type { BatonServiceFinishTaskRequestSchema } from "../../gen/c1/connectorapi/baton/v1/baton_pb.js";
import { StatusSchema } from "../../gen/google/rpc/status_pb.js";
import { UsageError } from "../errors.js";
import { SyncCallError } from "../sync/call-with-retry.js";
import { IngestError } from "../sync/ingest-rules.js";

export type TaskOutcome =
  | {
      kind: "success";
      /** The connector's response, packed as `type.googleapis.com/<full name>`. */
      response?: { desc: DescMessage; message: Message };
      annotations?: Any[];
    }
  | { kind: "failure"; error: ConnectError; nonRetryable: boolean }
  /** No FinishTask at all (a `hello` task, or a sync C1 cancelled before it began). */
  | { kind: "unreported"; reason: string };

/** A success with a connector response and its annotations. */
export function succeeded<D extends DescMessage>(
  desc: D,
  message: MessageShape<D> & { annotations?: Any[] },
): TaskOutcome {
  return { kind: "success", response: { desc, message }, annotations: message.annotations ?? [] };
}

/** A failure; `nonRetryable` is the task-level verdict C1 acts on. */
export function failed(err: unknown, nonRetryable: boolean): TaskOutcome {
  return { kind: "failure", error: taskError(err), nonRetryable };
}

type FinishInit = MessageInitShape<typeof BatonServiceFinishTaskRequestSchema>;

/** The status and final state of the FinishTask request for a reported outcome. */
export function finishFields(
  outcome: Exclude<TaskOutcome, { kind: "unreported" }>,
): Pick<FinishInit, "status" | "finalState"> {
  if (outcome.kind === "success") {
    const { response, annotations } = outcome;
    return {
      finalState: {
        case: "success",
        value: {
          annotations: annotations ?? [],
          ...(response ? { response: anyPack(response.desc, response.message) } : {}),
        },
      },
    };
  }
  return {
    status: statusOf(outcome.error),
    finalState: { case: "error", value: { nonRetryable: outcome.nonRetryable, annotations: [] } },
  };
}

/**
 * Turns anything a handler threw into the status C1 shows: ConnectErrors keep their code and
 * details; a syncer call error keeps its code and names the call; a cancellation is Canceled and
 * a timeout DeadlineExceeded, as Go maps context errors; bad input is InvalidArgument; anything
 * else is Unknown.
 */
export function taskError(err: unknown): ConnectError {
  if (err instanceof SyncCallError) {
    const wrapped = new ConnectError(err.message, err.code, undefined, undefined, err);
    wrapped.details = [...err.cause.details];
    return wrapped;
  }
  if (err instanceof ConnectError) return err;
  const name = (err as { name?: unknown } | null)?.name;
  const message = err instanceof Error ? err.message : String(err);
  if (name === "AbortError") return new ConnectError(message || "cancelled", Code.Canceled);
  if (name === "TimeoutError") return new ConnectError(message, Code.DeadlineExceeded);
  if (err instanceof UsageError) return new ConnectError(message, Code.InvalidArgument);
  if (err instanceof IngestError) return new ConnectError(message, Code.Internal);
  return new ConnectError(message, Code.Unknown, undefined, undefined, err);
}

/** The error's details as google.protobuf.Any, whichever way they arrived. */
export function detailsAsAny(err: ConnectError): Any[] {
  return err.details.map((d) =>
    "desc" in d
      ? anyPack(d.desc, create(d.desc, d.value))
      : create(AnySchema, { typeUrl: `type.googleapis.com/${d.type}`, value: d.value }),
  );
}

/** The google.rpc.Status of a failure. */
export function statusOf(err: ConnectError) {
  return create(StatusSchema, {
    code: err.code,
    message: err.rawMessage,
    details: detailsAsAny(err),
  });
}
