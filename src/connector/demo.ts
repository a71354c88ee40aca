/**
 * `--demo`: starts the embedded simulated Seismic tenant in this process and returns the
 * connection values that replace the seismic-* flags. The one place outside tests where the
 * connector imports the simulator (documented exception to the layer rule).
 */
import { startSimulator } from "../simulator/index.js";

/** Fixed seed, so every demo shows the same tenant. */
export const DEMO_SEED = 42;

export interface DemoTenant {
  /** Resolved-config values (camelCase keys) that point the connector at the simulator. */
  values: Record<string, string>;
  clientSecret: string;
  apiUrl: string;
  close(): Promise<void>;
}

/** Starts the simulated tenant on ephemeral loopback ports. */
export async function startDemoTenant(): Promise<DemoTenant> {
  const sim = await startSimulator({ seed: DEMO_SEED, users: 250, groups: 20 });
  return {
    values: {
      seismicTenant: sim.tenant,
      seismicClientId: sim.clientId,
      seismicClientSecret: sim.clientSecret,
      seismicDelegationUserId: sim.delegationUserId,
      seismicApiUrl: sim.apiUrl,
      seismicAuthUrl: sim.authUrl,
    },
    clientSecret: sim.clientSecret,
    apiUrl: sim.apiUrl,
    close: () => sim.close(),
  };
}
