/**
 * The gRPC connection to ConductorOne: one persistent HTTP/2 session over TLS ≥ 1.2 to the
 * client id's host (or `BATON_C1_API_HOST`), verified against the trust store, with every call
 * carrying `authorization: <type> <token>` from the token source. The Go client dials per call;
 * one session is equally valid on the wire and spares a handshake per poll.
 */
import { Code, ConnectError, type Interceptor, type Transport } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { type C1TokenSource, TokenError } from "./token-source.js";

export interface C1TransportOptions {
  /** `host[:port]`; 443 when no port is given. */
  apiHost: string;
  ca: readonly string[];
  tokens: C1TokenSource;
  userAgent: string;
}

/** The transport, and `close()` to drop the session so the process can exit. */
export interface C1Connection {
  transport: Transport;
  close(): void;
}

/** Opens (lazily) the session and returns a transport over it. */
export function c1Connection(o: C1TransportOptions): C1Connection {
  const baseUrl = `https://${o.apiHost}`;
  const sessions = new Http2SessionManager(
    baseUrl,
    { pingIntervalMs: 30_000, pingTimeoutMs: 15_000 },
    { ca: [...o.ca], minVersion: "TLSv1.2" },
  );
  const transport = createGrpcTransport({
    baseUrl,
    sessionManager: sessions,
    interceptors: [authorize(o.tokens, o.userAgent)],
    // Tasks carry whole resources; C1 may send more than gRPC's usual 4 MiB.
    readMaxBytes: 64 * 1024 * 1024,
  });
  return { transport, close: () => sessions.abort() };
}

/** Attaches the token (and our user agent) to each call; a refused token is minted afresh next time. */
function authorize(tokens: C1TokenSource, userAgent: string): Interceptor {
  return (next) => async (req) => {
    let authorization: string;
    try {
      authorization = await tokens.authorization();
    } catch (e) {
      throw tokenError(e);
    }
    req.header.set("authorization", authorization);
    req.header.set("user-agent", userAgent);
    try {
      return await next(req);
    } catch (e) {
      if (ConnectError.from(e).code === Code.Unauthenticated) tokens.invalidate(authorization);
      throw e;
    }
  };
}

/**
 * A token failure as the call's error: a refusal or a token-less answer is Unauthenticated (as
 * in Go); a server error or no answer at all is Unavailable, which callers back off and retry.
 */
export function tokenError(e: unknown): ConnectError {
  if (!(e instanceof TokenError)) return ConnectError.from(e);
  const code =
    e.failure === "refused" || e.failure === "malformed" ? Code.Unauthenticated : Code.Unavailable;
  return new ConnectError(`failed to get token: ${e.message}`, code, undefined, undefined, e);
}
