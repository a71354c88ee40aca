/**
 * The review views of one sync: everything a user holds (`access`) and everyone who holds an
 * entitlement (`holders`). Both walk the grants keyset-paged on the row id through the indexes
 * on the principal and on the entitlement, so neither loads a table; each row is named with the
 * entitlement's resource and how it is held (the resource type and the entitlement's slug, plus
 * the source entitlements of an expanded grant).
 */
import type { DatabaseSync } from "node:sqlite";
import { UserTraitSchema } from "../../../gen/c1/connector/v2/annotation_trait_pb.js";
import type { Grant } from "../../../gen/c1/connector/v2/grant_pb.js";
import {
  type Resource,
  type ResourceType,
  ResourceType_Trait,
} from "../../../gen/c1/connector/v2/resource_pb.js";
import { pick } from "../../annotations.js";
import { resourceFacts } from "../diff/resource-facts.js";
import { type ResourceKey, RowQueries } from "../row-queries.js";
import { type SyncRun, SyncRuns } from "../sync-runs.js";

const PAGE_SIZE = 500;

/** A principal as the views show it. */
export interface PrincipalInfo {
  readonly resourceType: string;
  readonly id: string;
  readonly displayName: string;
  readonly email: string;
  readonly status: string;
}

/** One entitlement a user holds. */
export interface HeldEntitlement {
  readonly entitlementId: string;
  readonly entitlement: string;
  /** e.g. "Group member", "Role assigned": the resource type's name and the entitlement's slug. */
  readonly how: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly resourceDisplayName: string;
  /** Source entitlements of an expanded grant (held through them); empty for a direct grant. */
  readonly via: readonly string[];
}

/** One holder of an entitlement. */
export interface Holder extends PrincipalInfo {
  readonly via: readonly string[];
}

/** A lookup the user must fix (exit code 2: the flag names nothing the file holds). */
export class NotInSyncError extends Error {
  override readonly name = "NotInSyncError";
}

export class AccessView {
  private readonly rows: RowQueries;
  private readonly types: Map<string, ResourceType>;

  constructor(
    db: DatabaseSync,
    readonly run: SyncRun,
  ) {
    this.rows = new RowQueries(db);
    this.types = new Map(this.rows.resourceTypes(run.syncId).map((t) => [t.id, t]));
  }

  /**
   * Opens the view on `syncId`, else the sync a Baton reader shows resources from: the latest
   * finished full sync, else the latest finished one, else the latest unfinished one.
   */
  static of(db: DatabaseSync, file: string, syncId: string | undefined): AccessView {
    const runs = new SyncRuns(db);
    const run = syncId
      ? runs.list().find((r) => r.syncId === syncId)
      : (runs.latestFinished(["full"]) ?? runs.latestFinished() ?? runs.latestUnfinished());
    if (!run) {
      throw new NotInSyncError(
        syncId
          ? `--sync-id ${syncId}: no such sync in ${file}; list them with \`c1z ${file} syncs\``
          : `${file} holds no sync`,
      );
    }
    return new AccessView(db, run);
  }

  /**
   * The user whose id, email or login is `who` (email and login compared case-insensitively),
   * among resources of the types with the user trait. Ids are tried first, with an index lookup;
   * emails need a walk over the users.
   */
  findUser(who: string): Resource {
    const userTypes = [...this.types.values()]
      .filter((t) => t.traits.includes(ResourceType_Trait.USER))
      .map((t) => t.id);
    for (const resourceType of userTypes) {
      const byId = this.rows.resource(this.run.syncId, { resourceType, resource: who });
      if (byId) return byId;
    }
    const wanted = who.toLowerCase();
    const matches: Resource[] = [];
    for (const resourceTypeId of userTypes) {
      let after = 0;
      for (;;) {
        const page = this.rows.resourcesAfter(this.run.syncId, after, PAGE_SIZE, {
          resourceTypeId,
        });
        for (const { resource } of page) {
          const trait = pick(resource.annotations, UserTraitSchema);
          const names = [trait?.login ?? "", ...(trait?.emails.map((e) => e.address) ?? [])];
          if (names.some((n) => n.toLowerCase() === wanted)) matches.push(resource);
        }
        const last = page[page.length - 1];
        if (page.length < PAGE_SIZE || !last) break;
        after = last.rowId;
      }
    }
    const [only, ...others] = matches;
    if (!only) {
      throw new NotInSyncError(
        `--user ${who}: no user with that id, email or login in sync ${this.run.syncId}`,
      );
    }
    if (others.length > 0) {
      const ids = matches.slice(0, 5).map((r) => r.id?.resource ?? "");
      throw new NotInSyncError(
        `--user ${who}: ${matches.length} users match (${ids.join(", ")}${matches.length > 5 ? ", …" : ""}); pass the id instead`,
      );
    }
    return only;
  }

  /** What `principal` holds, in store order. */
  *access(principal: ResourceKey): Generator<HeldEntitlement> {
    for (const grant of this.grantPages({ principal })) {
      const e = grant.entitlement;
      const id = e?.id ?? "";
      // A grant usually carries a stub of its entitlement (id and resource); the row has the rest.
      const full = e?.slug ? e : (this.rows.entitlement(this.run.syncId, id) ?? e);
      const resource = full?.resource?.id;
      const typeName =
        this.types.get(resource?.resourceType ?? "")?.displayName ?? resource?.resourceType ?? "";
      yield {
        entitlementId: id,
        entitlement: full?.displayName ?? "",
        how: [typeName, full?.slug ?? ""].filter(Boolean).join(" "),
        resourceType: resource?.resourceType ?? "",
        resourceId: resource?.resource ?? "",
        resourceDisplayName: full?.resource?.displayName ?? "",
        via: via(grant, id),
      };
    }
  }

  /** Who holds `entitlementId`, in store order. */
  *holders(entitlementId: string): Generator<Holder> {
    for (const grant of this.grantPages({ entitlementId })) {
      const key = grant.principal?.id;
      const resource = key ? this.rows.resource(this.run.syncId, key) : undefined;
      yield {
        ...principalInfo(resource ?? grant.principal, key),
        via: via(grant, entitlementId),
      };
    }
  }

  /** The entitlement, or a NotInSyncError naming the flag. */
  requireEntitlement(entitlementId: string) {
    const e = this.rows.entitlement(this.run.syncId, entitlementId);
    if (!e) {
      throw new NotInSyncError(
        `--entitlement ${entitlementId}: no such entitlement in sync ${this.run.syncId}; list them with \`c1z FILE entitlements\``,
      );
    }
    return e;
  }

  private *grantPages(filter: {
    principal?: ResourceKey;
    entitlementId?: string;
  }): Generator<Grant> {
    let after = 0;
    for (;;) {
      const page = this.rows.grantsAfter(this.run.syncId, after, PAGE_SIZE, filter);
      for (const { grant } of page) yield grant;
      const last = page[page.length - 1];
      if (page.length < PAGE_SIZE || !last) return;
      after = last.rowId;
    }
  }
}

/** A resource (or the stub of one) as a principal: name, primary email and status. */
export function principalInfo(resource: Resource | undefined, key?: ResourceKey): PrincipalInfo {
  const trait = resource ? pick(resource.annotations, UserTraitSchema) : undefined;
  const email = (trait?.emails.find((e) => e.isPrimary) ?? trait?.emails[0])?.address ?? "";
  return {
    resourceType: resource?.id?.resourceType ?? key?.resourceType ?? "",
    id: resource?.id?.resource ?? key?.resource ?? "",
    displayName: resource?.displayName ?? "",
    email,
    status: resource ? (resourceFacts(resource).get("status") ?? "") : "",
  };
}

/** The entitlements an expanded grant came through (its own id excluded). */
function via(grant: Grant, own: string): string[] {
  return Object.keys(grant.sources?.sources ?? {})
    .filter((s) => s !== own)
    .sort();
}
