/**
 * Service mode's host: the connector run under ConductorOne, as the Go SDK runs it. It
 * connects with the client credentials, says Hello with the connector's metadata, starts the
 * health endpoints if asked, then polls for tasks and runs each through the same in-process
 * services, syncer and c1z writer as `serve` and the one-shot CLI. One log line marks each
 * task's start and end.
 *
 * Shutdown (SIGTERM, SIGINT or the caller's signal): no new GetTask; running syncs are cancelled
 * at once and reported as Canceled (retryable, so ConductorOne issues them again); other tasks
 * may finish for up to the drain timeout, then are cancelled and reported the same way; tasks
 * that arrive during the drain are reported Canceled unstarted. A second signal cuts the drain
 * short. Then the process exits 0.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import type { Connector } from "../connector.js";
import { realSleep, type Sleep } from "../retry.js";
import { inProcessTransport } from "../sync/clients.js";
import { BatonApi, type HelloBody } from "./baton-api.js";
import type { C1ClientId, C1ClientSecret } from "./c1-credentials.js";
import { c1Connection } from "./c1-transport.js";
import { type HealthServer, startHealthServer } from "./health-server.js";
import { buildInfo, osInfo } from "./hello-info.js";
import { pollLoop, TaskSlots } from "./poll-loop.js";
import type { ServiceLogger } from "./service-logger.js";
import { startupHello } from "./startup-hello.js";
import { taskClients } from "./task-clients.js";
import type { SyncSettings, TaskContext } from "./task-context.js";
import { runTask, type ServiceHooks, shutdown } from "./task-runner.js";
import { C1TokenSource } from "./token-source.js";
import { trustedCertificates } from "./trust-store.js";

/** How long non-sync tasks may finish after a stop request. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 20_000;

export interface ServiceHostOptions {
  connector: Connector;
  /** `--provisioning`: without it, provisioning tasks fail with FailedPrecondition. */
  provisioning: boolean;
  clientId: C1ClientId;
  clientSecret: C1ClientSecret;
  /** `host[:port]` of ConductorOne's API. */
  apiHost: string;
  /** Whether `apiHost` came from BATON_C1_API_HOST (to name it in errors). */
  apiHostFromEnv: boolean;
  hostId: string;
  /** Trusted roots (default: the bundled, system and NODE_EXTRA_CA_CERTS ones). */
  ca?: readonly string[];
  /** The binary's name and version, for Hello and the user agent. */
  build: { name: string; version: string };
  taskConcurrency: number;
  sync: SyncSettings;
  /** `--health-check` with its bind address and port. */
  health?: { bind: string; port: number };
  logger: ServiceLogger;
  /** Receives minted tokens and assertions, so the log scrubber can hide them. */
  onSecret?: (value: string) => void;
  sleep?: Sleep;
  /** Stops the host like SIGTERM. */
  signal?: AbortSignal;
  drainTimeoutMs?: number;
  hooks?: ServiceHooks;
}

const STOP_SIGNALS = ["SIGTERM", "SIGINT"] as const;

export type { ServiceHooks, TaskEnd } from "./task-runner.js";

/** Runs until stopped; throws a UsageError (exit 1) when start-up cannot succeed. */
export async function runServiceHost(o: ServiceHostOptions): Promise<void> {
  const sleep = o.sleep ?? realSleep;
  const userAgent = `${o.clientId.clientName} ${o.build.name}/${o.build.version} node/${process.versions.node}`;
  const ca = o.ca ?? trustedCertificates();
  const tokens = new C1TokenSource({
    id: o.clientId,
    secret: o.clientSecret,
    apiHost: o.apiHost,
    ca,
    userAgent,
    ...(o.onSecret ? { onSecret: o.onSecret } : {}),
  });
  const connection = c1Connection({ apiHost: o.apiHost, ca, tokens, userAgent });
  const api = new BatonApi(connection.transport, o.hostId, sleep);
  const clients = taskClients(inProcessTransport(o.connector, { provisioning: o.provisioning }));
  const helloBody = async (signal?: AbortSignal): Promise<HelloBody> => {
    const r = await clients.connector.getMetadata({}, { signal });
    if (!r.metadata) throw new ConnectError("the connector returned no metadata", Code.Internal);
    return {
      buildInfo: buildInfo(o.build.name, o.build.version),
      osInfo: osInfo(),
      connectorMetadata: r.metadata,
    };
  };

  const stopping = new AbortController();
  const hardStop = new AbortController();
  const onSignal = (why: string) => {
    if (stopping.signal.aborted) {
      o.logger.warn({ signal: why }, "second stop request: cancelling the tasks still running");
      hardStop.abort(shutdown(`${why} (second signal)`));
      return;
    }
    o.logger.info({ signal: why }, "stopping: no new tasks; cancelling running syncs");
    stopping.abort(shutdown(why));
  };
  const handlers = STOP_SIGNALS.map((sig) => [sig, () => onSignal(sig)] as const);
  for (const [sig, h] of handlers) process.on(sig, h);
  const onAbort = () => onSignal("abort");
  o.signal?.addEventListener("abort", onAbort, { once: true });
  if (o.signal?.aborted) onAbort();

  let health: HealthServer | undefined;
  const running = new Set<Promise<void>>();
  try {
    o.logger.info(
      { api_host: o.apiHost, host_id: o.hostId, provisioning: o.provisioning },
      "connecting to ConductorOne",
    );
    const accepted = await startupHello({
      api,
      body: () => helloBody(stopping.signal),
      sleep,
      signal: stopping.signal,
      logger: o.logger,
      apiHost: o.apiHost,
      apiHostFromEnv: o.apiHostFromEnv,
    }).then(
      () => true,
      (e: unknown) => {
        // A stop during start-up is a clean exit, not a failure.
        if (stopping.signal.aborted) return false;
        throw e;
      },
    );
    if (!accepted) return;
    if (o.health) {
      health = await startHealthServer(clients, o.health.bind, o.health.port);
      o.logger.info(
        { address: health.address },
        "health endpoints listening (/health, /ready, /live)",
      );
    }
    o.logger.info(
      { host_id: o.hostId, task_concurrency: o.taskConcurrency },
      "ConductorOne accepted Hello; waiting for tasks",
    );
    o.hooks?.onStarted?.({
      hostId: o.hostId,
      apiHost: o.apiHost,
      ...(health ? { health: health.address } : {}),
    });
    const context = (signal: AbortSignal): TaskContext => ({
      api,
      clients,
      logger: o.logger,
      sleep,
      signal,
      sync: o.sync,
      helloBody,
      keyId: o.clientSecret.thumbprint,
    });
    await pollLoop({
      api,
      slots: new TaskSlots(o.taskConcurrency),
      sleep,
      signal: stopping.signal,
      logger: o.logger,
      ...(o.hooks?.onPoll ? { onPoll: (ok: boolean) => o.hooks?.onPoll?.(ok) } : {}),
      run: (task) => {
        const p = runTask(task, {
          context,
          stopping: stopping.signal,
          hardStop: hardStop.signal,
          api,
          logger: o.logger,
          ...(o.hooks ? { hooks: o.hooks } : {}),
        });
        running.add(p);
        return p.finally(() => running.delete(p));
      },
    });
  } finally {
    if (running.size > 0) {
      o.logger.info({ tasks: running.size }, "waiting for running tasks to finish");
      const timer = setTimeout(
        () => hardStop.abort(shutdown("drain timeout")),
        o.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS,
      );
      await Promise.allSettled([...running]);
      clearTimeout(timer);
    }
    for (const [sig, h] of handlers) process.off(sig, h);
    o.signal?.removeEventListener("abort", onAbort);
    await health?.close();
    connection.close();
  }
  o.logger.info({}, "service mode stopped");
}
