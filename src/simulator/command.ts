// `baton-seismic simulate`: starts the simulated Seismic tenant, prints one copy-paste line of
// connector flags on stdout (everything else goes to stderr), and runs until SIGINT or SIGTERM,
// then closes both servers and exits 0.

import type { Writable } from "node:stream";
import yargs, { type Argv, type CommandModule } from "yargs";
import { DIALECT_NAMES, type DialectName } from "./dialects.js";
import type { Simulator } from "./index.js";
import { startSimulator } from "./index.js";
import type { FaultOptions, ListingLies, LyingListing, SimulatorOptions } from "./options.js";
import { DEFAULT_SCOPES, DEFAULTS } from "./options.js";

export interface SimulateArgs {
  listen: string;
  authListen?: string | undefined;
  users: number;
  groups: number;
  seed: number;
  tenant: string;
  clientId: string;
  clientSecret: string;
  delegationUserId?: string | undefined;
  scimToken?: string | undefined;
  tokenLifetime: number;
  rateLimit: number;
  rateLimitWindow: number;
  membershipEndpoints: boolean;
  dialect?: string | undefined;
  groupMembersEndpoint?: string | undefined;
  memberWriteRoutes?: boolean | undefined;
  reportingTables?: string | undefined;
  userActive?: boolean | undefined;
  strictParameters?: boolean | undefined;
  delegatedUserAdmin?: boolean | undefined;
  reportingLag?: number | undefined;
  latency: number;
  scopes: string;
  faultSeed: number;
  errorRate: number;
  dropRate: number;
  slowRate: number;
  slowMs: number;
  burst429?: string | undefined;
  truncateRate: number;
  garbageRate: number;
  lieOn?: string | undefined;
  lieReads?: number | undefined;
  lieTotalFactor?: number | undefined;
  lieTotal?: number | undefined;
  lieNoResourcesAt?: number | undefined;
  lieDuplicates?: number | undefined;
  lieIgnoreStartIndex: boolean;
}

/** "host:port", "[::1]:port" or ":port" => host and port; throws a message naming the flag. */
export function parseListen(value: string, flag: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value);
  const port = m === null ? Number.NaN : Number(m[3]);
  if (m === null || port > 65535)
    throw new Error(`--${flag} must be HOST:PORT (e.g. 127.0.0.1:8080), got '${value}'`);
  return { host: m[1] ?? (m[2] === "" ? DEFAULTS.host : (m[2] as string)), port };
}

function burst(value: string | undefined): FaultOptions["burst429"] {
  if (value === undefined) return undefined;
  const m = /^(\d+):(\d+)$/.exec(value);
  if (m === null) throw new Error(`--burst-429 must be EVERY:LENGTH (e.g. 100:5), got '${value}'`);
  return { every: Number(m[1]), length: Number(m[2]) };
}

/** Maps the command's flags onto startSimulator options. */
export function simulatorOptions(a: SimulateArgs): SimulatorOptions {
  const api = parseListen(a.listen, "listen");
  const auth =
    a.authListen === undefined
      ? { host: api.host, port: 0 }
      : parseListen(a.authListen, "auth-listen");
  if (auth.host !== api.host) throw new Error("--listen and --auth-listen must use the same host");
  const b = burst(a.burst429);
  const faulty =
    a.errorRate > 0 ||
    a.dropRate > 0 ||
    a.slowRate > 0 ||
    a.truncateRate > 0 ||
    a.garbageRate > 0 ||
    b !== undefined;
  const o: SimulatorOptions = {
    seed: a.seed,
    users: a.users,
    groups: a.groups,
    tenant: a.tenant,
    clientId: a.clientId,
    clientSecret: a.clientSecret,
    host: api.host,
    apiPort: api.port,
    authPort: auth.port,
    tokenLifetimeSeconds: a.tokenLifetime,
    grantedScopes: a.scopes.split(/[\s,]+/).filter((s) => s !== ""),
    rateLimit: a.rateLimit === 0 ? false : { limit: a.rateLimit, windowMs: a.rateLimitWindow },
    membershipEndpoints: a.membershipEndpoints,
    latencyMs: a.latency,
  };
  if (a.delegationUserId !== undefined) o.delegationUserId = a.delegationUserId;
  if (a.scimToken !== undefined) o.scimToken = a.scimToken;
  if (a.reportingLag !== undefined) o.reportingLagMs = a.reportingLag;
  if (a.dialect !== undefined) o.dialect = a.dialect as DialectName;
  if (a.groupMembersEndpoint !== undefined) {
    o.groupMembersEndpoint = a.groupMembersEndpoint as NonNullable<
      SimulatorOptions["groupMembersEndpoint"]
    >;
  }
  if (a.memberWriteRoutes !== undefined) o.memberWriteRoutes = a.memberWriteRoutes;
  if (a.reportingTables !== undefined) {
    o.reportingTables = a.reportingTables as NonNullable<SimulatorOptions["reportingTables"]>;
  }
  if (a.userActive !== undefined) o.userActive = a.userActive;
  if (a.strictParameters !== undefined) o.strictParameters = a.strictParameters;
  if (a.delegatedUserAdmin !== undefined) o.delegatedUserAdmin = a.delegatedUserAdmin;
  if (faulty) {
    o.faults = {
      seed: a.faultSeed,
      serverErrorRate: a.errorRate,
      dropRate: a.dropRate,
      slowRate: a.slowRate,
      slowMs: a.slowMs,
      truncateRate: a.truncateRate,
      garbageRate: a.garbageRate,
      ...(b === undefined ? {} : { burst429: b }),
    };
  }
  const lies = listingLies(a);
  if (lies !== undefined) o.listingLies = lies;
  return o;
}

/** The --lie-* flags as ListingLies, or undefined when none is set. */
function listingLies(a: SimulateArgs): ListingLies | undefined {
  const lies: ListingLies = {};
  if (a.lieTotalFactor !== undefined) lies.totalResultsFactor = a.lieTotalFactor;
  if (a.lieTotal !== undefined) lies.totalResults = a.lieTotal;
  if (a.lieNoResourcesAt !== undefined) lies.noResourcesAt = a.lieNoResourcesAt;
  if (a.lieDuplicates !== undefined) lies.duplicatesAcrossPages = a.lieDuplicates;
  if (a.lieIgnoreStartIndex) lies.ignoreStartIndex = true;
  if (Object.keys(lies).length === 0) return undefined;
  if (a.lieReads !== undefined) lies.reads = a.lieReads;
  if (a.lieOn !== undefined) {
    lies.on = a.lieOn.split(",").map((k) => k.trim()) as LyingListing[];
  }
  return lies;
}

function shellQuote(v: string): string {
  return /^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replaceAll("'", "'\\''")}'`;
}

/** The one line of connector flags that points baton-seismic at this simulator. */
export function connectorFlags(sim: Simulator): string {
  const flags: [string, string][] = [
    ["seismic-tenant", sim.tenant],
    ["seismic-client-id", sim.clientId],
    ["seismic-client-secret", sim.clientSecret],
    ["seismic-delegation-user-id", sim.delegationUserId],
    ["seismic-api-url", sim.apiUrl],
    ["seismic-auth-url", sim.authUrl],
  ];
  if (sim.scimToken !== undefined) flags.push(["seismic-scim-token", sim.scimToken]);
  return flags.map(([k, v]) => `--${k}=${shellQuote(v)}`).join(" ");
}

/** Starts the simulator, prints the flags line, waits for `signal`, then stops it. */
export async function simulate(
  args: SimulateArgs,
  io: { out: Writable; err: Writable; signal: AbortSignal },
): Promise<void> {
  const sim = await startSimulator(simulatorOptions(args));
  io.err.write(
    `Seismic simulator: ${sim.state.userCount()} users, ${sim.state.groupCount()} groups, seed ${args.seed}; ` +
      `API ${sim.apiUrl}, auth ${sim.authUrl}. Pass these flags to baton-seismic (Ctrl-C to stop):\n`,
  );
  io.out.write(`${connectorFlags(sim)}\n`);
  if (!io.signal.aborted) {
    await new Promise<void>((resolve) =>
      io.signal.addEventListener("abort", () => resolve(), { once: true }),
    );
  }
  await sim.close();
  io.err.write("Seismic simulator stopped.\n");
}

function builder(y: Argv): Argv<SimulateArgs> {
  return y
    .option("listen", {
      type: "string",
      default: `${DEFAULTS.host}:0`,
      describe: "API origin HOST:PORT (port 0 = any free port)",
    })
    .option("auth-listen", {
      type: "string",
      describe: "Auth origin HOST:PORT (default: same host, any free port)",
    })
    .option("users", { type: "number", default: DEFAULTS.users, describe: "Seeded users" })
    .option("groups", { type: "number", default: DEFAULTS.groups, describe: "Seeded groups" })
    .option("seed", { type: "number", default: DEFAULTS.seed, describe: "Same seed, same tenant" })
    .option("tenant", { type: "string", default: DEFAULTS.tenant, describe: "Tenant name" })
    .option("client-id", {
      type: "string",
      default: DEFAULTS.clientId,
      describe: "OAuth client id",
    })
    .option("client-secret", {
      type: "string",
      default: DEFAULTS.clientSecret,
      describe: "OAuth client secret",
    })
    .option("delegation-user-id", {
      type: "string",
      describe: "GUID of the delegated user (default: the seeded System Administrator's GUID)",
    })
    .option("scim-token", {
      type: "string",
      describe: "Also accept this static bearer token for /scim/v2 calls",
    })
    .option("token-lifetime", {
      type: "number",
      default: DEFAULTS.tokenLifetimeSeconds,
      describe: "Access token lifetime, seconds",
    })
    .option("rate-limit", {
      type: "number",
      default: DEFAULTS.rateLimit.limit,
      describe: "Calls per window; 0 turns the limit off",
    })
    .option("rate-limit-window", {
      type: "number",
      default: DEFAULTS.rateLimit.windowMs,
      describe: "Rolling window, ms",
    })
    .option("membership-endpoints", {
      type: "boolean",
      default: true,
      describe:
        "Serve GET /Users/{id}/Groups and /Groups/{id}/Users (--no-membership-endpoints: 404)",
    })
    .option("dialect", {
      type: "string",
      choices: DIALECT_NAMES,
      describe:
        "Behave like a tenant whose API differs from our notes (see src/simulator/README.md); the switches below override it",
    })
    .option("group-members-endpoint", {
      type: "string",
      choices: ["serve", "missing", "not-allowed"],
      describe: "How GET /Groups/{id}/Users answers: served, 404 or 405",
    })
    .option("member-write-routes", {
      type: "boolean",
      describe: "Serve POST/DELETE /Users/{u}/Groups/{g} (--no-member-write-routes: 404)",
    })
    .option("reporting-tables", {
      type: "string",
      choices: ["roles", "entitlementRoles", "none"],
      describe:
        "Reporting table names: /roles + /userRoleAssignments, the entitlement names, or none (all 404)",
    })
    .option("user-active", {
      type: "boolean",
      describe: "Render `active` on users (--no-user-active: leave it out)",
    })
    .option("strict-parameters", {
      type: "boolean",
      describe: "Refuse `attributes`/`excludedAttributes` with a 400 instead of honouring them",
    })
    .option("delegated-user-admin", {
      type: "boolean",
      describe:
        "The delegated user is a System Administrator (--no-delegated-user-admin: SCIM writes get 403)",
    })
    .option("reporting-lag", {
      type: "number",
      describe: "Retake the Reporting snapshot once it is this old, ms (default: never)",
    })
    .option("latency", {
      type: "number",
      default: 0,
      describe: "Latency added to every API call, ms",
    })
    .option("scopes", {
      type: "string",
      default: DEFAULT_SCOPES.join(" "),
      describe: "Scopes the app registration grants",
    })
    .option("fault-seed", { type: "number", default: 1, describe: "Seed of the fault sequence" })
    .option("error-rate", {
      type: "number",
      default: 0,
      describe: "Share of API calls answered 500/502/503",
    })
    .option("drop-rate", {
      type: "number",
      default: 0,
      describe: "Share of API calls whose connection is dropped",
    })
    .option("slow-rate", {
      type: "number",
      default: 0,
      describe: "Share of API calls delayed by --slow-ms",
    })
    .option("slow-ms", { type: "number", default: 2000, describe: "Delay of a slow call, ms" })
    .option("burst-429", {
      type: "string",
      describe: "EVERY:LENGTH, the last LENGTH of every EVERY calls get 429",
    })
    .option("truncate-rate", {
      type: "number",
      default: 0,
      describe: "Share of API calls whose successful GET body is cut in half",
    })
    .option("garbage-rate", {
      type: "number",
      default: 0,
      describe: "Share of API calls whose successful GET is answered 200 with an HTML page",
    })
    .option("lie-total-factor", {
      type: "number",
      describe: "Listings report totalResults as this share of the real count (e.g. 0.5)",
    })
    .option("lie-total", {
      type: "number",
      describe: "Listings report this totalResults whatever the real count",
    })
    .option("lie-no-resources-at", {
      type: "number",
      describe: "The listing page at this startIndex comes without its Resources key",
    })
    .option("lie-duplicates", {
      type: "number",
      describe: "Listing pages after the first start this many items early (ids repeat)",
    })
    .option("lie-ignore-start-index", {
      type: "boolean",
      default: false,
      describe: "Listings answer the first page whatever startIndex asks for",
    })
    .option("lie-on", {
      type: "string",
      describe: "Listings that lie: users,groups,members (default all three)",
    })
    .option("lie-reads", {
      type: "number",
      describe: "Lie only during the first N reads of each listing (default: every read)",
    })
    .strict() as unknown as Argv<SimulateArgs>;
}

export const simulateCommand: CommandModule<object, SimulateArgs> = {
  command: "simulate",
  describe: "Run a simulated Seismic tenant on loopback and print the connector flags to sync it",
  builder,
  handler: async (args) => {
    const ac = new AbortController();
    const stop = (): void => ac.abort();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    try {
      await simulate(args, { out: process.stdout, err: process.stderr, signal: ac.signal });
    } catch (e) {
      // A port in use or a bad address is the user's to fix: one line, no stack trace.
      const code = (e as { code?: unknown }).code;
      if (typeof code !== "string" || !code.startsWith("E")) throw e;
      process.stderr.write(
        `error: simulate: ${(e as Error).message}; choose another --listen/--auth-listen\n`,
      );
      process.exitCode = 1;
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    }
  },
};

/** Runs just this command with `argv` (after the program name), e.g. for a child process. */
export async function runSimulateCli(argv: readonly string[]): Promise<void> {
  await yargs([...argv])
    .scriptName("baton-seismic simulate")
    .command({ ...simulateCommand, command: "$0" })
    .fail((msg, err) => {
      throw err ?? new Error(msg);
    })
    .help()
    .parseAsync();
}
