/**
 * The `serve` command's body: start the gRPC server, run until SIGTERM/SIGINT (or the caller's
 * abort signal), then drain in-flight calls and return, so the CLI exits 0 after a clean stop.
 */
import type { BatonLogger } from "./logger.js";
import { silentLogger } from "./logger.js";
import { type RunningServer, type ServerOptions, startServer } from "./server.js";

/** Hooks of {@link serve}. */
export interface ServeControl {
  /** Stops the server like SIGTERM does. */
  signal?: AbortSignal;
  /** Called once the server listens (e.g. to print the address or, in tests, to dial it). */
  onListening?: (server: RunningServer) => void;
}

const STOP_SIGNALS = ["SIGTERM", "SIGINT"] as const;

/**
 * Serves until SIGTERM, SIGINT or `control.signal`, then drains (up to the drain timeout) and
 * resolves. A second signal during the drain cuts it short. Start-up errors (e.g. a
 * {@link UsageError} for a refused listen address) reject before any handler is installed.
 */
export async function serve(options: ServerOptions, control: ServeControl = {}): Promise<void> {
  const logger: BatonLogger = options.logger ?? silentLogger;
  const server = await startServer(options);

  let stopping = false;
  let requestStop = () => {};
  const stopRequested = new Promise<void>((resolve) => {
    requestStop = resolve;
  });
  const onStop = (why: string) => {
    if (stopping) {
      logger.warn({ signal: why }, "second stop request: closing without waiting for calls");
      void server.close(false);
      return;
    }
    stopping = true;
    logger.info({ signal: why }, "stopping: draining in-flight calls");
    requestStop();
  };
  const handlers = STOP_SIGNALS.map((sig) => [sig, () => onStop(sig)] as const);
  const onAbort = () => onStop("abort");
  // The handlers stay installed during the drain, so a second signal can cut it short.
  for (const [sig, h] of handlers) process.on(sig, h);
  control.signal?.addEventListener("abort", onAbort, { once: true });
  if (control.signal?.aborted) onAbort();
  control.onListening?.(server);
  try {
    await stopRequested;
    await server.close(true);
  } finally {
    for (const [sig, h] of handlers) process.off(sig, h);
    control.signal?.removeEventListener("abort", onAbort);
  }
}
