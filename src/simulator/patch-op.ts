// The PatchOp envelope as Seismic accepts it: the PatchOp schema, a non-empty
// Operations list, only "replace", a path on every operation and a value. Resource-specific
// paths are resolved by user-patch.ts and group-patch.ts.

import { URN } from "./catalog.js";
import { bad, isObject } from "./user-input.js";

export interface ReplaceOp {
  path: string;
  value: unknown;
}

export function parsePatch(body: unknown): ReplaceOp[] {
  if (!isObject(body)) throw bad("The request body must be a JSON object", "invalidSyntax");
  if (!Array.isArray(body.schemas) || !body.schemas.includes(URN.patchOp)) {
    throw bad(`schemas must be ["${URN.patchOp}"]`, "invalidSyntax");
  }
  const ops = body.Operations;
  if (!Array.isArray(ops) || ops.length === 0) {
    throw bad("Operations must be a non-empty array", "invalidSyntax");
  }
  return ops.map((op: unknown, i): ReplaceOp => {
    if (!isObject(op)) throw bad(`Operations[${i}] must be an object`, "invalidSyntax");
    // RFC 7644 makes op names case-insensitive (Entra sends "Replace").
    if (typeof op.op !== "string" || op.op.toLowerCase() !== "replace") {
      throw bad(`Unsupported patch operation '${String(op.op)}': only 'replace' is supported`);
    }
    if (typeof op.path !== "string" || op.path.trim() === "") {
      throw bad(
        `Operations[${i}].path is required: patch operations without a path are rejected`,
        "invalidPath",
      );
    }
    if (!("value" in op) || op.value === undefined) throw bad(`Operations[${i}].value is required`);
    return { path: op.path.trim(), value: op.value };
  });
}

/** Splits "urn:...:User:attr" into the extension URN and the attribute, case-insensitively. */
export function extensionPath(path: string, urn: string): string | undefined {
  const prefix = `${urn.toLowerCase()}:`;
  return path.toLowerCase().startsWith(prefix) ? path.slice(prefix.length) : undefined;
}

export const unsupportedPath = (path: string, hint = ""): Error =>
  bad(`Unsupported patch path '${path}'${hint}`, "invalidPath");
