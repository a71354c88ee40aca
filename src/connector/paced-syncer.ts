/**
 * Under a rate limit, a syncer's listings wait for the calls read ahead of need (user pages,
 * group pages, member pages) to go out before they work on a page. The window's budget is then
 * spent in one burst at its start, while the work of writing what came back waits for the
 * minute the limit leaves idle anyway. Without this the first window's calls go at the pace of
 * that work (about 60 per second on two cores), and a rolling window repeats that pace in every
 * later window, which adds the whole spread of the first window to the sync's wall time. While
 * calls wait for the slots a spent window frees, the lull holds nobody (the pace is set already),
 * so the work of the last window is not left until after its last call.
 */
import type { CallContext, ResourceSyncer } from "../baton/connector.js";

/** Resolves when the read-ahead has gone out (see SeismicClient.prefetchLull). */
export type PrefetchLull = (signal: AbortSignal | undefined) => Promise<void>;

/** `s` with its listings (resources, entitlements, grants) waiting for `lull` first. */
export function pacedSyncer(s: ResourceSyncer, lull: PrefetchLull): ResourceSyncer {
  const paced =
    <A extends unknown[], T>(fn: (...args: [...A, CallContext]) => Promise<T>) =>
    async (...args: [...A, CallContext]): Promise<T> => {
      await lull((args.at(-1) as CallContext).signal);
      return fn(...args);
    };
  return {
    ...s,
    list: paced((parent, page, ctx) => s.list(parent, page, ctx)),
    entitlements: paced((resource, page, ctx) => s.entitlements(resource, page, ctx)),
    grants: paced((resource, page, ctx) => s.grants(resource, page, ctx)),
  };
}
