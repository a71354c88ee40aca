// Public entry of the embedded Seismic tenant simulator: startSimulator() seeds a deterministic
// tenant and serves it over real HTTP on two origins (API and auth), as tests, benchmarks and
// `baton-seismic simulate` use it. Independent of src/seismic and src/connector by design.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApiHandler } from "./api-server.js";
import { createAuthHandler } from "./auth-server.js";
import { FaultInjector } from "./faults.js";
import { ListingLiar } from "./listing-lies.js";
import type { FaultOptions, SimulatorOptions } from "./options.js";
import { resolveOptions } from "./options.js";
import { RollingWindowLimiter } from "./rate-limit.js";
import { ReportingSnapshot } from "./reporting-snapshot.js";
import { seedTenant } from "./seed.js";
import { TenantState } from "./state.js";
import { createStateView, type SimulatorStateView } from "./state-view.js";
import { TokenStore } from "./tokens.js";

export { DIALECT_NAMES, DIALECTS, type DialectName } from "./dialects.js";
export type { FaultOptions, ListingLies, SimulatorOptions } from "./options.js";
export type { PlatformRole, RoleAssignment } from "./state.js";
export type { SimulatorStateView } from "./state-view.js";

export interface Simulator {
  /** API origin, e.g. http://127.0.0.1:PORT (SCIM under /scim/v2, Reporting under /reporting/v2). */
  apiUrl: string;
  /** Auth origin; the token endpoint is `${authUrl}/tenants/${tenant}/connect/token`. */
  authUrl: string;
  tenant: string;
  clientId: string;
  clientSecret: string;
  delegationUserId: string;
  scimToken?: string;
  state: SimulatorStateView;
  /** Takes a new Reporting snapshot now. */
  refreshReporting(): void;
  /** Replaces the fault options (undefined turns faults off) and restarts their sequence. */
  setFaults(f: FaultOptions | undefined): void;
  /** Stops both servers and drops open connections. */
  close(): Promise<void>;
}

async function listen(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const h = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return `http://${h}:${addr.port}`;
}

async function stop(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

/** Seeds the tenant and starts both servers. Throws on invalid options or a port in use. */
export async function startSimulator(options?: SimulatorOptions): Promise<Simulator> {
  const o = resolveOptions(options);
  const state = new TenantState();
  const delegationUserId = seedTenant(state, o);
  const tokens = new TokenStore(o.now);
  const limiter =
    o.rateLimit === false
      ? undefined
      : new RollingWindowLimiter(o.rateLimit.limit, o.rateLimit.windowMs);
  const faults = new FaultInjector(o.faults);
  const reporting = new ReportingSnapshot(state, o.reportingLagMs);
  reporting.refresh(o.now());

  let apiUrl = "";
  const api = createServer(
    createApiHandler({
      state,
      options: o,
      tokens,
      limiter,
      faults,
      reporting,
      listings: new ListingLiar(o.listingLies),
      baseUrl: () => apiUrl,
    }),
  );
  const auth = createServer(createAuthHandler({ state, options: o, tokens, delegationUserId }));
  try {
    apiUrl = await listen(api, o.host, o.apiPort);
    const authUrl = await listen(auth, o.host, o.authPort);
    const sim: Simulator = {
      apiUrl,
      authUrl,
      tenant: o.tenant,
      clientId: o.clientId,
      clientSecret: o.clientSecret,
      delegationUserId,
      state: createStateView(state, () => apiUrl, o.userActive),
      refreshReporting: () => reporting.refresh(o.now()),
      setFaults: (f) => faults.set(f),
      close: async () => {
        await Promise.all([stop(api), stop(auth)]);
      },
    };
    if (o.scimToken !== undefined) sim.scimToken = o.scimToken;
    return sim;
  } catch (e) {
    await Promise.all([stop(api), stop(auth)]);
    throw e;
  }
}
