/**
 * The syncer talks to a connector only through Connect clients over a Transport: a direct
 * transport to the connector's service implementations for one-shot syncs in this process, or a
 * gRPC transport for a remote connector (`--connector-addr`). Both run the same registrations,
 * server interceptors and client call semantics; only the gRPC path puts bytes on a wire.
 */
import {
  type Client,
  type ConnectRouter,
  createClient,
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
import { createDirectTransport } from "./direct-transport.js";

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

/** Streaming calls still cross the codec; the default 4 MiB cap is a network precaution. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/**
 * A transport to a connector in this process (direct-transport.ts: the same registrations and
 * server interceptors as a gRPC server, without encoding messages to bytes and back).
 * `interceptors` run around every call, outside the error mapping (e.g. the metrics).
 */
export function inProcessTransport(
  connector: Connector,
  options: Partial<BuildOptions> = {},
  interceptors: readonly Interceptor[] = [],
): Transport {
  const routes = (router: ConnectRouter) => registerConnector(router, connector, options);
  return createDirectTransport(routes, {
    // The same error mapping as the gRPC server, so both modes report the same codes.
    interceptors: [...interceptors, errorInterceptor],
    router: { readMaxBytes: MAX_MESSAGE_BYTES, writeMaxBytes: MAX_MESSAGE_BYTES },
    transport: { readMaxBytes: MAX_MESSAGE_BYTES, writeMaxBytes: MAX_MESSAGE_BYTES },
  });
}
