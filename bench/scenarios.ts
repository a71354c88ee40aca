// The benchmark scenarios: tenant sizes, Seismic's rate limit (600 calls per rolling 60 s) with
// latency, other API clients sharing that budget, and the membership source.

export interface Scenario {
  name: string;
  users: number;
  groups: number;
  /** Seismic's limit (600 calls per 60 s) on, for the simulator and the client; or off. */
  throttled: boolean;
  /** Calls per window that other API clients of the tenant spend (throttled only). */
  otherClients?: number;
  latencyMs: number;
  /** `--workers`; the binary's default when absent. */
  workers?: number;
  /** `--seismic-membership-source`; the default (scim) when absent. */
  membershipSource?: "scim" | "reporting";
}

/** How benchmarks that need a c1z first (diff, views) sync it: unthrottled, four workers. */
export const SETUP_SYNC: Scenario = {
  name: "setup-sync",
  users: 0,
  groups: 0,
  throttled: false,
  latencyMs: 0,
  workers: 4,
};

/** Seismic's tier-3 limit. */
export const LIMIT = 600;
export const WINDOW_MS = 60_000;

const tenant20k = { users: 20_000, groups: 1_000 };
const tenant100k = { users: 100_000, groups: 5_000 };
const atTheLimit = { throttled: true, latencyMs: 50 };

export const scenarios: Record<string, Scenario[]> = {
  small: [{ name: "small", users: 1_000, groups: 50, throttled: false, latencyMs: 0 }],
  large: [{ name: "large", ...tenant100k, throttled: false, latencyMs: 0 }],
  throttled: [{ name: "throttled", ...tenant20k, ...atTheLimit }],
  "throttled-large": [{ name: "throttled-large", ...tenant100k, ...atTheLimit }],
  // Another integration spends a third of the budget.
  "throttled-shared": [
    { name: "throttled-shared", ...tenant20k, ...atTheLimit, otherClients: 200 },
  ],
  "throttled-reporting": [
    { name: "throttled-reporting", ...tenant20k, ...atTheLimit, membershipSource: "reporting" },
  ],
  scaling: [
    { name: "scaling-10k", users: 10_000, groups: 500, throttled: false, latencyMs: 0 },
    { name: "scaling-100k", ...tenant100k, throttled: false, latencyMs: 0 },
  ],
};
