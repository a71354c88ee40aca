// The benchmark scenarios of issue 7: tenant sizes, throttling and latency.

export interface Scenario {
  name: string;
  users: number;
  groups: number;
  /** Seismic's limit (600 calls per 60 s) or off. */
  throttled: boolean;
  latencyMs: number;
  /** Connector calls in flight (`--workers`). */
  workers: number;
}

export const scenarios: Record<string, Scenario[]> = {
  small: [{ name: "small", users: 1_000, groups: 50, throttled: false, latencyMs: 0, workers: 4 }],
  large: [
    { name: "large", users: 100_000, groups: 5_000, throttled: false, latencyMs: 0, workers: 4 },
  ],
  throttled: [
    { name: "throttled", users: 5_000, groups: 250, throttled: true, latencyMs: 50, workers: 4 },
  ],
  scaling: [
    { name: "scaling-10k", users: 10_000, groups: 500, throttled: false, latencyMs: 0, workers: 4 },
    {
      name: "scaling-100k",
      users: 100_000,
      groups: 5_000,
      throttled: false,
      latencyMs: 0,
      workers: 4,
    },
  ],
};
