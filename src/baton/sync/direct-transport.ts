/**
 * The transport of a connector in this process: Connect clients call the same service
 * implementations a gRPC server registers, through the same server interceptors (error mapping,
 * metrics), with Connect's own client-side call semantics (deadlines, cancellation, errors as
 * ConnectError), but without encoding every message to protobuf bytes and decoding it again.
 *
 * Connect's router transport did that round trip on every call. In a one-shot sync it was a
 * large share of the main thread's work: a 100,000-user sync encoded and decoded ≈ 800,000
 * resources and grants that the syncer then encodes once more for the c1z, ≈ 5 GB of the
 * ≈ 15 GB the thread allocated, and with the collector's share ≈ a quarter of its time
 * (BENCHMARKS.md). The wire contract stays covered where there is a wire: the gRPC server, which
 * the Go SDK's own syncer drives in the tests.
 *
 * Messages are handed over as they are, so neither side may change a message after passing it:
 * the syncer, the store and the service host only read what they receive, and the connector
 * never changes a message it has returned (some, like its resource types, are shared constants).
 * Streaming methods (none of which the syncer calls) go through a router transport over
 * the same registrations, so they behave exactly as before.
 */
import {
  create,
  type DescMessage,
  type DescMethod,
  type DescService,
  type MessageInitShape,
} from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  type ConnectRouterOptions,
  createContextValues,
  createHandlerContext,
  createRouterTransport,
  type Interceptor,
  type StreamRequest,
  type StreamResponse,
  type Transport,
  type UnaryRequest,
  type UnaryResponse,
} from "@connectrpc/connect";
import { runUnaryCall } from "@connectrpc/connect/protocol";

/** The implementation of one unary method, bound to its service object. */
type UnaryFn = (request: unknown, context: unknown) => unknown;

const BASE_URL = "in-process://connector";

type RouterTransportOptions = NonNullable<Parameters<typeof createRouterTransport>[1]>;

export interface DirectTransportOptions {
  /** Server interceptors, outermost first, as a Connect router would run them. */
  readonly interceptors?: readonly Interceptor[];
  /** Options of the router that serves streaming methods (they still cross the codec). */
  readonly router?: ConnectRouterOptions;
  /** Options of the router transport's client side, for those methods. */
  readonly transport?: RouterTransportOptions["transport"];
}

/** A Transport to the services `routes` registers, called directly (see the module comment). */
export function createDirectTransport(
  routes: (router: ConnectRouter) => void,
  options: DirectTransportOptions = {},
): Transport {
  const unary = captureUnaryMethods(routes);
  const interceptors = [...(options.interceptors ?? [])];
  let streams: Transport | undefined;
  return {
    unary(method, signal, timeoutMs, header, input, contextValues) {
      return runUnaryCall({
        interceptors: [],
        signal,
        timeoutMs,
        req: {
          stream: false,
          service: method.parent,
          method,
          requestMethod: "POST",
          url: `${BASE_URL}/${method.parent.typeName}/${method.name}`,
          header: new Headers(header),
          contextValues: contextValues ?? createContextValues(),
          message: input,
        },
        next: (req) => serve(unary.get(method), req, interceptors) as Promise<never>,
      });
    },
    stream(method, signal, timeoutMs, header, input, contextValues) {
      streams ??= createRouterTransport(routes, {
        router: { ...options.router, interceptors },
        ...(options.transport ? { transport: options.transport } : {}),
      });
      return streams.stream(method, signal, timeoutMs, header, input, contextValues);
    },
  };
}

/**
 * Runs one unary call on the server side as Connect's handler does: a handler context linked to
 * the call's signal, the interceptors around the implementation, the output normalised to a full
 * message, and anything that escapes the interceptors answered as Internal "internal error".
 */
async function serve(
  impl: UnaryFn | undefined,
  req: UnaryRequest,
  interceptors: readonly Interceptor[],
): Promise<UnaryResponse> {
  const method = req.method;
  const context = createHandlerContext({
    service: method.parent,
    method,
    protocolName: "connect",
    requestMethod: req.requestMethod,
    url: req.url,
    requestSignal: req.signal,
    requestHeader: req.header,
    contextValues: req.contextValues,
  });
  const call = async (r: UnaryRequest | StreamRequest): Promise<UnaryResponse> => {
    if (!impl) {
      throw new ConnectError(
        `${method.parent.typeName}.${method.name} is not implemented`,
        Code.Unimplemented,
      );
    }
    const output = await impl(r.message, context);
    return {
      stream: false,
      service: method.parent,
      method,
      message: create(method.output, output as MessageInitShape<DescMessage>),
      header: context.responseHeader,
      trailer: context.responseTrailer,
    };
  };
  let next: (r: UnaryRequest | StreamRequest) => Promise<UnaryResponse | StreamResponse> = call;
  for (const interceptor of [...interceptors].reverse()) next = interceptor(next);
  try {
    const served = { ...req, signal: context.signal, header: context.requestHeader };
    return (await next({ ...served, contextValues: context.values })) as UnaryResponse;
  } catch (e) {
    context.abort(e);
    if (e instanceof ConnectError) throw e;
    throw new ConnectError("internal error", Code.Internal, undefined, undefined, e);
  } finally {
    context.abort();
  }
}

/** The unary implementations a registration function puts on a router, by method. */
function captureUnaryMethods(routes: (router: ConnectRouter) => void): Map<DescMethod, UnaryFn> {
  const methods = new Map<DescMethod, UnaryFn>();
  const router: ConnectRouter = {
    handlers: [],
    service(service: DescService, implementation: Record<string, unknown>) {
      for (const method of service.methods) {
        const fn = implementation[method.localName];
        if (method.methodKind === "unary" && typeof fn === "function") {
          methods.set(method, fn.bind(implementation) as UnaryFn);
        }
      }
      return router;
    },
    rpc(method: DescMethod, impl: unknown) {
      if (method.methodKind === "unary" && typeof impl === "function") {
        methods.set(method, impl as UnaryFn);
      }
      return router;
    },
  } as unknown as ConnectRouter;
  routes(router);
  return methods;
}
