// Test support (excluded from the build): a Seismic connector wired to a running simulator, a
// recording logger, page walkers and call counters, with one closeAll() for afterEach.
import { join } from "node:path";
import { C1zReader } from "../../baton/c1z/reader.js";
import { C1zStore } from "../../baton/c1z/store.js";
import { tempDir } from "../../baton/c1z/test-support/temp-dir.js";
import type {
  AnnotatedPage,
  CallContext,
  Connector,
  ResourceSyncer,
} from "../../baton/connector.js";
import { resourceKey } from "../../baton/ids.js";
import type { PageRequest } from "../../baton/pagination.js";
import { connectorClients, inProcessTransport } from "../../baton/sync/clients.js";
import { runSync } from "../../baton/sync/syncer.js";
import type { SeismicLogger } from "../../seismic/index.js";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../simulator/index.js";
import type { SeismicConnectorConfig } from "../config.js";
import {
  createSeismicConnector,
  type SeismicConnector,
  type SeismicConnectorOptions,
} from "../seismic-connector.js";

export interface LogEntry {
  level: "debug" | "info" | "warn";
  fields: object;
  message: string;
}

/** Keeps every log call for assertions. */
export class RecordingLogger implements SeismicLogger {
  readonly entries: LogEntry[] = [];
  debug(fields: object, message = ""): void {
    this.entries.push({ level: "debug", fields, message });
  }
  info(fields: object, message = ""): void {
    this.entries.push({ level: "info", fields, message });
  }
  warn(fields: object, message = ""): void {
    this.entries.push({ level: "warn", fields, message });
  }
  warnings(): LogEntry[] {
    return this.entries.filter((e) => e.level === "warn");
  }
}

const open: { close(): Promise<void> }[] = [];

/** Closes every simulator and connector the tests started. */
export async function closeAll(): Promise<void> {
  const all = open.splice(0);
  await Promise.all(all.map((o) => o.close()));
}

/** Starts a simulator (rate limit off unless given). */
export async function startSim(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator({ rateLimit: false, ...options });
  open.push(sim);
  return sim;
}

/** The connector configuration that points at `sim`. */
export function simConfig(
  sim: Simulator,
  overrides: Partial<SeismicConnectorConfig> = {},
): SeismicConnectorConfig {
  return {
    tenant: sim.tenant,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    delegationUserId: sim.delegationUserId,
    apiUrl: sim.apiUrl,
    authUrl: sim.authUrl,
    deleteMode: "deactivate",
    rateLimit: 0,
    ...overrides,
  };
}

export interface SimConnector {
  sim: Simulator;
  connector: SeismicConnector;
  logger: RecordingLogger;
  /** The syncer of a resource type. */
  syncer(typeId: string): ResourceSyncer;
}

/** A connector (fast backoff, short stall detection of the user listing) against `sim`. */
export function connectTo(
  sim: Simulator,
  overrides: Partial<SeismicConnectorConfig> = {},
  options: SeismicConnectorOptions = {},
): SimConnector {
  const logger = new RecordingLogger();
  const connector = createSeismicConnector(simConfig(sim, overrides), {
    logger,
    client: { backoff: { baseDelayMs: 1, maxDelayMs: 5 } },
    directory: { stallMs: 200 },
    ...options,
  });
  open.push(connector);
  return {
    sim,
    connector,
    logger,
    syncer: (typeId) => {
      const s = connector.syncers.find((x) => x.resourceType.id === typeId);
      if (!s) throw new Error(`no syncer for ${typeId}`);
      return s;
    },
  };
}

/** A call context of one sync. */
export function syncCtx(activeSyncId = "sync-1"): CallContext {
  return { signal: new AbortController().signal, activeSyncId };
}

/** A call context without a sync id (provisioning). */
export function plainCtx(): CallContext {
  return { signal: new AbortController().signal };
}

/** Follows page tokens to the end; returns the items and the number of pages. */
export async function walk<T>(
  fetch: (page: PageRequest) => Promise<AnnotatedPage<T>>,
  size = 0,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let token = "";
  let pages = 0;
  do {
    const page = await fetch({ token, size });
    pages++;
    items.push(...page.items);
    if (page.nextToken && page.nextToken === token) throw new Error("page token did not change");
    token = page.nextToken ?? "";
  } while (token !== "");
  return { items, pages };
}

/** Calls per simulator endpoint since `before` (a snapshot of sim.state.calls()). */
export function callsSince(sim: Simulator, before: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of sim.state.calls()) {
    const d = v - (before.get(k) ?? 0);
    if (d > 0) out.set(k, d);
  }
  return out;
}

/** Total API calls (token requests excluded) since `before`. */
export function apiCallsSince(sim: Simulator, before: Map<string, number>): number {
  let n = 0;
  for (const [k, v] of callsSince(sim, before)) if (!k.includes("/connect/token")) n += v;
  return n;
}

/** Runs a full in-process sync of `connector` into a new c1z; returns the stored ids, sorted. */
export async function syncedIds(
  connector: Connector,
  concurrency = 4,
): Promise<{ resources: string[]; grants: string[]; warnings: string[] }> {
  const file = join(tempDir("seismic-sync-"), "sync.c1z");
  const store = await C1zStore.open(file);
  const result = await runSync(connectorClients(inProcessTransport(connector)), store, {
    concurrency,
  });
  await store.save();
  const reader = await C1zReader.open(file);
  try {
    return {
      resources: reader
        .resources()
        .map((r) => (r.id ? resourceKey(r.id) : ""))
        .sort(),
      grants: reader
        .grants()
        .map((g) => g.id)
        .sort(),
      warnings: result.warnings,
    };
  } finally {
    reader.close();
  }
}
