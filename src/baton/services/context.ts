/**
 * What every service implementation shares: the connector's syncers by type id, options, the
 * actions started so far, and the translation of a Connect handler context into the connector's
 * CallContext.
 */
import type { HandlerContext } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import { ActionRuns } from "../actions/action-runs.js";
import type { CallContext, Connector, ResourceSyncer } from "../connector.js";
import type { Sleep } from "../retry.js";

/** Options of the service builder. */
export interface BuildOptions {
  /** Serve the real provisioning services (`--provisioning`); otherwise they answer FailedPrecondition. */
  provisioning: boolean;
  /** Waits between builder-level retries; injectable so tests need not sleep. */
  sleep: Sleep;
  /** Version reported in Validate's `sdk_version` (Go semver such as `v0.25.0`, ≥ v0.4.3). */
  sdkVersion: string;
  /** Called after the connector validated (the server flips its health check to SERVING). */
  onValidated?: () => void;
  /** How long InvokeAction waits for a result when the request sets no `inline_wait`. */
  actionWaitMs: number;
}

/** The connector plus lookups the services need. */
export class ServiceContext {
  readonly byType: ReadonlyMap<string, ResourceSyncer>;
  /** The actions started through this server, for GetActionStatus. */
  readonly actionRuns = new ActionRuns();

  constructor(
    readonly connector: Connector,
    readonly options: BuildOptions,
  ) {
    this.byType = new Map(connector.syncers.map((s) => [s.resourceType.id, s]));
  }

  /** The syncer for a resource type id, or NotFound naming the field and the known types. */
  syncer(typeId: string, field: string): ResourceSyncer {
    const s = this.byType.get(typeId);
    if (!s) {
      throw new ConnectError(
        `${field}: unknown resource type "${typeId}" (known: ${[...this.byType.keys()].join(", ")})`,
        Code.NotFound,
      );
    }
    return s;
  }

  /** The connector call context for a handler call. */
  call(ctx: HandlerContext, activeSyncId?: string): CallContext {
    return activeSyncId ? { signal: ctx.signal, activeSyncId } : { signal: ctx.signal };
  }
}

/** The Go builder's guard: a connector that returns the token it was given would loop forever. */
export function checkNextToken(method: string, given: string, next: string | undefined): string {
  if (given !== "" && next === given) {
    throw new ConnectError(
      `${method}: the connector returned the same page token it was given; this is a connector bug`,
      Code.Internal,
    );
  }
  return next ?? "";
}
