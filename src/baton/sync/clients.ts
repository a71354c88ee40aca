/**
 * The syncer talks to a connector only through Connect clients over a Transport: an in-memory
 * router transport for one-shot syncs in this process, or a gRPC transport for a remote connector
 * (`--connector-addr`), so both paths exercise the same wire contract.
 */
import {
  type Client,
  createClient,
  createRouterTransport,
  type Interceptor,
  type Transport,
} from "@connectrpc/connect";
import { ActionService } from "../../gen/c1/connector/v2/action_pb.js";
import { ConnectorService } from "../../gen/c1/connector/v2/connector_pb.js";
import { EntitlementsService } from "../../gen/c1/connector/v2/entitlement_pb.js";
import { GrantManagerService, GrantsService } from "../../gen/c1/connector/v2/grant_pb.js";
import {
  AccountManagerService,
  ResourceGetterService,
  ResourceManagerService,
  ResourcesService,
  ResourceTypesService,
} from "../../gen/c1/connector/v2/resource_pb.js";
import { type BuildOptions, registerConnector } from "../builder.js";
import type { Connector } from "../connector.js";
import { errorInterceptor } from "../error-interceptor.js";

/** Typed clients for every service a syncer or provisioner calls. */
export interface ConnectorClients {
  connector: Client<typeof ConnectorService>;
  resourceTypes: Client<typeof ResourceTypesService>;
  resources: Client<typeof ResourcesService>;
  getter: Client<typeof ResourceGetterService>;
  entitlements: Client<typeof EntitlementsService>;
  grants: Client<typeof GrantsService>;
  grantManager: Client<typeof GrantManagerService>;
  accounts: Client<typeof AccountManagerService>;
  resourceManager: Client<typeof ResourceManagerService>;
  actions: Client<typeof ActionService>;
}

/** Clients over any transport. */
export function connectorClients(transport: Transport): ConnectorClients {
  return {
    connector: createClient(ConnectorService, transport),
    resourceTypes: createClient(ResourceTypesService, transport),
    resources: createClient(ResourcesService, transport),
    getter: createClient(ResourceGetterService, transport),
    entitlements: createClient(EntitlementsService, transport),
    grants: createClient(GrantsService, transport),
    grantManager: createClient(GrantManagerService, transport),
    accounts: createClient(AccountManagerService, transport),
    resourceManager: createClient(ResourceManagerService, transport),
    actions: createClient(ActionService, transport),
  };
}

/**
 * An in-memory transport to a connector in this process (messages still cross the codec).
 * `interceptors` run around every call, outside the error mapping (e.g. the metrics).
 */
export function inProcessTransport(
  connector: Connector,
  options: Partial<BuildOptions> = {},
  interceptors: readonly Interceptor[] = [],
): Transport {
  return createRouterTransport((router) => registerConnector(router, connector, options), {
    // Large tenants produce large pages; the default 4 MiB cap is a network precaution.
    transport: { readMaxBytes: 64 * 1024 * 1024, writeMaxBytes: 64 * 1024 * 1024 },
    // The same error mapping as the gRPC server, so both modes report the same codes.
    router: {
      readMaxBytes: 64 * 1024 * 1024,
      writeMaxBytes: 64 * 1024 * 1024,
      interceptors: [...interceptors, errorInterceptor],
    },
  });
}
