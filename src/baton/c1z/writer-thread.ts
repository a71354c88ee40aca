/**
 * Starting the writer thread of a ThreadedC1zStore (threaded-store.ts), possibly early.
 *
 * A new thread spends ≈ 0.2–0.3 s loading its modules before it can open a database, and the
 * one-shot sync opens its store only after the main thread has loaded the CLI and the connector
 * (≈ 0.7 s), so a sync's first call waited for both, one after the other. {@link prestartWriter}
 * starts the thread at the top of the binary instead: it loads on the other core while the main
 * thread loads, and waits (`open` message) for the file to open. The store takes it if it was
 * started for the same worker file, else starts one as before.
 *
 * This module imports nothing heavy, so the binary's entry point can load it first.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MessageChannel, type MessagePort, Worker } from "node:worker_threads";

/** Index of the shared state's reply counter, bumped by every reply the worker posts. */
export const SEQ = 0;
/** Index of the shared state's exit flag: 1 once the worker ended. */
export const EXITED = 1;

/**
 * The worker's young generation, in MB. V8 would grow it to 2 × 64 MB semi-spaces on this
 * allocation rate, as on the main thread; bounded, the worker adds ≈ 80 MB of RSS instead of
 * ≈ 200 MB at 100,000 users, at no measurable cost in time.
 */
const WORKER_YOUNG_GENERATION_MB = 16;

/** What the worker gets at start-up (`workerData`). */
export interface WorkerInit {
  /** Int32Array view: [SEQ] counts replies posted, [EXITED] is 1 once the worker ends. */
  readonly state: SharedArrayBuffer;
  readonly replies: MessagePort;
}

/** The first message the worker gets: the c1z to open. Nothing else is posted before `ready`. */
export interface OpenRequest {
  readonly type: "open";
  readonly file: string;
  readonly tempDir?: string;
}

/** A started writer thread, not yet given a file. */
export interface WriterThread {
  readonly workerFile: URL;
  readonly worker: Worker;
  readonly state: SharedArrayBuffer;
  /** This side of the channel the worker replies on. */
  readonly replies: MessagePort;
  /** The first error the thread raised (kept here, so none is thrown at the process). */
  readonly early: { error?: Error };
}

/** `store-worker.js` beside this module, or undefined when running from TypeScript sources. */
export function storeWorkerFile(): URL | undefined {
  const url = new URL("./store-worker.js", import.meta.url);
  return url.protocol === "file:" && existsSync(fileURLToPath(url)) ? url : undefined;
}

/**
 * Starts a writer thread. It does not keep the process alive (the store refs it while it waits
 * for an answer), and an error it raises is kept, not thrown at the process.
 */
export function startWriter(workerFile: URL): WriterThread {
  const state = new SharedArrayBuffer(8);
  const { port1, port2 } = new MessageChannel();
  const init: WorkerInit = { state, replies: port2 };
  const worker = new Worker(workerFile, {
    workerData: init,
    transferList: [port2],
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
  const early: { error?: Error } = {};
  worker.on("error", (err) => {
    early.error ??= err;
  });
  // A thread that dies before its own exit hook runs (a module that fails to load) must still
  // wake a store waiting for its answer.
  worker.once("exit", () => {
    const view = new Int32Array(state);
    Atomics.store(view, EXITED, 1);
    Atomics.notify(view, SEQ);
  });
  worker.unref();
  return { workerFile, worker, state, replies: port1, early };
}

let spare: WriterThread | undefined;

/**
 * Starts a writer thread (by default the compiled build's) ahead of the store that will use it.
 * A no-op from TypeScript sources (no compiled worker) or when one is already waiting.
 */
export function prestartWriter(
  workerFile: URL | undefined = storeWorkerFile(),
): WriterThread | undefined {
  if (!spare && workerFile) spare = startWriter(workerFile);
  return spare;
}

/**
 * The thread {@link prestartWriter} started for `workerFile`, once; else a new one. One that has
 * ended meanwhile (a long-lived process may wait hours for its first sync) is dropped for a new one.
 */
export function takeWriter(workerFile: URL): WriterThread {
  const early = spare;
  if (early && early.workerFile.href === workerFile.href) {
    spare = undefined;
    if (Atomics.load(new Int32Array(early.state), EXITED) === 0) return early;
  }
  return startWriter(workerFile);
}
