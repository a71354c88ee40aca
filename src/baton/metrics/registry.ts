/**
 * The Baton runtime's metrics: one prom-client registry per host process with the runtime's own
 * series (gRPC calls, sync pages, rows, syncs, provisioning) and Node's process metrics. A
 * connector adds its own series to the same registry (see `registry` below); the listener
 * serves them all on /metrics.
 */
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/** Seconds: from a fast page to a slow sync. */
const CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const SYNC_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200];

export class BatonMetrics {
  /** Every series of this process; connectors register theirs here too. */
  readonly registry = new Registry();

  readonly grpcRequests = new Counter({
    name: "baton_grpc_requests_total",
    help: "c1.connector.v2 gRPC calls handled, by service, method and gRPC status code.",
    labelNames: ["service", "method", "code"] as const,
    registers: [this.registry],
  });

  readonly grpcDuration = new Histogram({
    name: "baton_grpc_request_duration_seconds",
    help: "Time to handle a gRPC call, by service and method.",
    labelNames: ["service", "method"] as const,
    buckets: CALL_BUCKETS,
    registers: [this.registry],
  });

  readonly pageDuration = new Histogram({
    name: "baton_sync_page_duration_seconds",
    help: "Time to produce one page of a sync (the List* calls), by method.",
    labelNames: ["method"] as const,
    buckets: CALL_BUCKETS,
    registers: [this.registry],
  });

  readonly rows = new Counter({
    name: "baton_sync_rows_total",
    help: "Rows listed to the syncer (which writes them into the c1z), by kind.",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });

  readonly syncDuration = new Histogram({
    name: "baton_sync_duration_seconds",
    help: "Duration of finished syncs: from the first call of an active sync id to its Cleanup.",
    buckets: SYNC_BUCKETS,
    registers: [this.registry],
  });

  readonly provisioning = new Counter({
    name: "baton_provisioning_operations_total",
    help: "Provisioning operations (grant, revoke, create_account, delete, action) by outcome.",
    labelNames: ["operation", "outcome"] as const,
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** The registry in Prometheus text format, and its content type. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
