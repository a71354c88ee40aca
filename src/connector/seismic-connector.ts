/**
 * The Seismic connector (createSeismicConnector): joins the Baton runtime and the Seismic client. One syncer per resource
 * type (user, group, role, platform_role, license), validation that mints a token and makes one
 * cheap SCIM call, and per-sync caches dropped by Cleanup.
 */
import type { CallContext, Connector, ConnectorStats } from "../baton/connector.js";
import {
  createSeismicClient,
  type SeismicClientOptions,
  type SeismicLogger,
  type SeismicStats,
  silentLogger,
} from "../seismic/index.js";
import { DEFAULT_READ_AHEAD, type SeismicConnectorConfig } from "./config.js";
import type { SeismicContext } from "./context.js";
import { guardSyncer, mapErrors } from "./errors.js";
import { groupSyncer } from "./groups.js";
import { licenseSyncer } from "./licenses.js";
import { PerSync } from "./per-sync.js";
import { platformRoleSyncer } from "./platform-roles.js";
import { roleSyncer } from "./roles.js";
import { ScopedClient } from "./scoped-client.js";
import { type DirectoryOptions, UserDirectory } from "./user-directory.js";
import { userSyncer } from "./users.js";

export const HELP_URL = "https://github.com/conductorone/baton-seismic";

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
  /** Closes the HTTP pools. */
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
  const seismic = new ScopedClient(
    (scopes) =>
      createSeismicClient(
        {
          tenant: config.tenant,
          clientId: config.clientId,
          clientSecret: config.clientSecret,
          delegationUserId: config.delegationUserId,
          apiUrl: config.apiUrl,
          authUrl: config.authUrl,
          ...(config.scimToken === undefined ? {} : { scimToken: config.scimToken }),
          scopes,
          rateLimit:
            config.rateLimit === 0
              ? false
              : { limit: config.rateLimit, windowMs: options.rateLimitWindowMs ?? 60_000 },
        },
        { ...options.client, logger },
      ),
    logger,
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
          ...options.directory,
        },
      ),
    (d) => d.close(),
  );
  const sc: SeismicContext = {
    seismic,
    directory,
    config,
    logger,
    membershipEndpointsOff: false,
    onCleanup: [() => directory.drop()],
  };
  const syncers = [
    userSyncer(sc),
    groupSyncer(sc),
    roleSyncer(sc),
    platformRoleSyncer(sc),
    licenseSyncer(sc),
  ].map(guardSyncer);

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
      // One token and one cheap SCIM call: a wrong secret, an unknown tenant or a locked
      // delegation user fails here with the cause named, not halfway through a sync.
      await mapErrors(() => seismic.run((c) => c.listUsers({ count: 1, signal: ctx.signal })));
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
    close: () => seismic.close(),
  };
}
