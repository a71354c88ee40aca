// A 2xx answer whose body should be JSON but is not: cut short, empty, or something else (a
// proxy's HTML page). For an idempotent call the request path asks again, as after a reset
// connection; when it persists, the error says what was received: its size and content type,
// and for a body that is not JSON at all its first characters (scrubbed of credentials; a JSON
// body is never quoted, since it may hold personal data).
import { type SecretRedactor, truncate } from "./redact.js";

/** The decoded body, or what was received instead. */
export type DecodedBody = { ok: true; value: unknown } | { ok: false; received: string };

const QUOTED_CHARS = 60;

/**
 * Parses `text` as JSON (once: this is the only parse of a page).
 * @param emptyAllowed an empty body decodes as `undefined` (a 204-style answer).
 * @param redactor quote the start of a non-JSON body, scrubbed; without it nothing is quoted.
 */
export function decodeJsonBody(
  text: string,
  contentType: string | undefined,
  emptyAllowed: boolean,
  redactor?: SecretRedactor,
): DecodedBody {
  if (text.trim() === "") {
    return emptyAllowed ? { ok: true, value: undefined } : { ok: false, received: "an empty body" };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, received: describe(text, contentType, redactor) };
  }
}

function describe(text: string, contentType: string | undefined, redactor?: SecretRedactor) {
  const size = `${Buffer.byteLength(text)} bytes of ${mediaType(contentType)}`;
  const first = text.trimStart()[0];
  if (first === "{" || first === "[")
    return `${size} that start as JSON but do not parse (cut short?)`;
  if (!redactor) return `${size} that are not JSON`;
  // Scrubbed before it is shortened, so no credential is cut where the scrubber cannot see it.
  const quoted = truncate(redactor.scrub(text), QUOTED_CHARS);
  return `${size} that are not JSON, starting ${JSON.stringify(quoted)}`;
}

function mediaType(contentType: string | undefined): string {
  const type = contentType?.split(";")[0]?.trim();
  return type ? type : "no stated type";
}
