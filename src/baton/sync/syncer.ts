/**
 * The syncer: drives any connector through Connect clients and writes what it lists into a c1z
 * store, in the Go syncer's order (Validate, ListResourceTypes, ListResources per type and parent,
 * ListStaticEntitlements, ListEntitlements and ListGrants per stored resource, Cleanup). Each page
 * is stored together with the checkpoint in one transaction, so a killed sync resumes after the
 * last stored page and ends with exactly the rows of an uninterrupted one.
 */
import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { ChildResourceTypeSchema } from "../../gen/c1/connector/v2/annotation_resource_tree_pb.js";
import { type Entitlement, EntitlementSchema } from "../../gen/c1/connector/v2/entitlement_pb.js";
import type { Grant } from "../../gen/c1/connector/v2/grant_pb.js";
import type { Resource, ResourceType } from "../../gen/c1/connector/v2/resource_pb.js";
import { pickAll } from "../annotations.js";
import type { SyncStore } from "../c1z/store.js";
import { entitlementId, resourceKey } from "../ids.js";
import { realSleep, type Sleep } from "../retry.js";
import { callWithRetry, SyncCallError } from "./call-with-retry.js";
import {
  type Checkpoint,
  decodeCheckpoint,
  initialCheckpoint,
  type PerResourceAction,
  type ResourceAction,
} from "./checkpoint.js";
import { CheckpointWriter, DEFAULT_CHECKPOINT_INTERVAL_MS } from "./checkpoint-writer.js";
import type { ConnectorClients } from "./clients.js";
import { completeGrantReferences, ReferenceTracker } from "./grant-integrity.js";
import {
  acceptEntitlement,
  acceptGrant,
  acceptResource,
  idOf,
  isSkipped,
  isTypeSkipped,
} from "./ingest-rules.js";
import { listSyncedResourceTypes } from "./resource-types.js";
import { sendsSyncId } from "./sdk-version.js";
import {
  type SyncCounts,
  type SyncOptions,
  type SyncResult,
  TooManyWarningsError,
} from "./sync-types.js";
import { runPool } from "./work-pool.js";

export type { SyncCounts, SyncOptions, SyncProgress, SyncResult } from "./sync-types.js";
export { TooManyWarningsError } from "./sync-types.js";

/** One sync run over a store. Create with {@link runSync}. */
class SyncRun {
  readonly warnings: string[] = [];
  readonly counts: SyncCounts = { resourceTypes: 0, resources: 0, entitlements: 0, grants: 0 };
  pages = 0;
  private types = new Map<string, ResourceType>();
  private childSeen = new Set<string>();
  private activeSyncId = "";
  private readonly sleep: Sleep;
  private readonly concurrency: number;
  /** Cancels the calls still running when one fails, so a failed sync stops at once. */
  private readonly stop = new AbortController();
  private readonly signal: AbortSignal;
  private readonly cancel = (): void =>
    this.stop.abort(new Error("another call of the sync failed"));
  private readonly writer: CheckpointWriter;
  /** Grant references, tracked when this process stores every page (see grant-integrity.ts). */
  private readonly refs: ReferenceTracker | undefined;

  constructor(
    private readonly clients: ConnectorClients,
    private readonly store: SyncStore,
    private readonly syncId: string,
    private cp: Checkpoint,
    private readonly options: SyncOptions,
  ) {
    this.sleep = options.sleep ?? realSleep;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.writer = new CheckpointWriter(
      store,
      syncId,
      cp,
      options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS,
    );
    this.signal = options.signal
      ? AbortSignal.any([options.signal, this.stop.signal])
      : this.stop.signal;
    this.refs = cp.phase === "resource-types" ? new ReferenceTracker(this.types) : undefined;
  }

  private call<T>(call: string, target: string, fn: () => Promise<T>): Promise<T> {
    return callWithRetry(call, target, fn, {
      sleep: this.sleep,
      signal: this.signal,
      ...(this.options.onRetry ? { onRetry: this.options.onRetry } : {}),
    });
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.cp.warnings++;
    this.options.onWarning?.(message);
    if (this.cp.warnings > 10 && this.cp.warnings > this.cp.completed / 10) {
      throw new TooManyWarningsError(
        `too many warnings (${this.cp.warnings} over ${this.cp.completed} completed calls); the sync stopped and will resume on the next run. Last: ${message}`,
      );
    }
  }

  /** Records a fetched page (see {@link CheckpointWriter.page}) and reports progress. */
  private commit(rows: () => void, rowCount: number, advance: () => void): void {
    this.writer.page(rows, rowCount, advance);
    this.pages++;
    this.options.onProgress?.({ phase: this.cp.phase, counts: this.counts, pages: this.pages });
  }

  /** Writes whatever fetched pages still wait, with their checkpoint. */
  flush(): void {
    this.writer.flush();
  }

  private advance(phase: Checkpoint["phase"], prepare?: () => void): void {
    this.writer.phase(phase, prepare);
    this.options.onProgress?.({ phase, counts: this.counts, pages: this.pages });
  }

  async run(sdkVersion: string): Promise<void> {
    this.activeSyncId = sendsSyncId(sdkVersion) ? this.syncId : "";
    if (this.cp.phase !== "resource-types") {
      for (const t of this.store.resourceTypes(this.syncId)) this.types.set(t.id, t);
    }
    while (this.cp.phase !== "done") {
      this.options.signal?.throwIfAborted();
      switch (this.cp.phase) {
        case "resource-types":
          await this.listResourceTypes();
          break;
        case "resources":
          await this.listResources();
          this.advance(
            this.options.skipEntitlementsAndGrants ? "done" : "static-entitlements",
            () => {
              this.cp.statics = [...this.types.keys()].map((type) => ({ type, token: "" }));
            },
          );
          break;
        case "static-entitlements":
          await this.listStaticEntitlements();
          this.advance("entitlements", () => {
            this.cp.cursor = 0;
            this.cp.perResource = [];
          });
          break;
        case "entitlements":
          await this.perResource("entitlements");
          this.advance("grants", () => {
            this.cp.cursor = 0;
            this.cp.perResource = [];
          });
          break;
        case "grants":
          await this.perResource("grants");
          await this.completeGrantReferences();
          this.advance("done");
          break;
      }
    }
  }

  private async listResourceTypes(): Promise<void> {
    const kept = await listSyncedResourceTypes(this.clients, (c, t, fn) => this.call(c, t, fn), {
      activeSyncId: this.activeSyncId,
      signal: this.signal,
      ...(this.options.resourceTypeIds ? { wanted: this.options.resourceTypeIds } : {}),
    });
    for (const t of kept) this.types.set(t.id, t);
    this.counts.resourceTypes = kept.length;
    this.advance("resources", () => {
      this.store.putResourceTypes(this.syncId, kept);
      this.cp.resources = kept.map((t) => ({ type: t.id, token: "" }));
    });
  }

  private async listResources(): Promise<void> {
    const inFlight = new Set<ResourceAction>();
    await runPool(
      this.concurrency,
      () => this.cp.resources.find((a) => !inFlight.has(a)),
      async (action) => {
        inFlight.add(action);
        try {
          await this.resourcePage(action);
        } finally {
          inFlight.delete(action);
        }
      },
      this.cancel,
    );
  }

  private async resourcePage(action: ResourceAction): Promise<void> {
    const parent = action.parentType
      ? { resourceType: action.parentType, resource: action.parentId ?? "" }
      : undefined;
    const target = parent ? `${action.type} under ${resourceKey(parent)}` : action.type;
    let page: Awaited<ReturnType<ConnectorClients["resources"]["listResources"]>> | undefined;
    try {
      page = await this.call("ListResources", target, () =>
        this.clients.resources.listResources(
          {
            resourceTypeId: action.type,
            ...(parent ? { parentResourceId: parent } : {}),
            pageToken: action.token,
            activeSyncId: this.activeSyncId,
          },
          { signal: this.signal },
        ),
      );
    } catch (e) {
      if (!(e instanceof SyncCallError && e.code === Code.NotFound)) throw e;
      this.warn(`ListResources for ${target}: ${e.cause.rawMessage}; skipped`);
    }
    const kept = (page?.list ?? []).filter((r) => acceptResource(r, this.types));
    const children: ResourceAction[] = [];
    for (const r of kept) {
      for (const child of pickAll(r.annotations, ChildResourceTypeSchema)) {
        if (!this.types.has(child.resourceTypeId)) continue;
        const id = idOf(r);
        const key = `${child.resourceTypeId}|${resourceKey(id)}`;
        if (this.childSeen.has(key)) continue;
        this.childSeen.add(key);
        children.push({
          type: child.resourceTypeId,
          parentType: id.resourceType,
          parentId: id.resource,
          token: "",
        });
      }
    }
    this.counts.resources += kept.length;
    this.refs?.resources(kept);
    this.commit(
      () => this.store.putResources(this.syncId, kept),
      kept.length,
      () => {
        const i = this.cp.resources.indexOf(action);
        const next = page?.nextPageToken ?? "";
        // Children go first, like the Go syncer's stack: listed before the parent's next page.
        if (next) this.cp.resources.splice(i, 1, ...children, { ...action, token: next });
        else this.cp.resources.splice(i, 1, ...children);
      },
    );
  }

  private async listStaticEntitlements(): Promise<void> {
    const inFlight = new Set<unknown>();
    await runPool(
      this.concurrency,
      () => this.cp.statics.find((a) => !inFlight.has(a)),
      async (action) => {
        inFlight.add(action);
        try {
          let page:
            | Awaited<ReturnType<ConnectorClients["entitlements"]["listStaticEntitlements"]>>
            | undefined;
          try {
            page = await this.call("ListStaticEntitlements", action.type, () =>
              this.clients.entitlements.listStaticEntitlements(
                {
                  resourceTypeId: action.type,
                  pageToken: action.token,
                  activeSyncId: this.activeSyncId,
                },
                { signal: this.signal },
              ),
            );
          } catch (e) {
            if (!(e instanceof SyncCallError && e.code === Code.NotFound)) throw e;
            this.warn(`ListStaticEntitlements for ${action.type}: ${e.cause.rawMessage}; skipped`);
          }
          const templates = page?.list ?? [];
          this.commit(
            () => {
              if (templates.length > 0) this.expandTemplates(action.type, templates);
            },
            templates.length,
            () => {
              const i = this.cp.statics.indexOf(action);
              const next = page?.nextPageToken ?? "";
              if (next) this.cp.statics.splice(i, 1, { ...action, token: next });
              else this.cp.statics.splice(i, 1);
            },
          );
        } finally {
          inFlight.delete(action);
        }
      },
      this.cancel,
    );
  }

  /** One entitlement per stored resource of the type, per template. */
  private expandTemplates(typeId: string, templates: readonly Entitlement[]): void {
    let after = 0;
    for (;;) {
      const rows = this.store.resourcesOfType(this.syncId, typeId, after, 1000);
      if (rows.length === 0) break;
      const made: Entitlement[] = [];
      for (const { rowId, resource } of rows) {
        after = rowId;
        for (const t of templates) {
          made.push(
            create(EntitlementSchema, {
              ...t,
              id: entitlementId(idOf(resource), t.slug),
              resource,
              displayName: t.displayName || resource.displayName,
              description: t.description || resource.description,
            }),
          );
        }
      }
      this.store.putEntitlements(this.syncId, made);
      this.counts.entitlements += made.length;
    }
  }

  /** ListEntitlements or ListGrants for every stored resource, a cursor over the store. */
  private async perResource(phase: "entitlements" | "grants"): Promise<void> {
    const inFlight = new Set<PerResourceAction>();
    const loaded = new Map<number, Resource>();
    for (const a of this.cp.perResource) {
      const row = this.store.resourcesAfter(this.syncId, a.rowId - 1, 1)[0];
      if (row && row.rowId === a.rowId) loaded.set(a.rowId, row.resource);
    }
    this.cp.perResource = this.cp.perResource.filter((a) => loaded.has(a.rowId));
    let buffer: { rowId: number; resource: Resource }[] = [];
    let exhausted = false;
    // Types that skip the phase as a whole (users, typically the most numerous) are left out in
    // the store's query: reading and decoding their rows only to skip them was ≈ 10 % of a
    // 100,000-user sync. Resources that skip on their own annotations are still checked below.
    const excludeResourceTypeIds = [...this.types.values()]
      .filter((t) => isTypeSkipped(t, phase))
      .map((t) => t.id);
    const next = (): PerResourceAction | undefined => {
      const waiting = this.cp.perResource.find((a) => !inFlight.has(a));
      if (waiting) return waiting;
      for (;;) {
        if (buffer.length === 0 && !exhausted) {
          buffer = this.store.resourcesAfter(this.syncId, this.cp.cursor, 500, {
            excludeResourceTypeIds,
          });
          exhausted = buffer.length === 0;
        }
        const row = buffer.shift();
        if (!row) return undefined;
        this.cp.cursor = row.rowId;
        if (isSkipped(row.resource, this.types.get(row.resource.id?.resourceType ?? ""), phase))
          continue;
        const action = { rowId: row.rowId, token: "" };
        loaded.set(row.rowId, row.resource);
        this.cp.perResource.push(action);
        return action;
      }
    };
    await runPool(
      this.concurrency,
      next,
      async (action) => {
        inFlight.add(action);
        try {
          const resource = loaded.get(action.rowId);
          if (!resource) throw new Error(`internal: resource row ${action.rowId} was not loaded`);
          const more = await this.perResourcePage(phase, resource, action);
          if (!more) loaded.delete(action.rowId);
        } finally {
          inFlight.delete(action);
        }
      },
      this.cancel,
    );
  }

  private finishAction(action: PerResourceAction, nextToken: string): boolean {
    if (nextToken) {
      action.token = nextToken;
      return true;
    }
    const i = this.cp.perResource.indexOf(action);
    if (i >= 0) this.cp.perResource.splice(i, 1);
    return false;
  }

  /** Grant integrity (grant-integrity.ts): every resource a grant names is in the sync. */
  private async completeGrantReferences(): Promise<void> {
    const types = [...this.types.keys()];
    await completeGrantReferences({
      dangling: (limit) => {
        if (this.refs) return this.refs.dangling(limit);
        this.flush();
        return this.store.danglingGrantRefs(this.syncId, types, limit);
      },
      get: async (ref) => {
        const res = await this.call("GetResource", resourceKey(ref.key), () =>
          this.clients.getter.getResource(
            { resourceId: ref.key, activeSyncId: this.activeSyncId },
            { signal: this.signal },
          ),
        );
        return res.resource;
      },
      add: (resource) => this.addLateResource(resource),
      warn: (message) => this.warn(message),
    });
  }

  /**
   * Stores a resource read after its listing: its entitlements and grants first, the resource
   * last, so a sync stopped in between finds it missing again and reads it again.
   */
  private async addLateResource(resource: Resource): Promise<void> {
    if (!acceptResource(resource, this.types)) return;
    const type = this.types.get(idOf(resource).resourceType);
    for (const phase of ["entitlements", "grants"] as const) {
      if (isSkipped(resource, type, phase)) continue;
      const action: PerResourceAction = { rowId: 0, token: "" };
      while (await this.perResourcePage(phase, resource, action));
    }
    this.counts.resources++;
    this.refs?.resources([resource]);
    this.commit(
      () => this.store.putResources(this.syncId, [resource]),
      1,
      () => {},
    );
  }

  /**
   * One ListEntitlements or ListGrants page for a stored resource: NotFound is a warning that ends
   * the action; kept rows are recorded with the checkpoint. Returns whether pages remain.
   */
  private async perResourcePage(
    phase: "entitlements" | "grants",
    resource: Resource,
    action: PerResourceAction,
  ): Promise<boolean> {
    const target = resourceKey(idOf(resource));
    const request = { resource, pageToken: action.token, activeSyncId: this.activeSyncId };
    const call = phase === "entitlements" ? "ListEntitlements" : "ListGrants";
    let page: { list: (Entitlement | Grant)[]; nextPageToken: string } | undefined;
    try {
      const options = { signal: this.signal };
      page = await this.call<{ list: (Entitlement | Grant)[]; nextPageToken: string }>(
        call,
        target,
        () =>
          phase === "entitlements"
            ? this.clients.entitlements.listEntitlements(request, options)
            : this.clients.grants.listGrants(request, options),
      );
    } catch (e) {
      if (!(e instanceof SyncCallError && e.code === Code.NotFound)) throw e;
      this.warn(`${call} for ${target}: ${e.cause.rawMessage}; skipped`);
    }
    let rows: () => void;
    let count: number;
    if (phase === "entitlements") {
      const kept = ((page?.list ?? []) as Entitlement[]).filter((e) =>
        acceptEntitlement(e, this.types),
      );
      rows = () => this.store.putEntitlements(this.syncId, kept);
      count = kept.length;
      this.counts.entitlements += count;
    } else {
      const kept = ((page?.list ?? []) as Grant[]).filter((g) => acceptGrant(g, this.types));
      this.refs?.grants(kept);
      rows = () => this.store.putGrants(this.syncId, kept);
      count = kept.length;
      this.counts.grants += count;
    }
    let more = false;
    this.commit(rows, count, () => {
      more = this.finishAction(action, page?.nextPageToken ?? "");
    });
    return more;
  }
}

/**
 * Runs (or resumes) a full sync into `store` and finishes it: ends the sync run, prunes old
 * syncs and calls Cleanup. The caller saves the store. On failure the checkpoint stays in the
 * store's working database, so the next run resumes. A sync whose pages are all stored (its
 * checkpoint says done) resumes without calling the connector, and a finished sync the previous
 * run did not get to save (killed during the save) is only finished again: either way the next
 * run calls no upstream API, and the file holds that one sync, not a second one. The counts are
 * read back from the store, so a resumed sync reports each row once.
 */
export async function runSync(
  clients: ConnectorClients,
  store: SyncStore,
  options: SyncOptions = {},
): Promise<SyncResult> {
  const type = options.skipEntitlementsAndGrants ? "resources_only" : "full";
  const unsaved = store.unsavedFinishedSync(type);
  if (unsaved !== undefined) {
    // Ended, not saved: nothing is left to ask the connector.
    store.cleanupSyncs(2);
    return {
      syncId: unsaved,
      resumed: true,
      counts: store.counts(unsaved),
      warnings: [],
      pages: 0,
    };
  }
  const previous = store.latestUnfinishedSync(type);
  const cp = previous ? decodeCheckpoint(previous.syncToken) : initialCheckpoint();
  const sdkVersion = cp.phase === "done" ? "" : await validate(clients, options);
  const syncId = previous?.syncId ?? store.startSync(type);
  const run = new SyncRun(clients, store, syncId, cp, options);
  // Progress of a resumed sync starts from what is stored; the result counts again at the end.
  if (previous) Object.assign(run.counts, store.counts(syncId));
  try {
    await run.run(sdkVersion);
  } finally {
    // Pages already fetched are kept for the next run, whatever stopped this one.
    try {
      run.flush();
    } catch {
      // The store itself failed; the last checkpoint written stays valid.
    }
  }

  // Every grant's expansion column was filled by the writer, so diffs can trust it.
  if (type === "full") store.markSupportsDiff(syncId);
  store.endSync(syncId);
  store.cleanupSyncs(2);
  try {
    await clients.connector.cleanup({ activeSyncId: syncId });
  } catch (e) {
    options.onWarning?.(`Cleanup failed (ignored): ${e instanceof Error ? e.message : String(e)}`);
  }
  return {
    syncId,
    resumed: previous !== undefined,
    counts: store.counts(syncId),
    warnings: run.warnings,
    pages: run.pages,
  };
}

/**
 * Validate, before any sync run is started or resumed. Like the Go syncer, a Validate error
 * aborts: the connector's builder has already retried transient failures, and a refused
 * credential must stop the sync at once. Returns the connector's SDK version.
 */
async function validate(clients: ConnectorClients, options: SyncOptions): Promise<string> {
  // The sync's signal reaches Validate too, so cancelling never waits for a slow first call.
  const validated = await callWithRetry(
    "Validate",
    "",
    () => clients.connector.validate({}, { signal: options.signal }),
    {
      sleep: options.sleep ?? realSleep,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
      maxAttempts: 1,
    },
  );
  return validated.sdkVersion;
}
