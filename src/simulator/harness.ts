// Test and benchmark helpers: mint a token from a running simulator and call its API over real
// HTTP, returning status, headers and parsed body in one value that assertions can compare.

import type { Simulator } from "./index.js";

export interface ApiResult {
  status: number;
  headers: Headers;
  /** Parsed JSON body, the raw text when not JSON, undefined when empty. */
  body: unknown;
}

export function tokenRequest(
  sim: Simulator,
  form: Record<string, string>,
  tenant: string = sim.tenant,
): Promise<Response> {
  return fetch(`${sim.authUrl}/tenants/${tenant}/connect/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
}

/** The form a well-configured connector sends. */
export function delegationForm(sim: Simulator, scope?: string): Record<string, string> {
  const form: Record<string, string> = {
    grant_type: "delegation",
    client_id: sim.clientId,
    client_secret: sim.clientSecret,
    user_id: sim.delegationUserId,
  };
  if (scope !== undefined) form.scope = scope;
  return form;
}

export async function getToken(sim: Simulator, scope?: string): Promise<string> {
  const res = await tokenRequest(sim, delegationForm(sim, scope));
  if (res.status !== 200)
    throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export type Call = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<ApiResult>;

/** A caller bound to one simulator and bearer token (undefined: no Authorization header). */
export function caller(sim: Simulator, bearer: string | undefined): Call {
  return async (method, path, body, headers = {}) => {
    const h: Record<string, string> = { ...headers };
    if (bearer !== undefined) h.authorization = `Bearer ${bearer}`;
    if (body !== undefined) h["content-type"] = "application/scim+json";
    const init: RequestInit = { method, headers: h };
    if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
    const res = await fetch(`${sim.apiUrl}${path}`, init);
    const text = await res.text();
    let parsed: unknown;
    if (text !== "") {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
}

/** A SCIM error body as RFC 7644 §3.12 shapes it. */
export function scimError(
  status: number,
  detail: string,
  scimType?: string,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
    status: String(status),
  };
  if (scimType !== undefined) body.scimType = scimType;
  body.detail = detail;
  return body;
}

/** Schema URNs the tests send and expect. */
export const URN = {
  USER: "urn:ietf:params:scim:schemas:core:2.0:User",
  GROUP: "urn:ietf:params:scim:schemas:core:2.0:Group",
  LIST: "urn:ietf:params:scim:api:messages:2.0:ListResponse",
  PATCH: "urn:ietf:params:scim:api:messages:2.0:PatchOp",
  SEISMIC: "urn:ietf:params:scim:schemas:extension:seismic:2.0:User",
  ENTERPRISE: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
} as const;

/** A SCIM resource as JSON. */
export type Res = Record<string, unknown>;

/** A SCIM ListResponse body. */
export type ListBody = {
  totalResults: number;
  itemsPerPage: number;
  startIndex: number;
  Resources: Res[];
};
