// Turns a zod failure on a Seismic response into one readable `invalid_response` error that
// names the endpoint and the offending field paths (never the values, which may be personal data).
import type { z } from "zod";
import { SeismicError } from "./errors.js";

const MAX_ISSUES = 3;

/**
 * Parses `data` with `schema`.
 *
 * @param endpoint the label used in the message, e.g. `GET /scim/v2/Users`.
 * @throws SeismicError `invalid_response`, e.g.
 *   "GET /scim/v2/Users returned a malformed response: Resources[3].id: expected string, received number".
 */
export function parseResponse<S extends z.ZodType>(
  schema: S,
  data: unknown,
  endpoint: string,
  details: { status?: number; requestId?: string } = {},
): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const shown = issues.slice(0, MAX_ISSUES).map(formatIssue).join("; ");
  const more = issues.length > MAX_ISSUES ? ` (and ${issues.length - MAX_ISSUES} more)` : "";
  return invalidResponse(endpoint, `${shown}${more}`, details);
}

/** Throws the `invalid_response` error for `endpoint` with a reason. */
export function invalidResponse(
  endpoint: string,
  reason: string,
  details: { status?: number; requestId?: string } = {},
): never {
  throw new SeismicError(
    "invalid_response",
    `${endpoint} returned a malformed response: ${reason}. Seismic may have changed its API; report this with the request id.`,
    { ...details, endpoint, detail: reason },
  );
}

/** Formats one issue as `path: reason`, e.g. `Resources[3].id: expected string, received number`. */
export function formatIssue(issue: z.core.$ZodIssue): string {
  const path = formatPath(issue.path);
  const reason = issue.message.replace(/^Invalid input: /, "");
  return path ? `${path}: ${reason}` : reason;
}

/** `["Resources", 3, "id"]` → `Resources[3].id`; URN keys are bracketed and quoted. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) {
      out += out ? `.${key}` : key;
    } else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}
