// Lenient JSON decoding of response bodies: error bodies may be empty, HTML or plain text.

/** Parses JSON, or returns undefined for an empty or non-JSON body. */
export function safeJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
