/**
 * A server interceptor that turns anything a handler throws into the runtime's one connector
 * error: Connect alone would answer a plain exception with Unknown, where the Go server's recovery
 * interceptor answers Internal and transient Node system errors should stay retryable.
 */
import type { Interceptor } from "@connectrpc/connect";
import { toConnectorError } from "./errors.js";

export const errorInterceptor: Interceptor = (next) => async (req) => {
  try {
    return await next(req);
  } catch (e) {
    throw toConnectorError(e);
  }
};
