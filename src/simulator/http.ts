// Small HTTP plumbing shared by both origins: the reply value handlers return, SCIM and gateway
// error bodies, request-body reading with a size cap, and writing a reply with its headers.

import type { IncomingMessage, ServerResponse } from "node:http";
import { URN } from "./catalog.js";

export const SCIM_JSON = "application/scim+json; charset=utf-8";
export const JSON_TYPE = "application/json; charset=utf-8";

/** What a handler answers; `raw` is a pre-serialised body (Reporting caches its JSON). */
export interface Reply {
  status: number;
  body?: unknown;
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** An RFC 7644 §3.12 error; thrown by SCIM handlers and rendered by `scimErrorReply`. */
// Plain fields rather than constructor parameter properties throughout the simulator: Node's
// type stripping (used to run the `simulate` command from source in tests) cannot erase those.
export class ScimError extends Error {
  readonly status: number;
  readonly detail: string;
  readonly scimType: string | undefined;

  constructor(status: number, detail: string, scimType?: string) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.scimType = scimType;
  }
}

/** The answer for a path no route serves (also for switched-off membership endpoints). */
export function noEndpoint(method: string, path: string): ScimError {
  return new ScimError(404, `No endpoint ${method} ${path}`);
}

export function scimErrorReply(e: ScimError): Reply {
  const body: Record<string, unknown> = { schemas: [URN.error], status: String(e.status) };
  if (e.scimType !== undefined) body.scimType = e.scimType;
  body.detail = e.detail;
  return { status: e.status, body, contentType: SCIM_JSON };
}

/** Errors raised by the API gateway itself (auth, scopes, faults), before any service answers. */
export function gatewayReply(status: number, message: string, extra: object = {}): Reply {
  return { status, body: { statusCode: status, message, ...extra }, contentType: JSON_TYPE };
}

export class BodyTooLarge extends Error {}

/** Reads the whole request body as UTF-8, refusing more than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = 1_048_576): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) throw new BodyTooLarge(`request body over ${limit} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function send(
  res: ServerResponse,
  reply: Reply,
  headers: Record<string, string> = {},
): void {
  let payload: string | undefined = reply.raw;
  if (payload === undefined && reply.body !== undefined) payload = JSON.stringify(reply.body);
  const all: Record<string, string | number> = { ...headers, ...reply.headers };
  if (payload !== undefined) {
    all["Content-Type"] = reply.contentType ?? JSON_TYPE;
    all["Content-Length"] = Buffer.byteLength(payload);
  }
  res.writeHead(reply.status, all);
  res.end(payload);
}
