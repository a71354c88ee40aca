/**
 * A targeted (partial) sync, as the Go SDK's syncer makes it: a new `partial` sync run holding only
 * the named resources, the children they declare, and their entitlements and grants. It lists
 * the resource types, then for each target calls GetResource (NotFound or Unimplemented skips the
 * target, as in Go), lists its child resources, its entitlements and its grants, and fetches any
 * entitlement's resource the store does not hold yet. No static entitlements, no expansion, and
 * no resume: a failed targeted sync is simply run again.
 */
import { ChildResourceTypeSchema } from "../../gen/c1/connector/v2/annotation_resource_tree_pb.js";
import type { Entitlement } from "../../gen/c1/connector/v2/entitlement_pb.js";
import type { Grant } from "../../gen/c1/connector/v2/grant_pb.js";
import type { Resource, ResourceId, ResourceType } from "../../gen/c1/connector/v2/resource_pb.js";
import { pickAll } from "../annotations.js";
import type { SyncStore } from "../c1z/store.js";
import { Code, UsageError } from "../errors.js";
import { resourceKey } from "../ids.js";
import { realSleep } from "../retry.js";
import { callWithRetry, SyncCallError } from "./call-with-retry.js";
import type { ConnectorClients } from "./clients.js";
import { acceptEntitlement, acceptGrant, acceptResource, idOf, isSkipped } from "./ingest-rules.js";
import { listSyncedResourceTypes } from "./resource-types.js";
import { sendsSyncId } from "./sdk-version.js";
import type { SyncCounts, SyncOptions, SyncResult } from "./sync-types.js";
import { runPool } from "./work-pool.js";

/** One resource to sync, with its parent when the connector lists it under one. */
export interface SyncTarget {
  id: ResourceId;
  parent?: ResourceId;
}

export interface TargetedSyncOptions
  extends Pick<
    SyncOptions,
    "concurrency" | "sleep" | "signal" | "onRetry" | "onWarning" | "onProgress" | "resourceTypeIds"
  > {
  targets: readonly SyncTarget[];
  /** The sync this one amends (`parent_sync_id`): the latest finished full sync, if any. */
  parentSyncId?: string;
  /** Only the resources themselves (no entitlements or grants). */
  skipEntitlementsAndGrants?: boolean;
  /** Entitlements but no grants (`--skip-grants`, valid only for targeted syncs). */
  skipGrants?: boolean;
}

type TargetedStore = Pick<
  SyncStore,
  | "startSync"
  | "endSync"
  | "transaction"
  | "putResourceTypes"
  | "putResources"
  | "putEntitlements"
  | "putGrants"
>;

/** Runs a targeted sync into `store` and ends it; the caller saves the store. */
export async function runTargetedSync(
  clients: ConnectorClients,
  store: TargetedStore,
  options: TargetedSyncOptions,
): Promise<SyncResult> {
  const run = new TargetedRun(clients, store, options);
  const validated = await run.call(
    "Validate",
    "",
    () => clients.connector.validate({}, { signal: options.signal }),
    1,
  );
  run.activeSyncId = sendsSyncId(validated.sdkVersion) ? run.syncId : "";
  await run.run();
  store.endSync(run.syncId);
  try {
    await clients.connector.cleanup({ activeSyncId: run.syncId });
  } catch (e) {
    options.onWarning?.(`Cleanup failed (ignored): ${e instanceof Error ? e.message : String(e)}`);
  }
  return {
    syncId: run.syncId,
    resumed: false,
    counts: run.counts,
    warnings: run.warnings,
    pages: run.pages,
  };
}

class TargetedRun {
  readonly syncId: string;
  activeSyncId = "";
  readonly counts: SyncCounts = { resourceTypes: 0, resources: 0, entitlements: 0, grants: 0 };
  readonly warnings: string[] = [];
  pages = 0;
  private readonly types = new Map<string, ResourceType>();
  /** Resource keys stored by this run (a partial sync holds only what it fetched). */
  private readonly stored = new Set<string>();
  private readonly listedChildren = new Set<string>();
  private readonly stop = new AbortController();
  private readonly signal: AbortSignal;

  constructor(
    private readonly clients: ConnectorClients,
    private readonly store: TargetedStore,
    private readonly options: TargetedSyncOptions,
  ) {
    this.syncId = store.startSync("partial", options.parentSyncId ?? "");
    this.signal = options.signal
      ? AbortSignal.any([options.signal, this.stop.signal])
      : this.stop.signal;
  }

  call<T>(call: string, target: string, fn: () => Promise<T>, maxAttempts = 0): Promise<T> {
    return callWithRetry(call, target, fn, {
      sleep: this.options.sleep ?? realSleep,
      signal: this.signal,
      maxAttempts,
      ...(this.options.onRetry ? { onRetry: this.options.onRetry } : {}),
    });
  }

  async run(): Promise<void> {
    await this.listResourceTypes();
    const queue = [...this.options.targets];
    await runPool(
      Math.max(1, this.options.concurrency ?? 4),
      () => queue.shift(),
      (t) => this.syncTarget(t),
      () => this.stop.abort(new Error("another call of the sync failed")),
    );
  }

  private async listResourceTypes(): Promise<void> {
    const kept = await listSyncedResourceTypes(this.clients, (c, t, fn) => this.call(c, t, fn), {
      activeSyncId: this.activeSyncId,
      signal: this.signal,
      ...(this.options.resourceTypeIds ? { wanted: this.options.resourceTypeIds } : {}),
    });
    for (const t of kept) this.types.set(t.id, t);
    const unknown = this.options.targets.filter((t) => !this.types.has(t.id.resourceType));
    if (unknown.length > 0) {
      throw new UsageError(
        `--sync-resources names ${unknown.map((t) => resourceKey(t.id)).join(", ")}, but the sync has no such resource type (it has: ${[...this.types.keys()].join(", ")})`,
      );
    }
    this.counts.resourceTypes = kept.length;
    this.store.transaction(() => this.store.putResourceTypes(this.syncId, kept));
  }

  /** GetResource; undefined when the connector does not have it (or cannot get that type). */
  private async getResource(id: ResourceId, parent?: ResourceId): Promise<Resource | undefined> {
    try {
      const r = await this.call("GetResource", resourceKey(id), () =>
        this.clients.getter.getResource(
          {
            resourceId: id,
            ...(parent ? { parentResourceId: parent } : {}),
            activeSyncId: this.activeSyncId,
          },
          { signal: this.signal },
        ),
      );
      return r.resource;
    } catch (e) {
      if (
        e instanceof SyncCallError &&
        (e.code === Code.NotFound || e.code === Code.Unimplemented)
      ) {
        this.options.onWarning?.(
          `GetResource for ${resourceKey(id)}: ${e.cause.rawMessage}; skipped`,
        );
        return undefined;
      }
      throw e;
    }
  }

  private putResources(resources: readonly Resource[]): Resource[] {
    const kept = resources.filter(
      (r) => acceptResource(r, this.types) && !this.stored.has(resourceKey(idOf(r))),
    );
    for (const r of kept) this.stored.add(resourceKey(idOf(r)));
    if (kept.length > 0) this.store.transaction(() => this.store.putResources(this.syncId, kept));
    this.counts.resources += kept.length;
    this.progress();
    return kept;
  }

  private async syncTarget(target: SyncTarget): Promise<void> {
    const resource = await this.getResource(target.id, target.parent);
    if (!resource || !acceptResource(resource, this.types)) return;
    this.putResources([resource]);
    await this.listChildren(resource);
    const type = this.types.get(target.id.resourceType);
    if (this.options.skipEntitlementsAndGrants) return;
    if (!isSkipped(resource, type, "entitlements")) await this.listEntitlements(resource);
    if (!this.options.skipGrants && !isSkipped(resource, type, "grants"))
      await this.listGrants(resource);
  }

  /** The child resources a resource declares, and theirs in turn. */
  private async listChildren(resource: Resource): Promise<void> {
    const parent = idOf(resource);
    for (const child of pickAll(resource.annotations, ChildResourceTypeSchema)) {
      const key = `${child.resourceTypeId}|${resourceKey(parent)}`;
      if (!this.types.has(child.resourceTypeId) || this.listedChildren.has(key)) continue;
      this.listedChildren.add(key);
      const target = `${child.resourceTypeId} under ${resourceKey(parent)}`;
      const found = await this.allPages<Resource>("ListResources", target, (pageToken) =>
        this.clients.resources.listResources(
          {
            resourceTypeId: child.resourceTypeId,
            parentResourceId: parent,
            pageToken,
            activeSyncId: this.activeSyncId,
          },
          { signal: this.signal },
        ),
      );
      for (const r of this.putResources(found)) await this.listChildren(r);
    }
  }

  private async listEntitlements(resource: Resource): Promise<void> {
    const target = resourceKey(idOf(resource));
    const listed = await this.allPages<Entitlement>("ListEntitlements", target, (pageToken) =>
      this.clients.entitlements.listEntitlements(
        { resource, pageToken, activeSyncId: this.activeSyncId },
        { signal: this.signal },
      ),
    );
    const kept = listed.filter((e) => acceptEntitlement(e, this.types));
    if (kept.length > 0)
      this.store.transaction(() => this.store.putEntitlements(this.syncId, kept));
    this.counts.entitlements += kept.length;
    this.progress();
  }

  private async listGrants(resource: Resource): Promise<void> {
    const target = resourceKey(idOf(resource));
    const listed = await this.allPages<Grant>("ListGrants", target, (pageToken) =>
      this.clients.grants.listGrants(
        { resource, pageToken, activeSyncId: this.activeSyncId },
        { signal: this.signal },
      ),
    );
    const kept = listed.filter((g) => acceptGrant(g, this.types));
    // A grant's entitlement may sit on a resource this run has not stored: fetch it, as Go does.
    for (const g of kept) {
      const rid = g.entitlement?.resource?.id;
      if (!rid || this.stored.has(resourceKey(rid))) continue;
      const owner = await this.getResource(rid, g.entitlement?.resource?.parentResourceId);
      if (owner) this.putResources([owner]);
      else this.stored.add(resourceKey(rid));
    }
    if (kept.length > 0) this.store.transaction(() => this.store.putGrants(this.syncId, kept));
    this.counts.grants += kept.length;
    this.progress();
  }

  /** Every page of a listing; NotFound is a warning that ends it, as in a full sync. */
  private async allPages<T>(
    call: string,
    target: string,
    fetch: (pageToken: string) => Promise<{ list: T[]; nextPageToken: string }>,
  ): Promise<T[]> {
    const out: T[] = [];
    let token = "";
    do {
      let page: { list: T[]; nextPageToken: string };
      try {
        page = await this.call(call, target, () => fetch(token));
      } catch (e) {
        if (!(e instanceof SyncCallError && e.code === Code.NotFound)) throw e;
        const message = `${call} for ${target}: ${e.cause.rawMessage}; skipped`;
        this.warnings.push(message);
        this.options.onWarning?.(message);
        return out;
      }
      this.pages++;
      out.push(...page.list);
      token = page.nextPageToken;
    } while (token !== "");
    return out;
  }

  private progress(): void {
    this.options.onProgress?.({ phase: "resources", counts: this.counts, pages: this.pages });
  }
}
