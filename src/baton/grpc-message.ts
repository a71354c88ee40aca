/**
 * Re-encodes the `grpc-message` trailer the way the gRPC HTTP/2 spec describes: percent-encode
 * only `%` and bytes outside printable ASCII. Connect encodes with encodeURIComponent, which is
 * legal, but @grpc/grpc-js decodes with decodeURI and leaves `%3A`, `%2F`, ... in the text, so
 * Node hosts would read "invalid X%3A value" where Go hosts read "invalid X: value".
 */
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";

/** A request listener of Node's HTTP/2 compatibility API, as connectNodeAdapter returns. */
export type Http2Handler = (req: Http2ServerRequest, res: Http2ServerResponse) => void;

const utf8 = new TextEncoder();

/** Spec percent-encoding of a status message (UTF-8 bytes; space through `~` kept, `%` escaped). */
export function encodeGrpcMessage(message: string): string {
  let out = "";
  for (const b of utf8.encode(message)) {
    out +=
      b < 0x20 || b > 0x7e || b === 0x25
        ? `%${b.toString(16).toUpperCase().padStart(2, "0")}`
        : String.fromCharCode(b);
  }
  return out;
}

function reencode(value: string): string {
  try {
    return encodeGrpcMessage(decodeURIComponent(value));
  } catch {
    return value; // not percent-encoded by us: leave it alone
  }
}

/** Wraps a Node gRPC handler so the `grpc-message` trailer it writes is spec-encoded. */
export function withSpecGrpcMessage(handler: Http2Handler): Http2Handler {
  return (req, res) => {
    const addTrailers = res.addTrailers.bind(res);
    res.addTrailers = (headers) => {
      const h = headers as Record<string, string | string[] | undefined>;
      const message = h["grpc-message"];
      if (typeof message === "string") h["grpc-message"] = reencode(message);
      addTrailers(headers);
    };
    return handler(req, res);
  };
}
