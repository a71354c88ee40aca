/**
 * The writer thread of a ThreadedC1zStore (see threaded-store.ts for the protocol and its
 * guarantees). It owns the working database through an ordinary C1zStore and handles requests in
 * the order they were posted: a batch is upserted in one transaction with its checkpoint (grants
 * arrive as encoded rows; resources, resource types and entitlements as message bytes, decoded
 * and canonically encoded here); a call is answered from the store. Every reply bumps a shared
 * counter so the main thread, blocked in `Atomics.wait`, wakes up.
 */
import { parentPort, workerData } from "node:worker_threads";
import { fromBinary } from "@bufbuild/protobuf";
import { EntitlementsServiceListEntitlementsResponseSchema } from "../../gen/c1/connector/v2/entitlement_pb.js";
import {
  ResourcesServiceListResourcesResponseSchema,
  ResourceTypesServiceListResourceTypesResponseSchema,
} from "../../gen/c1/connector/v2/resource_pb.js";
import { C1zStore } from "./store.js";
import {
  type BatchOp,
  type SerializedError,
  serializeError,
  type WorkerReply,
  type WorkerRequest,
} from "./threaded-store.js";
import { EXITED, type OpenRequest, SEQ, type WorkerInit } from "./writer-thread.js";

const init = workerData as WorkerInit;
const state = new Int32Array(init.state);
/** The first batch that failed: no later batch is committed, every later call reports it. */
let failure: SerializedError | undefined;

process.on("exit", () => {
  Atomics.store(state, EXITED, 1);
  Atomics.notify(state, SEQ);
});

function reply(message: WorkerReply): void {
  init.replies.postMessage(message);
  Atomics.add(state, SEQ, 1);
  Atomics.notify(state, SEQ);
}

function apply(s: C1zStore, op: BatchOp): void {
  switch (op.kind) {
    case "token":
      s.setSyncToken(op.syncId, op.token);
      break;
    case "grants":
      s.putPackedGrants(op.syncId, op.rows);
      break;
    case "messages":
      if (op.type === "resourceTypes") {
        const schema = ResourceTypesServiceListResourceTypesResponseSchema;
        s.putResourceTypes(op.syncId, fromBinary(schema, op.bytes).list);
      } else if (op.type === "resources") {
        const schema = ResourcesServiceListResourcesResponseSchema;
        s.putResources(op.syncId, fromBinary(schema, op.bytes).list);
      } else {
        const schema = EntitlementsServiceListEntitlementsResponseSchema;
        s.putEntitlements(op.syncId, fromBinary(schema, op.bytes).list);
      }
      break;
  }
}

function call(s: C1zStore, method: string, args: unknown[]): unknown {
  switch (method) {
    case "latestUnfinishedSync":
      return s.latestUnfinishedSync(args[0] as never);
    case "unsavedFinishedSync":
      return s.unsavedFinishedSync(args[0] as never);
    case "startSync":
      return s.startSync(args[0] as never, args[1] as string);
    case "endSync":
      return s.endSync(args[0] as string);
    case "markSupportsDiff":
      return s.markSupportsDiff(args[0] as string);
    case "cleanupSyncs":
      return s.cleanupSyncs(args[0] as number | undefined, args[1] as string | undefined);
    case "resourceTypeRows":
      return s.resourceTypeRows(args[0] as string);
    case "resourceRowsAfter":
      return s.resourceRowsAfter(
        args[0] as string,
        args[1] as number,
        args[2] as number,
        args[3] as never,
      );
    case "counts":
      return s.counts(args[0] as string);
    case "countsByType":
      return s.countsByType(args[0] as string);
    case "danglingGrantRefs":
      return s.danglingGrantRefs(args[0] as string, args[1] as string[], args[2] as number);
    default:
      throw new Error(`internal: the c1z writer has no method ${method}`);
  }
}

async function handle(s: C1zStore, req: WorkerRequest): Promise<void> {
  if (req.type === "batch") {
    if (failure) return reply({ type: "ack", error: failure });
    try {
      s.transaction(() => {
        for (const op of req.ops) apply(s, op);
      });
      reply({ type: "ack" });
    } catch (err) {
      failure = serializeError(err);
      reply({ type: "ack", error: failure });
    }
    return;
  }
  const id = req.id;
  if (req.method === "abandon") {
    s.abandon();
    reply({ type: "result", id });
    process.exit(0);
  }
  if (req.method === "discard") {
    await s.discard().catch(() => undefined);
    reply({ type: "result", id });
    process.exit(0);
  }
  if (req.method === "save") {
    try {
      if (failure) throw new Error(failure.message);
      await s.save();
      reply({ type: "result", id });
    } catch (err) {
      s.abandon();
      reply({ type: "result", id, error: failure ?? serializeError(err) });
    }
    process.exit(0);
  }
  if (failure) return reply({ type: "result", id, error: failure });
  try {
    reply({ type: "result", id, value: call(s, req.method, req.args) });
  } catch (err) {
    reply({ type: "result", id, error: serializeError(err) });
  }
}

/** Opens the file the store names; requests come only after the `ready` reply. */
async function open(req: OpenRequest): Promise<void> {
  try {
    const opened = await C1zStore.open(
      req.file,
      req.tempDir !== undefined ? { tempDir: req.tempDir } : {},
    );
    parentPort?.on("message", (next: WorkerRequest) => {
      void handle(opened, next);
    });
    reply({ type: "ready", origin: opened.origin });
  } catch (err) {
    reply({ type: "ready", error: serializeError(err) });
    process.exit(0);
  }
}

// Started early (writer-thread.ts), the thread has loaded its modules by the time it is told
// which file to open.
parentPort?.once("message", (req: OpenRequest) => {
  void open(req);
});
