/**
 * The first step of every sync, full or targeted: every page of ListResourceTypes (types with an
 * empty id are dropped, as Go drops them), then `--sync-resource-types` applied, where naming a
 * type the connector does not have is an error rather than an empty sync.
 */
import type { ResourceType } from "../../gen/c1/connector/v2/resource_pb.js";
import { UsageError } from "../errors.js";
import type { ConnectorClients } from "./clients.js";

/** Runs one connector call with the sync's retry policy. */
export type SyncCall = <T>(call: string, target: string, fn: () => Promise<T>) => Promise<T>;

/** The connector's types, restricted to `wanted` when it names any. */
export async function listSyncedResourceTypes(
  clients: Pick<ConnectorClients, "resourceTypes">,
  call: SyncCall,
  request: { activeSyncId: string; signal: AbortSignal; wanted?: readonly string[] },
): Promise<ResourceType[]> {
  const listed: ResourceType[] = [];
  let token = "";
  do {
    const page = await call("ListResourceTypes", "", () =>
      clients.resourceTypes.listResourceTypes(
        { pageToken: token, activeSyncId: request.activeSyncId },
        { signal: request.signal },
      ),
    );
    listed.push(...page.list.filter((t) => t.id !== ""));
    token = page.nextPageToken;
  } while (token !== "");
  const wanted = request.wanted ?? [];
  if (wanted.length === 0) return listed;
  const known = new Set(listed.map((t) => t.id));
  const unknown = wanted.filter((w) => !known.has(w));
  if (unknown.length > 0) {
    throw new UsageError(
      `--sync-resource-types names types the connector does not have: ${unknown.join(", ")} (it has: ${[...known].join(", ")})`,
    );
  }
  return listed.filter((t) => wanted.includes(t.id));
}
