// How the tenant says "I do not have that": the answers that settle a variant question. A route
// that is missing answers 404 (on an object known to exist, or on a path without an object),
// 405 or 501, or a 400 from a router that did not recognise the path; a strict server refuses an
// RFC 7644 projection parameter with a 400 that names it.
import { SeismicError } from "../errors.js";

/** Whether `error` is an answer a missing route gives (404, 405, 501, or a 400 not about a parameter). */
export function isMissingRoute(error: unknown): error is SeismicError {
  if (!SeismicError.is(error, "not_found", "unsupported", "bad_request")) return false;
  return !(error.code === "bad_request" && rejectsProjection(error));
}

/** Whether `error` is a 400 that names `attributes` or `excludedAttributes`. */
export function rejectsProjection(error: unknown): error is SeismicError {
  if (!SeismicError.is(error, "bad_request")) return false;
  return /\b(excluded)?attributes\b/i.test(error.detail ?? error.message);
}

/** `404`, `405`, … for a reason line. */
export function statusOf(error: SeismicError): string {
  return error.status === undefined ? error.code : String(error.status);
}
