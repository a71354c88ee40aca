// Dry-run mode of the request path: reads (GET) go through and are reported with a short
// summary of what they found; the first write (POST, PUT, PATCH, DELETE) is reported instead of
// sent, and the call fails with DryRunStop so the operation stops there. Every provisioning path
// makes at most one write before it reads back, so "the reads, then the one write" is its plan.
import type { HttpMethod } from "./endpoints.js";
import { safeJson } from "./json.js";

/** A read the dry run let through. */
export interface DryRunRead {
  readonly endpoint: string;
  /** Path and query, e.g. `/scim/v2/Users/u1/Groups?startIndex=1&count=100`. */
  readonly path: string;
  readonly status: number;
  /** What the reply held, in a few words (ids and names of a list, a user's state). */
  readonly summary: string;
}

/** The write a dry run stopped before sending. */
export interface DryRunWrite {
  readonly endpoint: string;
  readonly method: HttpMethod;
  readonly path: string;
  /** The JSON body, with every known secret redacted; undefined without a body. */
  readonly body: string | undefined;
}

export interface DryRunHooks {
  read(read: DryRunRead): void;
  write(write: DryRunWrite): void;
}

/** Thrown by a call the dry run stopped; the operation ends there, with nothing written. */
export class DryRunStop extends Error {
  override readonly name = "DryRunStop";
  constructor(readonly write: DryRunWrite) {
    super(`dry run: stopped before ${write.method} ${write.path}`);
  }
}

const LISTED = 5;

/** A few words on a SCIM or Reporting reply: list sizes and names, a user's or group's state. */
export function summarizeReply(text: string): string {
  const data = safeJson(text) as Record<string, unknown> | unknown[] | undefined;
  if (data === undefined) return text.trim() === "" ? "empty" : `${text.length} bytes`;
  if (Array.isArray(data)) return `${data.length} items`;
  const resources = data.Resources;
  if (Array.isArray(resources)) {
    const names = resources.slice(0, LISTED).map((r) => nameOf(r as Record<string, unknown>));
    const more = resources.length > LISTED ? ", …" : "";
    const total = typeof data.totalResults === "number" ? data.totalResults : resources.length;
    return `${resources.length} of ${total}${names.length > 0 ? `: ${names.join(", ")}${more}` : ""}`;
  }
  if (typeof data.userName === "string") {
    const roles = Array.isArray(data.roles)
      ? (data.roles as { value?: unknown }[]).map((r) => String(r.value))
      : [];
    return `user ${nameOf(data)}, active ${String(data.active)}, roles [${roles.join(", ")}]`;
  }
  if (typeof data.displayName === "string") {
    const members = Array.isArray(data.members) ? `, ${data.members.length} members` : "";
    return `group ${nameOf(data)}${members}`;
  }
  return `${text.length} bytes`;
}

function nameOf(r: Record<string, unknown>): string {
  const name = r.displayName ?? r.userName;
  return `${String(r.id ?? r.value ?? "?")}${typeof name === "string" ? ` "${name}"` : ""}`;
}
