/**
 * What every Seismic syncer shares for the life of a connector instance: the client (with scope
 * negotiation), the per-sync user directory and variant memory, configuration, the logger, and
 * what we learnt about the tenant (whether /Users/{id}/Groups exists).
 */
import type { CallContext } from "../baton/connector.js";
import type { SeismicLogger, TenantVariants } from "../seismic/index.js";
import type { SeismicConnectorConfig } from "./config.js";
import type { PerSync } from "./per-sync.js";
import type { ScopedClient } from "./scoped-client.js";
import type { UserDirectory } from "./user-directory.js";

export interface SeismicContext {
  readonly seismic: ScopedClient;
  readonly directory: PerSync<UserDirectory>;
  readonly config: SeismicConnectorConfig;
  readonly logger: SeismicLogger;
  /**
   * Which variant of each unconfirmed call this tenant answers (seismic/variants): one memory
   * per sync, and one for calls outside a sync (provisioning).
   */
  variants(ctx: Pick<CallContext, "activeSyncId">): TenantVariants;
  /** Learnt once per instance: GET /Users/{id}/Groups answers 404 here. */
  userGroupsEndpointOff: boolean;
  /** Per-sync caches register here to be dropped by Cleanup. */
  readonly onCleanup: (() => void)[];
}
