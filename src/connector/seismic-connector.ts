/**
 * The Seismic connector (createSeismicConnector): joins the Baton runtime and the Seismic client.
 * One syncer per resource type (user, group, role, platform_role unless left out on purpose,
 * license), each listing guarded against silent prunes (listing-guard.ts); validation that mints
 * a token and makes one cheap SCIM call; and per-sync caches and variant memory dropped by
 * Cleanup.
 */
import type { CallContext, Connector, ConnectorStats } from "../baton/connector.js";
import {
  ENDPOINTS,
  endpointLabel,
  type SeismicClientOptions,
  type SeismicLogger,
  type SeismicStats,
  silentLogger,
  systemClock,
  TenantVariants,
} from "../seismic/index.js";
import { ListingStates } from "./checked-listing.js";
import { clientFactory } from "./client-factory.js";
import { DEFAULT_READ_AHEAD, type SeismicConnectorConfig } from "./config.js";
import type { SeismicContext } from "./context.js";
import { guardSyncer, mapErrors } from "./errors.js";
import { groupSyncer } from "./groups.js";
import { licenseSyncer } from "./licenses.js";
import { guardListing } from "./listing-guard.js";
import { pacedSyncer } from "./paced-syncer.js";
import { PerSync } from "./per-sync.js";
import { platformRoleSyncer } from "./platform-roles.js";
import { roleSyncer } from "./roles.js";
import { ScopedClient } from "./scoped-client.js";
import { type DirectoryOptions, UserDirectory } from "./user-directory.js";
import { userSyncer } from "./users.js";

export const HELP_URL = "https://github.com/conductorone/baton-seismic";

/** The user directory's own scan of /Users, when the user listing does not feed it. */
export interface SeismicConnectorOptions {
  /** pino or any compatible logger; never receives secrets. Default: silent. */
  logger?: SeismicLogger;
  /** Client collaborators (dispatcher, clock, backoff) for tests and benchmarks. */
  client?: Omit<SeismicClientOptions, "logger">;
  /** How the sync's walk of /Users reads ahead and waits for the user listing. */
  directory?: DirectoryOptions;
  /** The rate limit's rolling window, ms: Seismic's is 60 s; tests shorten it with the simulator's. */
  rateLimitWindowMs?: number;
}

/** A Seismic connector plus what its owner needs: API usage counters and close(). */
export interface SeismicConnector extends Connector {
  /** Counters of the Seismic client in use (calls, retries, 429s, tokens, rate-limit waits). */
  stats(): SeismicStats & ConnectorStats;
  /** Stops the reads in flight and closes the HTTP pools. */
  close(): Promise<void>;
}

/**
 * Creates the connector for one tenant.
 * @throws SeismicError `invalid_config` when the client configuration is invalid (e.g. a bad URL).
 */
export function createSeismicConnector(
  config: SeismicConnectorConfig,
  options: SeismicConnectorOptions = {},
): SeismicConnector {
  const logger = options.logger ?? silentLogger;
  const platformRoles = config.skipPlatformRoles !== true;
  const seismic = new ScopedClient(
    clientFactory(config, { ...options.client, logger }, options.rateLimitWindowMs),
    logger,
    { reporting: platformRoles },
  );
  const readAhead = config.readAhead ?? DEFAULT_READ_AHEAD;
  const directory = new PerSync(
    () =>
      new UserDirectory(
        (startIndex, count, signal, ahead) =>
          seismic.run((c) => c.listUsers({ startIndex, count, signal, ...ahead })),
        {
          readAhead,
          // Fetching everything early only pays when the rate limit, not the CPU, is the bottleneck.
          prefetchAll: config.rateLimit > 0 && readAhead > 0,
          // Under a rate limit, compressing kept pages waits for the window's burst to go out.
          ...(config.rateLimit > 0
            ? { packWhenQuiet: (signal: AbortSignal) => seismic.prefetchLull(signal) }
            : {}),
          onReread: (reason) =>
            logger.warn(
              { endpoint: endpointLabel(ENDPOINTS.listUsers), reason },
              "the role and licence directory's pages of /Users did not add up; reading them again from the start",
            ),
          ...options.directory,
        },
      ),
    (d) => d.close(),
  );
  // One variant memory per sync (the end of a sync warns about inline members once), and one
  // for calls outside any sync (provisioning), dropped by Cleanup too.
  const syncVariants = new PerSync(
    () => new TenantVariants(logger),
    (v) => v.warnInlineMembers(),
  );
  const otherVariants = new PerSync(() => new TenantVariants(logger));
  const listings = new PerSync(() => new ListingStates());
  const sc: SeismicContext = {
    seismic,
    directory,
    listings,
    config,
    logger,
    variants: (ctx) => (ctx.activeSyncId ? syncVariants : otherVariants).get(ctx),
    clock: options.client?.clock ?? systemClock,
    random: options.client?.random ?? Math.random,
    userGroupsEndpointOff: false,
    onCleanup: [
      () => directory.drop(),
      () => listings.drop(),
      () => syncVariants.drop(),
      () => otherVariants.drop(),
    ],
  };
  const syncers = [
    userSyncer(sc),
    groupSyncer(sc),
    roleSyncer(sc),
    // Left out on purpose: not registered, so the type is not reported at all.
    ...(platformRoles ? [platformRoleSyncer(sc)] : []),
    licenseSyncer(sc),
  ]
    .map((s) => guardSyncer(s, guardListing))
    .map((s) =>
      config.rateLimit > 0 ? pacedSyncer(s, (signal) => seismic.prefetchLull(signal)) : s,
    );

  return {
    syncers,
    async metadata() {
      return {
        displayName: "Seismic",
        description:
          "Seismic users, groups, Learning roles, platform roles and content licences; provisions group membership, roles and accounts.",
        helpUrl: HELP_URL,
      };
    },
    async validate(ctx: CallContext) {
      // One token and one cheap SCIM call: a wrong secret, an unknown tenant, a locked
      // delegation user or a wrong address fails here with the cause named, not halfway
      // through a sync.
      await mapErrors(() => seismic.run((c) => c.listUsers({ count: 1, signal: ctx.signal })));
      // Platform roles are not checked here: the host may leave them out of the sync
      // (--sync-resource-types), which Validate cannot see. A refused scope fails their
      // listing instead, at the start of the sync's resources phase and without a call.
      return undefined;
    },
    async cleanup() {
      for (const drop of sc.onCleanup) drop();
      logger.info({ tenant: config.tenant, ...seismic.current.stats() }, "Seismic API usage");
    },
    stats: () => {
      const s = seismic.current.stats();
      return {
        ...s,
        rateLimitWaitMs: s.throttledMs,
        ...(s.throttledUntil === undefined ? {} : { rateLimitWaitingUntil: s.throttledUntil }),
      };
    },
    close: () => {
      // Reads still in flight (pages fetched ahead) stop quietly first: closing the pools under
      // them would read as dropped connections, retried with a warning.
      for (const drop of sc.onCleanup) drop();
      return seismic.close();
    },
  };
}
