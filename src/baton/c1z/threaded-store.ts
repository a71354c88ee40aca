/**
 * A c1z store whose SQLite writes run on a worker thread, so that a sync uses two cores: the main
 * thread fetches and decodes pages while the worker upserts the rows of earlier ones. The worker
 * (store-worker.ts) owns the working database through an ordinary {@link C1zStore}; this class
 * has the synchronous interface the syncer uses ({@link SyncStore}).
 *
 * - Writes are posted, not awaited: `transaction(fn)` collects what `fn` writes (pages of rows
 *   and the checkpoint) and posts them as one batch, which the worker commits in one
 *   transaction, so a checkpoint is never committed without the rows it covers. At most
 *   {@link MAX_UNACKED} batches wait in the worker: posting another blocks until one is
 *   committed, which bounds both memory and what a killed process loses (it resumes from the
 *   last committed checkpoint, as ever). `waitForCommit()` blocks until all are committed.
 * - Every other call (reads, sync runs, save, abandon) is answered in order: the worker first
 *   commits every batch posted before it, and the main thread blocks (`Atomics.wait`) for the
 *   answer. So a read sees every transaction that returned before it; a read inside
 *   `transaction(fn)` does not see what `fn` wrote so far (the syncer never needs that). The
 *   resource walks of the syncer's per-resource phases are prefetched one page ahead.
 * - A batch that fails (a row without an id, a full disk) is rolled back and the worker commits
 *   no later batch; the next call on this side throws the error, so the sync stops with it and
 *   the next run resumes from the last committed checkpoint.
 * - Rows are byte for byte those of the in-thread store: the same row-codec.ts functions encode
 *   them, grants on this thread (packed-rows.ts), the others on the worker (see putResources).
 *
 * The worker needs compiled JavaScript: {@link openSyncStore} uses it when `store-worker.js` sits
 * beside this module (the built `dist/`), and falls back to an in-thread {@link C1zStore}
 * otherwise: vitest runs the TypeScript sources, where there is no such file, so tests that
 * call the sync command in-process write in-thread; the CLI tests, which run `dist/`, and
 * threaded-store.test.ts (which points at the built worker) cover the threaded store.
 */
import { type MessagePort, receiveMessageOnPort, type Worker } from "node:worker_threads";
import { create, toBinary } from "@bufbuild/protobuf";
import {
  type Entitlement,
  EntitlementsServiceListEntitlementsResponseSchema,
} from "../../gen/c1/connector/v2/entitlement_pb.js";
import type { Grant } from "../../gen/c1/connector/v2/grant_pb.js";
import {
  type Resource,
  ResourcesServiceListResourcesResponseSchema,
  type ResourceType,
  ResourceTypesServiceListResourceTypesResponseSchema,
} from "../../gen/c1/connector/v2/resource_pb.js";
import { C1zError, type C1zErrorCode } from "./c1z-error.js";
import { type PackedGrants, packGrants } from "./packed-rows.js";
import { decodeResource, decodeResourceType } from "./row-codec.js";
import type { CountsByType, DanglingRef, ResourceFilter, RowCounts } from "./row-queries.js";
import { C1zStore, type SyncStore, type UnfinishedSync } from "./store.js";
import type { SyncType } from "./sync-runs.js";
import { c1zTypeRegistry } from "./type-registry.js";
import type { WorkingDbOrigin } from "./working-db.js";
import {
  EXITED,
  type OpenRequest,
  SEQ,
  storeWorkerFile,
  takeWriter,
  type WriterThread,
} from "./writer-thread.js";

/** Batches posted and not yet committed before `transaction` waits for the worker. */
export const MAX_UNACKED = 4;

// ── the protocol shared with store-worker.ts ──────────────────────────────────────────────────

/**
 * Rows encoded here (packed-rows.ts); or messages as the bytes of the matching List…Response
 * with them in `list`, which the worker decodes and encodes into rows; or a checkpoint.
 */
export type BatchOp =
  | { readonly kind: "grants"; readonly syncId: string; readonly rows: PackedGrants }
  | {
      readonly kind: "messages";
      readonly syncId: string;
      readonly type: "resourceTypes" | "resources" | "entitlements";
      readonly bytes: Uint8Array;
    }
  | { readonly kind: "token"; readonly syncId: string; readonly token: string };

/** The store methods the worker answers, by name. */
export type CallMethod =
  | "latestUnfinishedSync"
  | "unsavedFinishedSync"
  | "startSync"
  | "endSync"
  | "markSupportsDiff"
  | "cleanupSyncs"
  | "resourceTypeRows"
  | "resourceRowsAfter"
  | "counts"
  | "countsByType"
  | "danglingGrantRefs"
  | "abandon"
  | "discard"
  | "save";

export type WorkerRequest =
  | { readonly type: "batch"; readonly ops: BatchOp[] }
  | {
      readonly type: "call";
      readonly id: number;
      readonly method: CallMethod;
      readonly args: unknown[];
    };

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
}

export type WorkerReply =
  | { readonly type: "ready"; readonly origin?: WorkingDbOrigin; readonly error?: SerializedError }
  | { readonly type: "ack"; readonly error?: SerializedError }
  | ResultReply;

export interface ResultReply {
  readonly type: "result";
  /** The id of the call answered. */
  readonly id: number;
  readonly value?: unknown;
  readonly error?: SerializedError;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof C1zError) return { name: err.name, message: err.message, code: err.code };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: "Error", message: String(err) };
}

function deserializeError(e: SerializedError): Error {
  if (e.name === "C1zError" && e.code) return new C1zError(e.code as C1zErrorCode, e.message);
  const err = new Error(e.message);
  if (e.name !== "Error") err.name = e.name;
  return err;
}

/** `Atomics.waitAsync` (ES2024; Node has it, the ES2023 lib typings do not). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      view: Int32Array,
      index: number,
      value: number,
      timeoutMs: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

const READS: ReadonlySet<CallMethod> = new Set([
  "latestUnfinishedSync",
  "unsavedFinishedSync",
  "resourceTypeRows",
  "resourceRowsAfter",
  "counts",
  "danglingGrantRefs",
]);

function prefetchKey(
  syncId: string,
  afterRowId: number,
  limit: number,
  filter: ResourceFilter | undefined,
): string {
  return JSON.stringify([syncId, afterRowId, limit, filter ?? null]);
}

// ── the main-thread side ─────────────────────────────────────────────────────────────────────

/**
 * Opens the store of `file` for a sync: a {@link ThreadedC1zStore} when the compiled worker is
 * available, else an in-thread {@link C1zStore}. Both resume, lock and save the same way.
 */
export async function openSyncStore(
  file: string,
  options: { tempDir?: string } = {},
): Promise<SyncStore> {
  const worker = storeWorkerFile();
  return worker
    ? ThreadedC1zStore.open(file, { ...options, workerFile: worker })
    : C1zStore.open(file, options);
}

export class ThreadedC1zStore implements SyncStore {
  private readonly state: Int32Array;
  /** The writes of the open transaction, posted when it returns. */
  private ops: BatchOp[] | undefined;
  private unacked = 0;
  private nextId = 1;
  /**
   * The next page of a resource walk, asked for ahead. Valid while no batch with resource or
   * resource type rows, and no call other than a read, was posted after it: those are the only
   * things that change what it holds, so it equals what asking now would return.
   */
  private prefetched: { key: string; id: number; reply?: ResultReply } | undefined;
  /** The first failure of the worker: every later call throws it. */
  private failure: Error | undefined;
  private closed = false;

  /** How the worker found the working database (see C1zStore.origin); set once it is ready. */
  origin: WorkingDbOrigin = "new";

  private constructor(
    readonly file: string,
    private readonly worker: Worker,
    private readonly replies: MessagePort,
    state: SharedArrayBuffer,
  ) {
    this.state = new Int32Array(state);
    // An uncaught error ends the worker; the next call reports it instead of the process dying.
    worker.on("error", (err) => {
      this.failure ??= err;
    });
  }

  /**
   * Gives a writer thread (one started early, see writer-thread.ts, or a new one) the file to
   * open: it resumes, unpacks or creates the working database.
   */
  static async open(
    file: string,
    options: { tempDir?: string; workerFile: URL },
  ): Promise<ThreadedC1zStore> {
    const thread: WriterThread = takeWriter(options.workerFile);
    const { worker } = thread;
    const store = new ThreadedC1zStore(file, worker, thread.replies, thread.state);
    const open: OpenRequest = {
      type: "open",
      file,
      ...(options.tempDir !== undefined ? { tempDir: options.tempDir } : {}),
    };
    // Held alive while it opens: nothing else may be pending on this event loop.
    worker.ref();
    worker.postMessage(open);
    const ready = await store.receiveAsync().catch((e: unknown) => {
      throw thread.early.error ?? e;
    });
    if (ready.type !== "ready" || ready.error) {
      store.closed = true;
      await worker.terminate();
      throw deserializeError(
        ready.type === "ready" && ready.error
          ? ready.error
          : { name: "Error", message: "the c1z writer did not start" },
      );
    }
    store.origin = ready.origin ?? "new";
    // Between calls the worker must not keep the process alive (a forgotten store would hang it).
    worker.unref();
    return store;
  }

  // ── writes: collected per transaction, posted as one batch ─────────────────────────────────

  transaction<T>(fn: () => T): T {
    this.assertUsable();
    if (this.ops) return fn();
    this.ops = [];
    let ops: BatchOp[];
    let result: T;
    try {
      result = fn();
      ops = this.ops;
    } finally {
      this.ops = undefined;
    }
    if (ops.length > 0) this.post(ops);
    return result;
  }

  /** Blocks until every batch posted so far is committed; throws if one failed. */
  waitForCommit(): void {
    this.assertUsable();
    while (this.unacked > 0) this.dispatch(this.receiveSync());
    if (this.failure) throw this.failure;
  }

  setSyncToken(syncId: string, token: string): void {
    this.write({ kind: "token", syncId, token });
  }

  // Where rows are encoded is chosen for balance, as measured on the `large` benchmark (see
  // BENCHMARKS.md): resources carry profiles and annotations whose canonical encoding costs far
  // more than a plain `toBinary`, so they (and the few resource types and entitlements) go over
  // as message bytes and the worker decodes and encodes them; grants are plain and seven times
  // as many, and decoding them again would make the worker the bottleneck, so they are encoded
  // here and only upserted there.

  putResourceTypes(syncId: string, types: Iterable<ResourceType>): void {
    const list = [...types];
    const schema = ResourceTypesServiceListResourceTypesResponseSchema;
    if (list.length > 0)
      this.writeMessages(syncId, "resourceTypes", toBinary(schema, create(schema, { list })));
  }

  putResources(syncId: string, resources: Iterable<Resource>): void {
    const list = [...resources];
    const schema = ResourcesServiceListResourcesResponseSchema;
    if (list.length > 0)
      this.writeMessages(syncId, "resources", toBinary(schema, create(schema, { list })));
  }

  putEntitlements(syncId: string, entitlements: Iterable<Entitlement>): void {
    const list = [...entitlements];
    const schema = EntitlementsServiceListEntitlementsResponseSchema;
    if (list.length > 0)
      this.writeMessages(syncId, "entitlements", toBinary(schema, create(schema, { list })));
  }

  putGrants(syncId: string, grants: Iterable<Grant>): void {
    this.assertUsable();
    const list = [...grants];
    // Encoded here, so a grant without an id its row needs is refused at once.
    if (list.length > 0)
      this.write({ kind: "grants", syncId, rows: packGrants(list, c1zTypeRegistry) });
  }

  // ── calls answered by the worker after every batch posted before them ─────────────────────

  latestUnfinishedSync(type: SyncType): UnfinishedSync | undefined {
    return this.call("latestUnfinishedSync", type) as UnfinishedSync | undefined;
  }

  unsavedFinishedSync(type: SyncType): string | undefined {
    return this.call("unsavedFinishedSync", type) as string | undefined;
  }

  startSync(type: SyncType, parentSyncId = ""): string {
    return this.call("startSync", type, parentSyncId) as string;
  }

  endSync(syncId: string): void {
    this.call("endSync", syncId);
  }

  markSupportsDiff(syncId: string): void {
    this.call("markSupportsDiff", syncId);
  }

  cleanupSyncs(keep?: number, currentSyncId?: string): string[] {
    if (this.ops)
      throw new Error("cleanupSyncs cannot run inside a transaction (VACUUM needs none)");
    return this.call("cleanupSyncs", keep, currentSyncId) as string[];
  }

  resourceTypes(syncId: string): ResourceType[] {
    return (this.call("resourceTypeRows", syncId) as Uint8Array[]).map(decodeResourceType);
  }

  resourcesAfter(
    syncId: string,
    afterRowId: number,
    limit: number,
    filter?: ResourceFilter,
  ): { rowId: number; resource: Resource }[] {
    this.assertUsable();
    const key = prefetchKey(syncId, afterRowId, limit, filter);
    const ahead = this.prefetched;
    this.prefetched = undefined;
    const reply =
      ahead?.key === key
        ? (ahead.reply ?? this.awaitResult(ahead.id))
        : this.awaitResult(this.send("resourceRowsAfter", [syncId, afterRowId, limit, filter]));
    const rows = this.unwrap(reply) as { rowId: number; data: Uint8Array }[];
    const last = rows.at(-1);
    if (last && limit > 1) {
      // The syncer walks resources page by page: ask for the next page now, so it is ready
      // when the syncer gets there instead of waiting behind the batches posted meanwhile.
      const args = [syncId, last.rowId, limit, filter];
      this.prefetched = {
        key: prefetchKey(syncId, last.rowId, limit, filter),
        id: this.send("resourceRowsAfter", args),
      };
    }
    return rows.map((row) => ({ rowId: row.rowId, resource: decodeResource(row.data) }));
  }

  resourcesOfType(
    syncId: string,
    resourceTypeId: string,
    afterRowId: number,
    limit: number,
  ): { rowId: number; resource: Resource }[] {
    return this.resourcesAfter(syncId, afterRowId, limit, { resourceTypeId });
  }

  counts(syncId: string): RowCounts {
    return this.call("counts", syncId) as RowCounts;
  }

  countsByType(syncId: string): CountsByType {
    return this.call("countsByType", syncId) as CountsByType;
  }

  danglingGrantRefs(syncId: string, types: readonly string[], limit: number): DanglingRef[] {
    return this.call("danglingGrantRefs", syncId, types, limit) as DanglingRef[];
  }

  /** Commits what is posted, then the worker writes the c1z (see {@link C1zStore.save}) and ends. */
  async save(): Promise<void> {
    this.assertUsable();
    if (this.ops) throw new Error("save() cannot run inside a transaction");
    this.unwrap(await this.lastCall("save"));
  }

  /** Closes without saving and deletes the working database (see {@link C1zStore.discard}). */
  async discard(): Promise<void> {
    if (this.closed) return;
    // If the worker is gone, what it left is resumed next time, as after a kill.
    await this.lastCall("discard").catch(() => undefined);
  }

  /**
   * Closes without saving, after the worker has committed what was posted (see
   * {@link C1zStore.abandon}): the next open of the file resumes from it.
   */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      const id = this.send("abandon", []);
      while (this.dispatch(this.receiveSync())?.id !== id);
    } catch {
      // The worker is gone: whatever it committed stays, the rest is asked for again.
    } finally {
      void this.worker.terminate();
    }
  }

  // ── plumbing ──────────────────────────────────────────────────────────────────────────────

  /** A call after which the worker ends: waits for its answer without blocking the event loop. */
  private async lastCall(method: "save" | "discard"): Promise<ResultReply> {
    this.closed = true;
    this.worker.ref();
    try {
      const id = this.send(method, []);
      for (;;) {
        const reply = this.dispatch(await this.receiveAsync());
        if (reply?.id === id) return reply;
      }
    } finally {
      await this.worker.terminate();
    }
  }

  private writeMessages(
    syncId: string,
    type: "resourceTypes" | "resources" | "entitlements",
    bytes: Uint8Array,
  ): void {
    this.write({ kind: "messages", syncId, type, bytes });
  }

  private write(op: BatchOp): void {
    this.assertUsable();
    if (this.ops) this.ops.push(op);
    else this.post([op]);
  }

  private post(ops: BatchOp[]): void {
    const transfer: ArrayBuffer[] = [];
    let resourcesWritten = false;
    // Buffers freshly allocated by packing or `toBinary` are moved to the worker, not copied.
    for (const op of ops) {
      if (op.kind === "messages") {
        resourcesWritten ||= op.type === "resources" || op.type === "resourceTypes";
        transfer.push(op.bytes.buffer as ArrayBuffer);
      } else if (op.kind === "grants") {
        const { data, ends, needsExpansion } = op.rows;
        transfer.push(data.buffer as ArrayBuffer, ends.buffer as ArrayBuffer);
        transfer.push(needsExpansion.buffer as ArrayBuffer);
      }
    }
    this.worker.postMessage({ type: "batch", ops } satisfies WorkerRequest, transfer);
    this.unacked++;
    if (resourcesWritten) this.prefetched = undefined;
    for (;;) {
      const m = receiveMessageOnPort(this.replies);
      if (!m) break;
      this.dispatch(m.message as WorkerReply);
    }
    while (this.unacked > MAX_UNACKED) this.dispatch(this.receiveSync());
    if (this.failure) throw this.failure;
  }

  /** Handles a reply: counts an ack, keeps a prefetched page; returns a call's result. */
  private dispatch(reply: WorkerReply): ResultReply | undefined {
    if (reply.type === "ack") {
      this.unacked--;
      if (reply.error) this.failure ??= deserializeError(reply.error);
      return undefined;
    }
    if (reply.type !== "result") {
      throw new Error(`internal: unexpected ${reply.type} from the c1z writer`);
    }
    if (this.prefetched?.id === reply.id) this.prefetched.reply = reply;
    return reply;
  }

  private send(method: CallMethod, args: unknown[]): number {
    const id = this.nextId++;
    this.worker.postMessage({ type: "call", id, method, args } satisfies WorkerRequest);
    return id;
  }

  /** Blocks until the result of call `id` (stale prefetches are dropped on the way). */
  private awaitResult(id: number): ResultReply {
    for (;;) {
      const reply = this.dispatch(this.receiveSync());
      if (reply?.id === id) return reply;
    }
  }

  private unwrap(reply: ResultReply): unknown {
    if (this.failure) throw this.failure;
    if (reply.error) throw deserializeError(reply.error);
    return reply.value;
  }

  private call(method: CallMethod, ...args: unknown[]): unknown {
    this.assertUsable();
    // Only reads leave a prefetched page valid; anything else may change what it would hold.
    if (!READS.has(method)) this.prefetched = undefined;
    return this.unwrap(this.awaitResult(this.send(method, args)));
  }

  /** The next reply, blocking this thread until the worker posts one. */
  private receiveSync(): WorkerReply {
    for (;;) {
      const seq = Atomics.load(this.state, SEQ);
      const m = receiveMessageOnPort(this.replies);
      if (m) return m.message as WorkerReply;
      if (Atomics.load(this.state, EXITED) !== 0) return this.lastReplyOrDied();
      Atomics.wait(this.state, SEQ, seq, 1_000);
    }
  }

  /** The next reply, without blocking the event loop (opening and saving take a while). */
  private async receiveAsync(): Promise<WorkerReply> {
    for (;;) {
      const seq = Atomics.load(this.state, SEQ);
      const m = receiveMessageOnPort(this.replies);
      if (m) return m.message as WorkerReply;
      if (Atomics.load(this.state, EXITED) !== 0) return this.lastReplyOrDied();
      const wait = waitAsync(this.state, SEQ, seq, 1_000);
      if (wait.async) await wait.value;
    }
  }

  private lastReplyOrDied(): WorkerReply {
    const m = receiveMessageOnPort(this.replies);
    if (m) return m.message as WorkerReply;
    this.closed = true;
    this.failure ??= new Error(`the c1z writer thread of ${this.file} stopped`);
    throw this.failure;
  }

  private assertUsable(): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new C1zError("closed", `the c1z store of ${this.file} is closed`);
  }
}
