/**
 * The `user` syncer: pages through SCIM /Users 100 at a time (the page token is the next
 * `startIndex`), reading through the sync's one walk of /Users (user-pages.ts), which fetches
 * pages ahead and feeds the user directory; and fetches one user for targeted syncs. Users hold
 * no entitlements; account creation and deletion live in accounts.ts.
 */
import type { AnnotatedPage, CallContext, ResourceSyncer } from "../baton/connector.js";
import { type PageRequest, pageSize } from "../baton/pagination.js";
import type { Resource, ResourceId } from "../gen/c1/connector/v2/resource_pb.js";
import { DEFAULT_PAGE_SIZE, nextStartIndex, SeismicError } from "../seismic/index.js";
import { userAccounts, userDeleter } from "./accounts.js";
import type { SeismicContext } from "./context.js";
import { decodeStartIndex, startIndexToken } from "./entitlements.js";
import { userType } from "./resource-types.js";
import { userResource } from "./user-resource.js";

const empty = async <T>(): Promise<AnnotatedPage<T>> => ({ items: [] });

export function userSyncer(sc: SeismicContext): ResourceSyncer {
  return {
    resourceType: userType,
    async list(_parent, page: PageRequest, ctx: CallContext): Promise<AnnotatedPage<Resource>> {
      const startIndex = decodeStartIndex(page.token);
      const count = pageSize(page, DEFAULT_PAGE_SIZE);
      const res = await sc.directory.get(ctx).listingPage(startIndex, count, ctx.signal);
      const next = nextStartIndex(startIndex, res);
      return { items: res.Resources.map(userResource), nextToken: startIndexToken(next) };
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
  };
}
