/**
 * `grpc.health.v1.Health` for the connector server. The server is NOT_SERVING until the connector
 * has validated its credentials once (at start-up or through a host's Validate call), then
 * SERVING; orchestrators can therefore tell "process up" from "able to sync". The overall service
 * ("") and `c1.connector.v2.ConnectorService` answer; other names are NotFound, as in grpc-go.
 */
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import { ConnectorService } from "../gen/c1/connector/v2/connector_pb.js";
import {
  type Health,
  HealthCheckResponseSchema,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../gen/grpc/health/v1/health_pb.js";

export { ServingStatus };

/** Service names the health check answers for. */
export const HEALTH_SERVICE_NAMES: readonly string[] = ["", ConnectorService.typeName];

/** The serving status, with change notification for Watch. */
export class HealthState {
  #status = ServingStatus.NOT_SERVING;
  #closed = false;
  readonly #listeners = new Set<() => void>();

  get status(): ServingStatus {
    return this.#status;
  }

  /** True once the server began shutting down; open Watch streams end so they do not hold the drain. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Sets the status and wakes every watcher when it changed. */
  set(status: ServingStatus): void {
    // After close the server is going away: a late validation must not report SERVING again.
    if (this.#closed || status === this.#status) return;
    this.#status = status;
    this.#wake();
  }

  /** Reports NOT_SERVING and ends every Watch stream (called when the server starts draining). */
  close(): void {
    this.#closed = true;
    this.#status = ServingStatus.NOT_SERVING;
    this.#wake();
  }

  /** Resolves on the next change, on close, or when `signal` aborts. */
  changed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted || this.#closed) return resolve();
      const done = () => {
        this.#listeners.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.#listeners.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  #wake(): void {
    for (const l of [...this.#listeners]) l();
  }
}

function checkService(service: string): void {
  if (!HEALTH_SERVICE_NAMES.includes(service)) {
    throw new ConnectError(
      `HealthCheckRequest.service: unknown service "${service}"`,
      Code.NotFound,
    );
  }
}

/** The Health service over a state. Watch streams the current status and every change. */
export function healthService(state: HealthState): ServiceImpl<typeof Health> {
  return {
    async check(req) {
      checkService(req.service);
      return create(HealthCheckResponseSchema, { status: state.status });
    },
    async *watch(req, ctx) {
      // Like grpc-go, an unknown name streams SERVICE_UNKNOWN rather than failing the call.
      const known = HEALTH_SERVICE_NAMES.includes(req.service);
      let last: ServingStatus | undefined;
      for (;;) {
        const now = known ? state.status : ServingStatus.SERVICE_UNKNOWN;
        if (now !== last) {
          last = now;
          yield create(HealthCheckResponseSchema, { status: now });
        }
        if (ctx.signal.aborted || state.closed) return;
        await state.changed(ctx.signal);
      }
    },
  };
}
