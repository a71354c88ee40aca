/**
 * Builds Seismic clients from the connector's configuration, one per scope set: the connector's
 * scope negotiation (scoped-client.ts) and `doctor`'s per-scope checks both ask it.
 */
import {
  createSeismicClient,
  type SeismicClient,
  type SeismicClientOptions,
} from "../seismic/index.js";
import type { SeismicConnectorConfig } from "./config.js";

/** A factory of clients for `config` that request the given scopes. */
export function clientFactory(
  config: SeismicConnectorConfig,
  options: SeismicClientOptions,
): (scopes: readonly string[]) => SeismicClient {
  return (scopes) =>
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
        rateLimit: config.rateLimit === 0 ? false : { limit: config.rateLimit, windowMs: 60_000 },
      },
      options,
    );
}
