/**
 * Group membership from Reporting's `groupMembers` table (`--seismic-membership-source
 * reporting`): one call per sync instead of one per 100 members of every group, at the price of
 * Reporting's lag (Seismic refreshes it "no less than every 24 hours").
 *
 * A group's members come from the table only when the table cannot be stale for it: the group
 * has not changed in SCIM (`meta.lastModified`) for longer than that refresh interval, so the last
 * refresh already saw its current members. A group changed since (a grant or revoke made through
 * this connector, or in the console) or without `lastModified` is read from SCIM as with the
 * default source, so a grant made since the last refresh is never reported missing. A group that
 * is old and absent from the table has no members, and costs no call at all. Rows of users this
 * sync did not list (deleted since the refresh) are dropped. When the table cannot be read (the
 * scope is missing, the table is absent), one warning per sync says so and every group is read
 * from SCIM: the source changes the cost of a sync, never its completeness.
 */
import type { CallContext } from "../baton/connector.js";
import type { Resource } from "../gen/c1/connector/v2/resource_pb.js";
import { SCOPES, SeismicError } from "../seismic/index.js";
import type { SeismicContext } from "./context.js";
import { PerSync } from "./per-sync.js";

/** How long Reporting may lag behind SCIM: Seismic refreshes it at least this often. */
export const REPORTING_REFRESH_MS = 24 * 60 * 60 * 1000;

/** Member ids by lower-cased group id, or undefined when the table could not be read. */
type Table = Map<string, string[]> | undefined;

export interface ReportingMembership {
  /**
   * The group's member ids (as this sync's user listing spells them) from Reporting, or
   * undefined when the group must be read from SCIM. `committed`: earlier pages of this group
   * came from Reporting, so the rest must too (when the table is still readable).
   */
  members(group: Resource, ctx: CallContext, committed: boolean): Promise<string[] | undefined>;
}

export function reportingMembership(
  sc: SeismicContext,
  now: () => number = Date.now,
): ReportingMembership {
  const tables = new PerSync<{ promise?: Promise<Table> }>(() => ({}));
  sc.onCleanup.push(() => tables.drop());

  const unavailable = (why: string, error?: SeismicError): Table => {
    sc.logger.warn(
      { scope: SCOPES.reporting, ...(error?.endpoint ? { endpoint: error.endpoint } : {}) },
      `reading group members from SCIM: --seismic-membership-source reporting needs Reporting's groupMembers table, but ${why}`,
    );
    return undefined;
  };

  const load = async (signal: AbortSignal): Promise<Table> => {
    if (!sc.seismic.reportingGranted) {
      return unavailable(`the Seismic app does not have the ${SCOPES.reporting} scope`);
    }
    try {
      const rows = await sc.seismic.run((c) => c.listGroupMemberRows(signal));
      const byGroup = new Map<string, string[]>();
      for (const { groupId, userId } of rows) {
        const key = groupId.toLowerCase();
        const list = byGroup.get(key);
        if (list) list.push(userId);
        else byGroup.set(key, [userId]);
      }
      sc.logger.info(
        { memberships: rows.length, groups: byGroup.size },
        "read group members from Reporting (groups changed in the last 24 h are read from SCIM)",
      );
      return byGroup;
    } catch (e) {
      if (SeismicError.is(e, "permission_denied", "invalid_scope")) {
        return unavailable(`Seismic refused it (${e.code})`, e);
      }
      if (SeismicError.is(e, "not_found")) return unavailable("the tenant does not serve it", e);
      throw e;
    }
  };

  /** This sync's table: one Reporting call, shared by every group. */
  const table = (ctx: CallContext): Promise<Table> => {
    const holder = tables.get(ctx);
    if (!holder.promise) {
      holder.promise = load(ctx.signal);
      // A failed or cancelled load is retried by the next call.
      holder.promise.catch(() => {
        if (tables.peek() === holder) holder.promise = undefined;
      });
    }
    return holder.promise;
  };

  return {
    async members(group, ctx, committed) {
      if (!committed && !unchangedSinceRefresh(group, now())) return undefined;
      const byGroup = await table(ctx);
      if (!byGroup) return undefined;
      const held = byGroup.get((group.id?.resource ?? "").toLowerCase()) ?? [];
      const directory = sc.directory.get(ctx);
      await directory.complete(ctx.signal);
      const ids = new Set<string>();
      for (const userId of held) {
        const id = directory.canonicalId(userId);
        if (id !== undefined) ids.add(id);
      }
      return [...ids].sort();
    },
  };
}

/** Whether the group's SCIM `lastModified` is older than Reporting's refresh interval. */
function unchangedSinceRefresh(group: Resource, nowMs: number): boolean {
  const lastModified = group.profile?.lastModified;
  if (typeof lastModified !== "string") return false;
  const at = Date.parse(lastModified);
  return Number.isFinite(at) && at < nowMs - REPORTING_REFRESH_MS;
}
