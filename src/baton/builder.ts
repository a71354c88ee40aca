/**
 * Turns a {@link Connector} into the full set of `c1.connector.v2` service implementations (plus
 * `c1.ratelimit.v1.RateLimiterService`), ready to register on a Connect router: the same
 * registrations serve gRPC sidecars and the in-memory transport of one-shot syncs.
 */
import type { ConnectRouter } from "@connectrpc/connect";
import { ActionService } from "../gen/c1/connector/v2/action_pb.js";
import { AssetService } from "../gen/c1/connector/v2/asset_pb.js";
import { SchemaService } from "../gen/c1/connector/v2/config_pb.js";
import { ConnectorService } from "../gen/c1/connector/v2/connector_pb.js";
import { EntitlementsService } from "../gen/c1/connector/v2/entitlement_pb.js";
import { EventService } from "../gen/c1/connector/v2/event_feed_pb.js";
import { GrantManagerService, GrantsService } from "../gen/c1/connector/v2/grant_pb.js";
import {
  AccountManagerService,
  CredentialManagerService,
  ResourceDeleterService,
  ResourceGetterService,
  ResourceManagerService,
  ResourcesService,
  ResourceTypesService,
} from "../gen/c1/connector/v2/resource_pb.js";
import { TicketsService } from "../gen/c1/connector/v2/ticket_pb.js";
import { RateLimiterService } from "../gen/c1/ratelimit/v1/ratelimit_pb.js";
import { actionService } from "./actions/action-service.js";
import type { Connector } from "./connector.js";
import { realSleep } from "./retry.js";
import { connectorService } from "./services/connector-service.js";
import { type BuildOptions, ServiceContext } from "./services/context.js";
import {
  assetService,
  eventService,
  rateLimiterService,
  schemaService,
  ticketsService,
} from "./services/optional-services.js";
import {
  accountManagerService,
  credentialManagerService,
  grantManagerService,
  resourceDeleterService,
  resourceManagerService,
} from "./services/provisioning-services.js";
import {
  entitlementsService,
  grantsService,
  resourceGetterService,
  resourcesService,
  resourceTypesService,
} from "./services/sync-services.js";

export type { BuildOptions };

/**
 * The Go SDK version whose observable behaviour this runtime reproduces, spelt as Go connectors
 * report it in Validate's `sdk_version` (Go semver, with the leading "v"). Hosts send
 * `active_sync_id` only to connectors at ≥ v0.4.3, and a pre-release suffix would fail that
 * check, so this stays a plain release version.
 */
export const SDK_VERSION = "v0.25.0";

/** How long InvokeAction waits for the result by default, as the Go SDK does (then: RUNNING). */
export const DEFAULT_ACTION_WAIT_MS = 1_000;

/** Registers every service of the connector on a Connect router. */
export function registerConnector(
  router: ConnectRouter,
  connector: Connector,
  options: Partial<BuildOptions> = {},
): ConnectRouter {
  const sc = new ServiceContext(connector, {
    provisioning: options.provisioning ?? false,
    sleep: options.sleep ?? realSleep,
    sdkVersion: options.sdkVersion ?? SDK_VERSION,
    actionWaitMs: options.actionWaitMs ?? DEFAULT_ACTION_WAIT_MS,
    ...(options.onValidated ? { onValidated: options.onValidated } : {}),
  });
  return router
    .service(ConnectorService, connectorService(sc))
    .service(ResourceTypesService, resourceTypesService(sc))
    .service(ResourcesService, resourcesService(sc))
    .service(ResourceGetterService, resourceGetterService(sc))
    .service(EntitlementsService, entitlementsService(sc))
    .service(GrantsService, grantsService(sc))
    .service(GrantManagerService, grantManagerService(sc))
    .service(AccountManagerService, accountManagerService(sc))
    .service(ResourceManagerService, resourceManagerService(sc))
    .service(ResourceDeleterService, resourceDeleterService(sc))
    .service(CredentialManagerService, credentialManagerService(sc))
    .service(EventService, eventService())
    .service(TicketsService, ticketsService())
    .service(ActionService, actionService(sc))
    .service(AssetService, assetService())
    .service(SchemaService, schemaService())
    .service(RateLimiterService, rateLimiterService());
}
