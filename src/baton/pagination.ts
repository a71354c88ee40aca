/**
 * Page tokens for connectors. Tokens are opaque to hosts but must be self-contained (they are
 * checkpointed into the c1z and may be resumed by another process days later), change from page
 * to page, and stay far under the 1 MiB limit. We encode a small JSON state as base64url.
 */
import { Code, ConnectError } from "@connectrpc/connect";

/** Largest page a host may ask for (`page_size` validation rule). */
export const MAX_PAGE_SIZE = 250;
/** Largest page token a host accepts. */
export const MAX_PAGE_TOKEN_BYTES = 1_048_576;

/** What a connector's list method receives. `size` is 0 when the host left the choice to us. */
export interface PageRequest {
  token: string;
  size: number;
}

/** One page of results. An empty `nextToken` means this was the last page. */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** Encodes a JSON-serialisable page state as an opaque token; `undefined` encodes as "" (done). */
export function encodePageToken(state: unknown): string {
  if (state === undefined) return "";
  return Buffer.from(JSON.stringify(state), "utf8").toString("base64url");
}

/**
 * Decodes a token made by {@link encodePageToken}. An empty token gives `undefined` (first page);
 * a token we did not make is an InvalidArgument naming the field.
 */
export function decodePageToken<T>(token: string, parse: (v: unknown) => T): T | undefined {
  if (token === "") return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw new ConnectError(
      "invalid page_token: not a token this connector issued",
      Code.InvalidArgument,
    );
  }
  try {
    return parse(raw);
  } catch {
    throw new ConnectError(
      "invalid page_token: not a token this connector issued",
      Code.InvalidArgument,
    );
  }
}

/** The page size to use: the host's hint when given, else the connector's preference. */
export function pageSize(request: PageRequest, preferred: number): number {
  return request.size > 0 ? Math.min(request.size, preferred) : preferred;
}
