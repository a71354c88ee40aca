import { create } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  createClient,
  type HandlerContext,
  type Interceptor,
} from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { AssetService } from "../../gen/c1/connector/v2/asset_pb.js";
import {
  ResourcesService,
  ResourceTypeSchema,
  ResourceTypesService,
} from "../../gen/c1/connector/v2/resource_pb.js";
import { RateLimitDescriptionSchema } from "../../gen/c1/ratelimit/v1/ratelimit_pb.js";
import { createDirectTransport } from "./direct-transport.js";

type ListTypes = (req: { pageToken: string }, ctx: HandlerContext) => Promise<unknown> | unknown;

function typesClient(listResourceTypes: ListTypes, interceptors: Interceptor[] = []) {
  const routes = (router: ConnectRouter) =>
    router.service(ResourceTypesService, { listResourceTypes } as never);
  return createClient(ResourceTypesService, createDirectTransport(routes, { interceptors }));
}

/** The ConnectError a call fails with; a call that succeeds fails the test. */
async function failure(call: Promise<unknown>): Promise<ConnectError> {
  const outcome = await call.then(
    () => new Error("the call succeeded"),
    (e: unknown) => e,
  );
  if (!(outcome instanceof ConnectError)) throw outcome;
  return outcome;
}

/** A handler that waits until its call's signal ends it, and reports why. */
function waitingHandler(seen: { reason?: unknown }): ListTypes {
  return (_req, ctx) =>
    new Promise((_, reject) => {
      ctx.signal.addEventListener("abort", () => {
        seen.reason = ctx.signal.reason;
        reject(ctx.signal.reason);
      });
    });
}

describe("createDirectTransport", () => {
  it("hands the implementation a full request and the client a full response message", async () => {
    const requests: unknown[] = [];
    const client = typesClient((req) => {
      requests.push(req);
      return { list: [{ id: "user", displayName: "User" }] };
    });
    const res = await client.listResourceTypes({ pageToken: "p2" });
    expect(requests).toEqual([
      expect.objectContaining({
        $typeName: "c1.connector.v2.ResourceTypesServiceListResourceTypesRequest",
        pageToken: "p2",
        pageSize: 0,
        activeSyncId: "",
      }),
    ]);
    expect(res.$typeName).toBe("c1.connector.v2.ResourceTypesServiceListResourceTypesResponse");
    expect(res.nextPageToken).toBe("");
    expect(res.list[0]).toEqual(create(ResourceTypeSchema, { id: "user", displayName: "User" }));
  });

  it("runs the server interceptors outermost first, around the implementation", async () => {
    const order: string[] = [];
    const named =
      (name: string): Interceptor =>
      (next) =>
      async (req) => {
        order.push(`${name} ${req.method.name} ${req.header.get("x-trace") ?? "-"}`);
        const res = await next(req);
        order.push(`${name} done`);
        return res;
      };
    const client = typesClient(() => {
      order.push("impl");
      return {};
    }, [named("metrics"), named("errors")]);
    await client.listResourceTypes({}, { headers: { "x-trace": "t1" } });
    expect(order).toEqual([
      "metrics ListResourceTypes t1",
      "errors ListResourceTypes t1",
      "impl",
      "errors done",
      "metrics done",
    ]);
  });

  it("keeps a ConnectError's code, message and details; answers other errors Internal", async () => {
    const limited = new ConnectError("slow down", Code.Unavailable, undefined, [
      { desc: RateLimitDescriptionSchema, value: { remaining: 3n } },
    ]);
    const ce = await failure(
      typesClient(() => {
        throw limited;
      }).listResourceTypes({}),
    );
    expect([ce.code, ce.rawMessage]).toEqual([Code.Unavailable, "slow down"]);
    expect(ce.findDetails(RateLimitDescriptionSchema)[0]?.remaining).toBe(3n);

    const plain = await failure(
      typesClient(() => {
        throw new Error("db password is hunter2");
      }).listResourceTypes({}),
    );
    // As Connect's server answers it: the handler's own message does not reach the client.
    expect([plain.code, plain.rawMessage]).toEqual([Code.Internal, "internal error"]);
  });

  it("answers a method nobody registered with Unimplemented", async () => {
    const routes = (router: ConnectRouter) => router.service(ResourceTypesService, {});
    const client = createClient(ResourcesService, createDirectTransport(routes));
    const err = await failure(client.listResources({}));
    expect([err.code, err.rawMessage]).toEqual([
      Code.Unimplemented,
      "c1.connector.v2.ResourcesService.ListResources is not implemented",
    ]);
  });

  it("ends the handler's signal at the deadline and when the caller cancels", async () => {
    const atDeadline: { reason?: unknown } = {};
    const late = await failure(
      typesClient(waitingHandler(atDeadline)).listResourceTypes({}, { timeoutMs: 20 }),
    );
    expect(late.code).toBe(Code.DeadlineExceeded);
    expect((atDeadline.reason as ConnectError).code).toBe(Code.DeadlineExceeded);

    const cancelled: { reason?: unknown } = {};
    const controller = new AbortController();
    const call = typesClient(waitingHandler(cancelled)).listResourceTypes(
      {},
      { signal: controller.signal },
    );
    controller.abort();
    const err = await failure(call);
    expect(err.code).toBe(Code.Canceled);
    expect(cancelled.reason).toBeDefined();
  });

  it("ends the handler's signal once the call has answered", async () => {
    let signal: AbortSignal | undefined;
    await typesClient((_req, ctx) => {
      signal = ctx.signal;
      return {};
    }).listResourceTypes({});
    expect(signal?.aborted).toBe(true);
  });

  it("serves streaming methods through the same registrations", async () => {
    const routes = (router: ConnectRouter) =>
      router.service(AssetService, {
        async *getAsset(req) {
          yield { msg: { case: "metadata", value: { contentType: "image/png" } } };
          yield { msg: { case: "data", value: { data: new TextEncoder().encode(req.asset?.id) } } };
        },
      });
    const client = createClient(AssetService, createDirectTransport(routes));
    const parts: string[] = [];
    for await (const part of client.getAsset({ asset: { id: "logo" } })) {
      parts.push(
        part.msg.case === "data"
          ? new TextDecoder().decode(part.msg.value.data)
          : String(part.msg.value?.contentType),
      );
    }
    expect(parts).toEqual(["image/png", "logo"]);
  });
});
