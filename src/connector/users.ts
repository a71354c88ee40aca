/**
 * The `user` syncer: pages through SCIM /Users 100 at a time, checked to add up
 * (checked-listing.ts), feeds the per-sync user directory as it goes, and fetches one user for
 * targeted syncs. Users hold no entitlements; account creation and deletion live in accounts.ts,
 * the enable/disable/update-profile actions in actions.ts.
 */
import type { AnnotatedPage, CallContext, ResourceSyncer } from "../baton/connector.js";
import { type PageRequest, pageSize } from "../baton/pagination.js";
import type { Resource, ResourceId } from "../gen/c1/connector/v2/resource_pb.js";
import { DEFAULT_PAGE_SIZE, ENDPOINTS, endpointLabel, SeismicError } from "../seismic/index.js";
import { userAccounts, userDeleter } from "./accounts.js";
import { userActions } from "./actions.js";
import { checkedPage, type ListingId } from "./checked-listing.js";
import type { SeismicContext } from "./context.js";
import { userType } from "./resource-types.js";
import { userResource } from "./user-resource.js";

const empty = async <T>(): Promise<AnnotatedPage<T>> => ({ items: [] });

const USERS: ListingId = { key: "users", endpoint: endpointLabel(ENDPOINTS.listUsers) };

export function userSyncer(sc: SeismicContext): ResourceSyncer {
  return {
    resourceType: userType,
    async list(_parent, page: PageRequest, ctx: CallContext): Promise<AnnotatedPage<Resource>> {
      const res = await checkedPage(
        sc,
        ctx,
        USERS,
        page,
        pageSize(page, DEFAULT_PAGE_SIZE),
        (startIndex, count) =>
          sc.seismic.run((c) => c.listUsers({ startIndex, count, signal: ctx.signal })),
      );
      // A listing read again goes back to 1, so the directory's coverage restarts with it.
      sc.directory.get(ctx).recordPage(res.startIndex, res.items, res.next);
      return { items: res.items.map(userResource), nextToken: res.nextToken };
    },
    entitlements: empty,
    grants: empty,
    async get(id: ResourceId, _parent, ctx: CallContext): Promise<Resource | undefined> {
      try {
        const user = await sc.seismic.run((c) => c.getUser(id.resource, ctx.signal));
        return userResource(user);
      } catch (e) {
        if (SeismicError.is(e, "not_found")) return undefined;
        throw e;
      }
    },
    delete: userDeleter(sc),
    accounts: userAccounts(sc),
    actions: userActions(sc),
  };
}
