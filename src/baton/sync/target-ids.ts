/**
 * The resources `--sync-resources` names, in either of two spellings: this project's resource key
 * `TYPE:ID` (as `c1z … resources` prints it, e.g. `group:1234`), or a Baton id as the Go CLI takes
 * it, `bid:r:TYPE/ID` or `bid:r:PARENT_TYPE/PARENT_ID/TYPE/ID`, where `\` escapes `:`, `/` and `\`.
 */
import { create } from "@bufbuild/protobuf";
import { type ResourceId, ResourceIdSchema } from "../../gen/c1/connector/v2/resource_pb.js";
import { UsageError } from "../errors.js";
import type { SyncTarget } from "./targeted-sync.js";

const SOURCE = "--sync-resources (BATON_SYNC_RESOURCES)";

/** Parses every entry; a malformed one is a UsageError naming it and the accepted forms. */
export function parseSyncTargets(entries: readonly string[]): SyncTarget[] {
  return entries.map((entry) => {
    const target = entry.startsWith("bid:") ? parseBatonId(entry) : parseKey(entry);
    if (!target) {
      throw new UsageError(
        `${SOURCE}: "${entry}" is not a resource; use TYPE:ID (e.g. group:1234) or a Baton id such as bid:r:group/1234`,
      );
    }
    return target;
  });
}

function parseKey(entry: string): SyncTarget | undefined {
  const colon = entry.indexOf(":");
  const resourceType = entry.slice(0, colon);
  const resource = entry.slice(colon + 1);
  return colon > 0 && resource !== "" ? { id: resourceId(resourceType, resource) } : undefined;
}

/** `bid:r:` then 2 or 4 `/`-separated parts. */
function parseBatonId(entry: string): SyncTarget | undefined {
  if (!entry.startsWith("bid:r:")) return undefined;
  const parts: string[] = [""];
  const body = entry.slice("bid:r:".length);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === "\\") {
      const next = body[i + 1];
      if (next !== ":" && next !== "/" && next !== "\\") return undefined;
      parts[parts.length - 1] += next;
      i++;
    } else if (ch === "/") {
      parts.push("");
    } else if (ch === ":") {
      // An unescaped ':' would start an entitlement or grant part: not a resource id.
      return undefined;
    } else {
      parts[parts.length - 1] += ch;
    }
  }
  if (parts.some((p) => p === "")) return undefined;
  const [a = "", b = "", c = "", d = ""] = parts;
  if (parts.length === 2) return { id: resourceId(a, b) };
  if (parts.length === 4) return { id: resourceId(c, d), parent: resourceId(a, b) };
  return undefined;
}

function resourceId(resourceType: string, resource: string): ResourceId {
  return create(ResourceIdSchema, { resourceType, resource });
}
