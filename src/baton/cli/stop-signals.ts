/**
 * SIGTERM and SIGINT for the CLI. Node's default for both is to die at once, and as PID 1 in a
 * container (no init, `docker stop`, a CronJob's pod shutting down) the kernel ignores a signal
 * the process has no handler for, so the process ran on until SIGKILL. Two pieces:
 *
 * - {@link stopOnSignals} (and {@link untilStopped} on it): a command that can stop cleanly (the
 *   one-shot sync, the partial sync) turns the first signal into an abort of its work and exits
 *   `128 + n` (130 for SIGINT, 143 for SIGTERM) once it has put away what it holds; a second
 *   signal exits at once.
 * - {@link installDefaultStop}: every other command exits `128 + n` on the signal, as Node would
 *   outside a container, unless the command installed a handler of its own (`serve` drains).
 */
import { constants } from "node:os";
import type { BatonLogger } from "../logger.js";

export const STOP_SIGNALS = ["SIGTERM", "SIGINT"] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** The conventional exit status of a process stopped by `signal`: 128 + its number. */
export function signalExitCode(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

/** What {@link stopOnSignals} gives the command. */
export interface StopRequest {
  /** Aborted by the first signal (or by `parent`). */
  readonly signal: AbortSignal;
  /** The signal received, once one was. */
  readonly received: () => StopSignal | undefined;
  /** Removes the handlers. */
  readonly dispose: () => void;
}

/**
 * Handles SIGTERM and SIGINT until `dispose`: the first aborts `signal` (with a reason naming
 * it), a second calls `exit(128 + n)` without waiting for the clean stop.
 */
export function stopOnSignals(
  parent?: AbortSignal,
  exit: (code: number) => void = (code) => process.exit(code),
): StopRequest {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const handlers = STOP_SIGNALS.map((sig) => {
    const handler = () => {
      if (received) {
        exit(signalExitCode(sig));
        return;
      }
      received = sig;
      controller.abort(new Error(`interrupted by ${sig}`));
    };
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  const onParentAbort = () => controller.abort(parent?.reason);
  parent?.addEventListener("abort", onParentAbort, { once: true });
  return {
    signal: controller.signal,
    received: () => received,
    dispose: () => {
      for (const [sig, handler] of handlers) process.off(sig, handler);
      parent?.removeEventListener("abort", onParentAbort);
    },
  };
}

/**
 * Runs `work` with a signal that SIGTERM or SIGINT (or `parent`) aborts. When a signal stopped
 * it, `stopped.message(signal)` is logged once as a warning (what was kept, what happens next,
 * with the signal and `--file`) and the exit code is `128 + n`; any other failure is rethrown.
 */
export async function untilStopped(
  work: (signal: AbortSignal) => Promise<number>,
  stopped: {
    parent?: AbortSignal;
    logger: Pick<BatonLogger, "warn">;
    file: string;
    message: (signal: StopSignal) => string;
  },
): Promise<number> {
  const stop = stopOnSignals(stopped.parent);
  try {
    return await work(stop.signal);
  } catch (e) {
    const received = stop.received();
    if (!received) throw e;
    stopped.logger.warn({ signal: received, file: stopped.file }, stopped.message(received));
    return signalExitCode(received);
  } finally {
    stop.dispose();
  }
}

/**
 * Makes SIGTERM and SIGINT end the process with `128 + n` whenever no other handler is
 * installed at that moment. Install it first, so it runs before any other handler could remove
 * itself (`process.once`) and make it look alone. Once per process; later calls do nothing.
 */
let defaultInstalled = false;

export function installDefaultStop(
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  if (defaultInstalled) return;
  defaultInstalled = true;
  for (const sig of STOP_SIGNALS) {
    const fallback = () => {
      if (process.listeners(sig).every((l) => l === fallback)) exit(signalExitCode(sig));
    };
    process.on(sig, fallback);
  }
}
