/**
 * From resolved configuration values to the tenant to talk to: the values as given, or with
 * `--demo` the embedded simulated tenant started in this process. Shared by the connector's
 * factory and `doctor`, so both treat `--demo` and secrets the same way.
 */
import type { ConnectorEnv } from "../baton/cli/definition.js";
import { type SeismicConnectorConfig, toConnectorConfig } from "./config.js";
import { type DemoTenant, startDemoTenant } from "./demo.js";

/** The tenant's configuration and what to release afterwards (the demo tenant, if started). */
export interface TenantTarget {
  config: SeismicConnectorConfig;
  close(): Promise<void>;
}

/**
 * Resolves the tenant; registers its secrets with the scrubber.
 * @throws UsageError naming missing or bad flags.
 */
export async function tenantTarget(
  values: Readonly<Record<string, unknown>>,
  { logger, scrubber }: ConnectorEnv,
): Promise<TenantTarget> {
  let demo: DemoTenant | undefined;
  try {
    if (values.demo === true) {
      demo = await startDemoTenant();
      scrubber.add(demo.clientSecret);
      logger.info(
        { apiUrl: demo.apiUrl },
        "demo: started the embedded simulated Seismic tenant in this process",
      );
    }
    const config = toConnectorConfig(demo ? { ...values, ...demo.values } : values);
    scrubber.add(config.clientSecret);
    scrubber.add(config.scimToken);
    const tenant = demo;
    return { config, close: async () => tenant?.close() };
  } catch (e) {
    await demo?.close();
    throw e;
  }
}
