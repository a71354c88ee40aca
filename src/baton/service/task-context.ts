/**
 * What every task handler gets from the service host: the BatonService calls, the in-process
 * connector clients, a logger, a sleep and the task's cancellation signal, plus the settings of
 * syncs and credentials. Handlers return a TaskOutcome; the host reports it.
 */
import type { Sleep } from "../retry.js";
import type { SyncTarget } from "../sync/targeted-sync.js";
import type { BatonApi, HelloBody } from "./baton-api.js";
import type { ServiceLogger } from "./service-logger.js";
import type { TaskClients } from "./task-clients.js";

/** How syncs run, from the flags (`--workers`, `--c1z-temp-dir`, `--sync-resource-types`, …). */
export interface SyncSettings {
  /** Where each sync's temporary c1z and working database live. */
  tempDir: string;
  workers: number;
  checkpointIntervalMs?: number;
  /** `--sync-resource-types`: used when a task names no types. */
  resourceTypeIds?: readonly string[];
  /** `--sync-resources`: replaces a task's targeted resources when set. */
  targets?: readonly SyncTarget[];
}

export interface TaskContext {
  api: BatonApi;
  clients: TaskClients;
  logger: ServiceLogger;
  sleep: Sleep;
  /** Aborted when the task must stop (shutdown); its reason says why. */
  signal: AbortSignal;
  sync: SyncSettings;
  /** Hello's body (build, OS, fresh connector metadata), for `hello` tasks. */
  helloBody(signal?: AbortSignal): Promise<HelloBody>;
  /** RFC 7638 thumbprint of the client secret: the key id of passwords encrypted to us. */
  keyId: string;
}
