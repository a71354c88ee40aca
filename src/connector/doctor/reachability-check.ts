/**
 * Are the API and the token service there? One unauthenticated GET of each base URL: any HTTP
 * answer counts (the API answers 401 without a token); only a network failure does not.
 */
import type { ProbeResult, SeismicClient } from "../../seismic/index.js";
import { type CheckResult, detailOf, fixFor, ok, problem } from "./check.js";

const TITLES = {
  api: "API reachable (--seismic-api-url)",
  auth: "Token service reachable (--seismic-auth-url)",
} as const;

/** The two rows, and the API probe (its `Date` header feeds the clock check). */
export async function checkReachability(
  client: SeismicClient,
): Promise<{ results: CheckResult[]; api: ProbeResult | undefined; reachable: boolean }> {
  const results: CheckResult[] = [];
  let api: ProbeResult | undefined;
  for (const origin of ["api", "auth"] as const) {
    const id = `reachable:${origin}`;
    try {
      const probe = await client.probe(origin);
      if (origin === "api") api = probe;
      results.push(
        ok(id, TITLES[origin], `${probe.url} answered ${probe.status} in ${probe.ms} ms`),
      );
    } catch (e) {
      results.push(problem("fail", id, TITLES[origin], detailOf(e), fixFor(e)));
    }
  }
  return { results, api, reachable: results.every((r) => r.status === "ok") };
}
