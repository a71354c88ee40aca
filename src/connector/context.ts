/**
 * What every Seismic syncer shares for the life of a connector instance: the client (with scope
 * negotiation), the per-sync user directory, listing checks and variant memory, configuration,
 * the logger, and what we learnt about the tenant (whether /Users/{id}/Groups exists).
 */
import type { CallContext } from "../baton/connector.js";
import type { Clock, SeismicLogger, TenantVariants } from "../seismic/index.js";
import type { ListingStates } from "./checked-listing.js";
import type { SeismicConnectorConfig } from "./config.js";
import type { PerSync } from "./per-sync.js";
import type { ScopedClient } from "./scoped-client.js";
import type { UserDirectory } from "./user-directory.js";

export interface SeismicContext {
  readonly seismic: ScopedClient;
  readonly directory: PerSync<UserDirectory>;
  /** The integrity checks of the paged listings in progress (checked-listing.ts). */
  readonly listings: PerSync<ListingStates>;
  readonly config: SeismicConnectorConfig;
  readonly logger: SeismicLogger;
  /**
   * Which variant of each unconfirmed call this tenant answers (seismic/variants): one memory
   * per sync, and one for calls outside a sync (provisioning).
   */
  variants(ctx: Pick<CallContext, "activeSyncId">): TenantVariants;
  /** Learnt once per instance: GET /Users/{id}/Groups answers 404 here. */
  userGroupsEndpointOff: boolean;
  /** Time and randomness for the connector's own waits (provisioning's re-applies). */
  readonly clock: Clock;
  readonly random: () => number;
  /** Per-sync caches register here to be dropped by Cleanup. */
  readonly onCleanup: (() => void)[];
}
