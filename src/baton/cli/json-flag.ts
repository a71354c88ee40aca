/**
 * Flags whose value is a JSON object (`--create-account-profile`, `--invoke-action-args`): parsed
 * here, with one line naming the flag and showing an example when the value is not an object.
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { UsageError } from "../errors.js";

/** The object `text` holds; `{}` when the flag was not given. */
export function jsonObjectFlag(flag: string, text: unknown, example: string): JsonObject {
  if (typeof text !== "string" || text.trim() === "") return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new UsageError(`--${flag}: not valid JSON; pass an object such as '${example}'`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new UsageError(`--${flag}: must be a JSON object`);
  }
  return v as JsonObject;
}
