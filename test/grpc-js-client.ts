/**
 * A gRPC client built on @grpc/grpc-js, a different gRPC implementation from the server's Connect
 * stack, so the tests prove interoperability on the wire. Messages are (de)serialised with our
 * generated protobuf-es schemas; everything else (framing, HTTP/2, TLS, status trailers) is
 * grpc-js's own.
 */
import type {
  DescMessage,
  DescMethodServerStreaming,
  DescMethodUnary,
  MessageInitShape,
  MessageShape,
} from "@bufbuild/protobuf";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { type Status, StatusSchema } from "../src/gen/google/rpc/status_pb.js";

type Method = DescMethodUnary | DescMethodServerStreaming;

function path(method: Method): string {
  return `/${method.parent.typeName}/${method.name}`;
}

function codec<I extends DescMessage, O extends DescMessage>(input: I, output: O) {
  return {
    serialize: (m: MessageShape<I>) => Buffer.from(toBinary(input, m)),
    deserialize: (b: Buffer) => fromBinary(output, b),
  };
}

/** A failed call: grpc-js's ServiceError (code, details = message, trailers in metadata). */
export type CallError = grpc.ServiceError;

export class GrpcJsClient {
  readonly #client: grpc.Client;

  constructor(
    address: string,
    credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
    options: grpc.ChannelOptions = {},
  ) {
    // A fresh channel per client: tests must not share connections by accident.
    this.#client = new grpc.Client(address, credentials, {
      "grpc.use_local_subchannel_pool": 1,
      ...options,
    });
  }

  /** Makes a unary call and resolves with the decoded response; rejects with a CallError. */
  call<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    request: MessageInitShape<I>,
    options: grpc.CallOptions = { deadline: Date.now() + 15_000 },
  ): Promise<MessageShape<O>> {
    const { serialize, deserialize } = codec(method.input, method.output);
    return new Promise((resolve, reject) => {
      this.#client.makeUnaryRequest(
        path(method),
        serialize,
        deserialize,
        create(method.input, request),
        new grpc.Metadata(),
        options,
        (err, value) => (err || value === undefined ? reject(err) : resolve(value)),
      );
    });
  }

  /** Makes a unary call that must fail, and resolves with its error. */
  async fail<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    request: MessageInitShape<I>,
  ): Promise<CallError> {
    try {
      await this.call(method, request);
    } catch (e) {
      return e as CallError;
    }
    throw new Error(`${path(method)} succeeded, but a failure was expected`);
  }

  /** Reads the first `count` messages of a server stream, then cancels it. */
  firstOfStream<I extends DescMessage, O extends DescMessage>(
    method: DescMethodServerStreaming<I, O>,
    request: MessageInitShape<I>,
    count: number,
  ): Promise<MessageShape<O>[]> {
    const { serialize, deserialize } = codec(method.input, method.output);
    const stream = this.#client.makeServerStreamRequest(
      path(method),
      serialize,
      deserialize,
      create(method.input, request),
      new grpc.Metadata(),
      { deadline: Date.now() + 15_000 },
    );
    return new Promise((resolve, reject) => {
      const got: MessageShape<O>[] = [];
      stream.on("data", (m: MessageShape<O>) => {
        got.push(m);
        if (got.length === count) {
          stream.cancel();
          resolve(got);
        }
      });
      stream.on("error", (e: CallError) => {
        if (e.code !== grpc.status.CANCELLED) reject(e);
      });
      stream.on("end", () => resolve(got));
    });
  }

  close(): void {
    this.#client.close();
  }
}

/**
 * Channel options for TLS to 127.0.0.1: SNI and certificate check use `localhost` (an IP address
 * is not a valid TLS server name, and Node warns about it).
 */
export const TLS_LOOPBACK_OPTIONS: grpc.ChannelOptions = {
  "grpc.ssl_target_name_override": "localhost",
  "grpc.default_authority": "localhost",
};

/** Decodes the `grpc-status-details-bin` trailer of a failed call into a google.rpc.Status. */
export function statusDetails(err: CallError): Status | undefined {
  const raw = err.metadata?.get("grpc-status-details-bin")[0];
  if (raw === undefined) return undefined;
  return fromBinary(StatusSchema, typeof raw === "string" ? Buffer.from(raw, "base64") : raw);
}

export { grpc };
