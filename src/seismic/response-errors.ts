// Maps a non-2xx API response to a SeismicError: reads the SCIM error body (RFC 7644 §3.12) or
// Seismic's `{statusCode, message}` body, falls back to truncated raw text, names the endpoint and
// the credential, and for 403 names the scope the call needs.
import type { Endpoint } from "./endpoints.js";
import { endpointLabel } from "./endpoints.js";
import {
  describeCredential,
  type RateLimitInfo,
  type SeismicCredential,
  SeismicError,
  type SeismicErrorCode,
} from "./errors.js";
import { safeJson } from "./json.js";
import { ScimErrorBody } from "./models.js";
import { type SecretRedactor, truncate } from "./redact.js";

/** What the request path knows when a call has failed for good. */
export interface FailedCall {
  endpoint: Endpoint;
  credential: SeismicCredential;
  status: number;
  text: string;
  requestId: string;
  attempts: number;
  tenant: string;
  rateLimit?: RateLimitInfo;
  retryAfterMs?: number;
}

interface BodyFacts {
  detail?: string;
  scimType?: string;
  scope?: string;
}

/** Builds the error for a failed call. Server text is truncated and scrubbed of secrets. */
export function errorForResponse(call: FailedCall, redactor: SecretRedactor): SeismicError {
  const label = endpointLabel(call.endpoint);
  const facts = readBody(call.text, redactor);
  const said = facts.detail ? ` Seismic said: ${facts.detail}` : "";
  const who = describeCredential(call.credential);
  const details = {
    status: call.status,
    endpoint: label,
    credential: call.credential,
    requestId: call.requestId,
    detail: facts.detail,
    scimType: facts.scimType,
    rateLimit: call.rateLimit,
    retryAfterMs: call.retryAfterMs,
  };
  const fail = (code: SeismicErrorCode, message: string, extra: object = {}) =>
    new SeismicError(code, `${message}${said}`, { ...details, ...extra });

  const { status } = call;
  if (status === 401) {
    return call.credential === "scim_token"
      ? fail(
          "unauthenticated",
          `Seismic rejected the static SCIM token on ${label} (401): check --seismic-scim-token, or omit it to use the OAuth delegation token.`,
        )
      : fail(
          "unauthenticated",
          `Seismic rejected the OAuth delegation token on ${label} (401), also after minting a new one: check that the app is still enabled for tenant ${call.tenant} and that its delegated user is active.`,
        );
  }
  if (status === 403) {
    const scope = facts.scope ?? call.endpoint.scope;
    return fail(
      "permission_denied",
      `Seismic denied ${label} (403) to ${who}: it needs the ${scope} scope; grant it to the app (and request it), and make sure the delegated user is a System Administrator.`,
      { scope },
    );
  }
  if (status === 404) {
    return fail("not_found", `${label} found nothing (404).`);
  }
  if (status === 405 || status === 501) {
    return fail("unsupported", `${label} is not available on this Seismic tenant (${status}).`);
  }
  if (status === 409) {
    return fail("conflict", `${label} conflicts with existing data (409).`);
  }
  if (status === 429) {
    const after =
      call.retryAfterMs === undefined ? "" : ` in ${Math.ceil(call.retryAfterMs / 1000)} s`;
    return fail(
      "rate_limited",
      `Seismic kept rate-limiting ${label} (429) after ${call.attempts} attempts: try again${after}, or lower the client's rate limit.`,
      { retryable: true },
    );
  }
  if (status >= 500) {
    const how =
      call.attempts > 1
        ? `after ${call.attempts} attempts`
        : "and it was not retried because the request may have been processed; read the state back before trying again";
    return fail("server_error", `Seismic failed on ${label} (${status}) ${how}.`, {
      retryable: true,
    });
  }
  return fail(
    "bad_request",
    `Seismic rejected ${label} (${status}${facts.scimType ? ` ${facts.scimType}` : ""}).`,
  );
}

/** Reads the useful parts of an error body, whatever its shape. */
function readBody(text: string, redactor: SecretRedactor): BodyFacts {
  const json = safeJson(text);
  if (json === undefined || json === null || typeof json !== "object") {
    const raw = redactor.scrub(truncate(text));
    return { detail: raw || undefined, scope: findScope(raw) };
  }
  const record = json as Record<string, unknown>;
  const scim = ScimErrorBody.safeParse(record);
  const message = firstString(record, ["detail", "message", "error_description", "title", "error"]);
  const detail = message === undefined ? undefined : redactor.scrub(truncate(message));
  const scopeField = firstString(record, [
    "scope",
    "requiredScope",
    "missingScope",
    "required_scope",
    "missing_scope",
  ]);
  return {
    detail,
    scimType: scim.success ? scim.data.scimType : undefined,
    scope: findScope(scopeField ?? "") ?? findScope(redactor.scrub(text)),
  };
}

function firstString(record: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = record[key];
    if (typeof value === "string" && value.trim() !== "") return value;
  }
  return undefined;
}

/** Finds a Seismic scope name (`seismic.user.view`, `seismic.reporting`, …) in text. */
function findScope(text: string): string | undefined {
  return /\bseismic\.(?!com\b)[a-z]+(?:\.(?:view|manage))?\b/i.exec(text)?.[0];
}
