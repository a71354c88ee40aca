// One HTTP attempt over undici: send, read the whole body as text, and hand back status and
// headers. No retries or error mapping here; network errors propagate for the caller to classify.
import { type Dispatcher, request } from "undici";

/** A single HTTP attempt. */
export interface HttpAttempt {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
}

/** The response of one attempt, body fully read. */
export interface HttpReply {
  status: number;
  /** First value of a (case-insensitive) response header. */
  header(name: string): string | undefined;
  text: string;
}

/**
 * Sends one request through `dispatcher` and reads the body.
 * @throws whatever undici throws for connection, socket, timeout and abort failures.
 */
export async function sendOnce(dispatcher: Dispatcher, attempt: HttpAttempt): Promise<HttpReply> {
  const response = await request(attempt.url, {
    dispatcher,
    method: attempt.method as Dispatcher.HttpMethod,
    headers: attempt.headers,
    body: attempt.body,
    signal: attempt.signal,
    headersTimeout: attempt.headersTimeoutMs,
    bodyTimeout: attempt.bodyTimeoutMs,
  });
  const text = await response.body.text();
  const headers = response.headers;
  return {
    status: response.statusCode,
    header(name) {
      const value = headers[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    },
    text,
  };
}
