/**
 * What every Seismic syncer shares for the life of a connector instance: the client (with scope
 * negotiation), the per-sync user directory and listing checks, configuration, the logger, and
 * what we learnt about the tenant (whether its membership endpoints exist).
 */
import type { Clock, SeismicLogger } from "../seismic/index.js";
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
  /** Time and randomness for the connector's own waits (provisioning's re-applies). */
  readonly clock: Clock;
  readonly random: () => number;
  /** Learnt once per instance: GET /Groups/{id}/Users and /Users/{id}/Groups answer 404 here. */
  membershipEndpointsOff: boolean;
  /** Per-sync caches register here to be dropped by Cleanup. */
  readonly onCleanup: (() => void)[];
}
