// Route table matching for the API origin. A route's template ("/scim/v2/Users/{id}") doubles as
// the key under which its calls are counted, so counters group by endpoint, not by id.

import type { Reply } from "./http.js";
import type { ListingLiar } from "./listing-lies.js";
import type { ResolvedOptions } from "./options.js";
import type { ReportingSnapshot } from "./reporting-snapshot.js";
import type { TenantState } from "./state.js";

/** What a request needs: "read" = user.view or user.manage, "write" = user.manage. */
export type Access = "read" | "write" | "reporting";

export interface ApiContext {
  method: string;
  /** The request path, without the query. */
  path: string;
  params: readonly string[];
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  /** The API origin, for meta.location and Location headers. */
  baseUrl: string;
  state: TenantState;
  options: ResolvedOptions;
  reporting: ReportingSnapshot;
  /** Serves list pages (lying about paging when the options say so). */
  listings: ListingLiar;
  now: number;
  /** The parsed JSON body; throws a 400 invalidSyntax ScimError when it is not JSON. */
  json(): Promise<unknown>;
}

export type Handler = (ctx: ApiContext) => Reply | Promise<Reply>;

export interface Route {
  method: string;
  template: string;
  access: Access;
  handler: Handler;
}

export type Match =
  | { kind: "route"; route: Route; params: string[] }
  | { kind: "method"; template: string; allow: string[] }
  | { kind: "none" };

interface Compiled {
  route: Route;
  segments: string[];
}

export class Router {
  private readonly compiled: Compiled[];

  constructor(routes: readonly Route[]) {
    this.compiled = routes.map((route) => ({
      route,
      segments: route.template.split("/").slice(1),
    }));
  }

  match(method: string, pathname: string): Match {
    const parts = pathname.split("/").slice(1);
    const allow: string[] = [];
    let template: string | undefined;
    for (const c of this.compiled) {
      const params = matchSegments(c.segments, parts);
      if (params === undefined) continue;
      if (c.route.method === method) return { kind: "route", route: c.route, params };
      allow.push(c.route.method);
      template ??= c.route.template;
    }
    return template === undefined ? { kind: "none" } : { kind: "method", template, allow };
  }
}

function matchSegments(
  segments: readonly string[],
  parts: readonly string[],
): string[] | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i] as string;
    const p = parts[i] as string;
    if (s.startsWith("{")) {
      if (p === "") return undefined;
      try {
        params.push(decodeURIComponent(p));
      } catch {
        return undefined;
      }
    } else if (s !== p) {
      return undefined;
    }
  }
  return params;
}
