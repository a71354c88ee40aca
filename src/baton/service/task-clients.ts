/**
 * The in-process Connect clients task handlers call: the same services `serve` registers, over
 * the same in-memory transport the one-shot sync uses, so a task and a sidecar call behave alike.
 */
import { type Client, createClient, type Transport } from "@connectrpc/connect";
import { ActionService } from "../../gen/c1/connector/v2/action_pb.js";
import { EventService } from "../../gen/c1/connector/v2/event_feed_pb.js";
import { CredentialManagerService } from "../../gen/c1/connector/v2/resource_pb.js";
import { TicketsService } from "../../gen/c1/connector/v2/ticket_pb.js";
import { type ConnectorClients, connectorClients } from "../sync/clients.js";

export interface TaskClients extends ConnectorClients {
  actions: Client<typeof ActionService>;
  events: Client<typeof EventService>;
  tickets: Client<typeof TicketsService>;
  credentials: Client<typeof CredentialManagerService>;
}

export function taskClients(transport: Transport): TaskClients {
  return {
    ...connectorClients(transport),
    actions: createClient(ActionService, transport),
    events: createClient(EventService, transport),
    tickets: createClient(TicketsService, transport),
    credentials: createClient(CredentialManagerService, transport),
  };
}
