/**
 * Event-feed and ticketing tasks, routed to the connector's EventService and TicketsService
 * (the Go SDK's task kinds). This connector has no feeds or ticketing, so these answer with
 * its empty list or its "not enabled" error, but they are always finished: Go leaves a failed
 * event-feed task unfinished, which C1 only learns about by timing out.
 */
import {
  ListEventFeedsResponseSchema,
  ListEventsResponseSchema,
} from "../../gen/c1/connector/v2/event_feed_pb.js";
import {
  TicketsServiceBulkCreateTicketsResponseSchema,
  TicketsServiceBulkGetTicketsResponseSchema,
  TicketsServiceCreateTicketResponseSchema,
  TicketsServiceGetTicketResponseSchema,
  TicketsServiceListTicketSchemasResponseSchema,
} from "../../gen/c1/connector/v2/ticket_pb.js";
import type {
  Task_BulkCreateTicketsTask,
  Task_BulkGetTicketsTask,
  Task_CreateTicketTask,
  Task_GetTicketTask,
  Task_ListEventFeedsTask,
  Task_ListEventsTask,
  Task_ListTicketSchemasTask,
} from "../../gen/c1/connectorapi/baton/v1/baton_pb.js";
import type { TaskContext } from "./task-context.js";
import { failed, succeeded, type TaskOutcome } from "./task-outcome.js";

/** Reads may be retried; creating a ticket twice would open two tickets. */
async function call(nonRetryable: boolean, fn: () => Promise<TaskOutcome>): Promise<TaskOutcome> {
  try {
    return await fn();
  } catch (e) {
    return failed(e, nonRetryable);
  }
}

export function listEventFeedsTask(t: Task_ListEventFeedsTask, ctx: TaskContext) {
  return call(false, async () =>
    succeeded(
      ListEventFeedsResponseSchema,
      await ctx.clients.events.listEventFeeds(
        { annotations: t.annotations },
        { signal: ctx.signal },
      ),
    ),
  );
}

export function listEventsTask(t: Task_ListEventsTask, ctx: TaskContext) {
  return call(false, async () =>
    succeeded(
      ListEventsResponseSchema,
      await ctx.clients.events.listEvents(
        {
          eventFeedId: t.eventFeedId,
          cursor: t.cursor,
          pageSize: t.pageSize,
          annotations: t.annotations,
          ...(t.startAt ? { startAt: t.startAt } : {}),
        },
        { signal: ctx.signal },
      ),
    ),
  );
}

function ticketRequest(t: Task_CreateTicketTask) {
  return {
    ...(t.ticketRequest ? { request: t.ticketRequest } : {}),
    ...(t.ticketSchema ? { schema: t.ticketSchema } : {}),
    annotations: t.annotations,
  };
}

export function createTicketTask(t: Task_CreateTicketTask, ctx: TaskContext) {
  return call(true, async () =>
    succeeded(
      TicketsServiceCreateTicketResponseSchema,
      await ctx.clients.tickets.createTicket(ticketRequest(t), { signal: ctx.signal }),
    ),
  );
}

export function bulkCreateTicketsTask(t: Task_BulkCreateTicketsTask, ctx: TaskContext) {
  return call(true, async () => ({
    ...succeeded(
      TicketsServiceBulkCreateTicketsResponseSchema,
      await ctx.clients.tickets.bulkCreateTickets(
        { ticketRequests: t.ticketRequests.map(ticketRequest) },
        { signal: ctx.signal },
      ),
    ),
  }));
}

export function getTicketTask(t: Task_GetTicketTask, ctx: TaskContext) {
  return call(false, async () =>
    succeeded(
      TicketsServiceGetTicketResponseSchema,
      await ctx.clients.tickets.getTicket(
        { id: t.ticketId, annotations: t.annotations },
        { signal: ctx.signal },
      ),
    ),
  );
}

export function bulkGetTicketsTask(t: Task_BulkGetTicketsTask, ctx: TaskContext) {
  return call(false, async () =>
    succeeded(
      TicketsServiceBulkGetTicketsResponseSchema,
      await ctx.clients.tickets.bulkGetTickets(
        {
          ticketRequests: t.ticketRequests.map((r) => ({
            id: r.ticketId,
            annotations: r.annotations,
          })),
        },
        { signal: ctx.signal },
      ),
    ),
  );
}

export function listTicketSchemasTask(t: Task_ListTicketSchemasTask, ctx: TaskContext) {
  return call(false, async () =>
    succeeded(
      TicketsServiceListTicketSchemasResponseSchema,
      await ctx.clients.tickets.listTicketSchemas(
        { annotations: t.annotations },
        { signal: ctx.signal },
      ),
    ),
  );
}
