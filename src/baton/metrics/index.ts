/**
 * Metrics for any host of a connector (`serve` today, service mode next). To attach them:
 *
 * 1. `const metrics = new BatonMetrics()`: one per process.
 * 2. Pass it to the connector factory (`ConnectorDefinition.create(config, { …, metrics })`), so
 *    the connector adds its own series (the Seismic connector: API calls, 429s, retries, token
 *    mints, rate-limit waits) to `metrics.registry`.
 * 3. Put `metricsInterceptor(metrics)` first in the Connect interceptors of whatever serves the
 *    connector: `startServer({ …, interceptors })` for gRPC, `inProcessTransport(connector,
 *    options, interceptors)` when the host syncs in-process.
 * 4. `startMetricsListener(metrics, "127.0.0.1:9464")` serves /metrics; `close()` it on exit.
 */
export { metricsInterceptor } from "./grpc-interceptor.js";
export { type MetricsListener, parseMetricsAddress, startMetricsListener } from "./listener.js";
export { BatonMetrics } from "./registry.js";
