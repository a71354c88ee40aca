/**
 * Services this connector does not use but that every Baton host may call, answered the way the
 * Go server answers a connector without the feature: no event feeds, ticketing disabled, no
 * assets, and a no-op rate limiter (hosts call Do before and Report after each RPC).
 */
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import type { AssetService } from "../../gen/c1/connector/v2/asset_pb.js";
import type { SchemaService } from "../../gen/c1/connector/v2/config_pb.js";
import {
  type EventService,
  ListEventFeedsResponseSchema,
} from "../../gen/c1/connector/v2/event_feed_pb.js";
import type { TicketsService } from "../../gen/c1/connector/v2/ticket_pb.js";
import {
  DoResponseSchema,
  RateLimitDescription_Status,
  type RateLimiterService,
  ReportResponseSchema,
} from "../../gen/c1/ratelimit/v1/ratelimit_pb.js";

export function eventService(): ServiceImpl<typeof EventService> {
  return {
    async listEventFeeds() {
      return create(ListEventFeedsResponseSchema, {});
    },
    async listEvents(req) {
      throw new ConnectError(
        `ListEventsRequest.event_feed_id: unknown event feed "${req.eventFeedId || "baton_feed_event"}"`,
        Code.NotFound,
      );
    },
  };
}

/** The Go no-op ticketing answers with a plain error, which reaches callers as Unknown. */
function ticketingDisabled(): never {
  throw new ConnectError("ticketing is not enabled", Code.Unknown);
}

export function ticketsService(): ServiceImpl<typeof TicketsService> {
  return {
    createTicket: ticketingDisabled,
    getTicket: ticketingDisabled,
    listTicketSchemas: ticketingDisabled,
    getTicketSchema: ticketingDisabled,
    bulkCreateTickets: ticketingDisabled,
    bulkGetTickets: ticketingDisabled,
  };
}

export function assetService(): ServiceImpl<typeof AssetService> {
  return {
    // No assets: an empty stream and OK, like the Go server.
    async *getAsset() {},
  };
}

export function schemaService(): ServiceImpl<typeof SchemaService> {
  return {
    async getSchema() {
      throw new ConnectError("SchemaService is not served by Baton connectors", Code.Unimplemented);
    },
  };
}

export function rateLimiterService(): ServiceImpl<typeof RateLimiterService> {
  return {
    async do(req) {
      return create(DoResponseSchema, {
        requestToken: req.requestToken,
        description: { status: RateLimitDescription_Status.EMPTY },
      });
    },
    async report() {
      return create(ReportResponseSchema, {});
    },
  };
}
