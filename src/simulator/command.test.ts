// Tests of the simulator: the simulate command, in process and as a child process stopped by SIGINT, over real HTTP where it matters.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseListen, type SimulateArgs, simulate, simulatorOptions } from "./command.js";
import { caller, getToken } from "./harness.js";
import type { Simulator } from "./index.js";

const defaults: SimulateArgs = {
  listen: "127.0.0.1:0",
  users: 20,
  groups: 3,
  seed: 1,
  tenant: "simtenant",
  clientId: "sim-client",
  clientSecret: "sim-secret",
  tokenLifetime: 3600,
  rateLimit: 600,
  rateLimitWindow: 60_000,
  membershipEndpoints: true,
  latency: 0,
  scopes: "seismic.user.view seismic.user.manage seismic.reporting",
  faultSeed: 1,
  errorRate: 0,
  dropRate: 0,
  slowRate: 0,
  slowMs: 2000,
  truncateRate: 0,
  garbageRate: 0,
  lieIgnoreStartIndex: false,
};

const FLAGS =
  /^--seismic-tenant=(\S+) --seismic-client-id=(\S+) --seismic-client-secret=(\S+) --seismic-delegation-user-id=(\S+) --seismic-api-url=(\S+) --seismic-auth-url=(\S+)\n$/;

/** Rebuilds enough of a Simulator from the printed flags to call it. */
function fromFlags(line: string): Simulator {
  const m = FLAGS.exec(line);
  if (m === null) throw new Error(`unexpected flags line: ${line}`);
  const [, tenant, clientId, clientSecret, delegationUserId, apiUrl, authUrl] =
    m as unknown as string[];
  return { tenant, clientId, clientSecret, delegationUserId, apiUrl, authUrl } as Simulator;
}

describe("flag parsing", () => {
  it("parses HOST:PORT forms", () => {
    expect(parseListen("127.0.0.1:8080", "listen")).toEqual({ host: "127.0.0.1", port: 8080 });
    expect(parseListen("[::1]:0", "listen")).toEqual({ host: "::1", port: 0 });
    expect(parseListen(":9000", "listen")).toEqual({ host: "127.0.0.1", port: 9000 });
    expect(() => parseListen("localhost", "auth-listen")).toThrow(
      "--auth-listen must be HOST:PORT (e.g. 127.0.0.1:8080), got 'localhost'",
    );
  });

  it("maps flags onto simulator options", () => {
    expect(
      simulatorOptions({
        ...defaults,
        listen: "127.0.0.1:7000",
        authListen: "127.0.0.1:7001",
        rateLimit: 0,
        membershipEndpoints: false,
        scimToken: "t",
        reportingLag: 5,
        errorRate: 0.1,
        burst429: "50:3",
        scopes: "seismic.user.view,seismic.reporting",
      }),
    ).toEqual({
      seed: 1,
      users: 20,
      groups: 3,
      tenant: "simtenant",
      clientId: "sim-client",
      clientSecret: "sim-secret",
      host: "127.0.0.1",
      apiPort: 7000,
      authPort: 7001,
      tokenLifetimeSeconds: 3600,
      grantedScopes: ["seismic.user.view", "seismic.reporting"],
      rateLimit: false,
      membershipEndpoints: false,
      latencyMs: 0,
      scimToken: "t",
      reportingLagMs: 5,
      faults: {
        seed: 1,
        serverErrorRate: 0.1,
        dropRate: 0,
        slowRate: 0,
        slowMs: 2000,
        truncateRate: 0,
        garbageRate: 0,
        burst429: { every: 50, length: 3 },
      },
    });
    expect(
      simulatorOptions({
        ...defaults,
        truncateRate: 0.2,
        lieTotalFactor: 0.5,
        lieNoResourcesAt: 201,
        lieReads: 1,
        lieOn: "users, members",
      }),
    ).toMatchObject({
      faults: { truncateRate: 0.2, garbageRate: 0 },
      listingLies: {
        totalResultsFactor: 0.5,
        noResourcesAt: 201,
        reads: 1,
        on: ["users", "members"],
      },
    });
    expect(simulatorOptions(defaults).listingLies).toBeUndefined();
    expect(() => simulatorOptions({ ...defaults, burst429: "often" })).toThrow(
      "--burst-429 must be EVERY:LENGTH",
    );
  });
});

describe("simulate (in process)", () => {
  it("prints one line of connector flags that work, and stops when aborted", async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    const ac = new AbortController();
    const done = simulate(
      { ...defaults, tenant: "demo", clientSecret: "s3cret" },
      { out, err, signal: ac.signal },
    );
    const [chunk] = (await once(out, "data")) as [Buffer];
    const sim = fromFlags(chunk.toString());
    expect(sim.tenant).toBe("demo");
    expect(sim.clientSecret).toBe("s3cret");
    const res = await caller(sim, await getToken(sim))("GET", "/scim/v2/Users?count=0");
    expect(res.body).toMatchObject({ totalResults: 20 });
    ac.abort();
    await done;
    await expect(fetch(`${sim.apiUrl}/scim/v2/Users`)).rejects.toThrow();
  });
});

describe("simulate (child process)", () => {
  it("starts from the command line, prints the flags on stdout and exits 0 on SIGINT", async () => {
    // Runs the TypeScript source directly: Node strips the types, and this hook maps the `.js`
    // import specifiers to their `.ts` files, so no build is needed.
    const entry = `
      import { registerHooks } from "node:module";
      registerHooks({ resolve(s, c, next) {
        try { return next(s, c); } catch (e) {
          if (s.startsWith(".") && s.endsWith(".js")) return next(s.slice(0, -3) + ".ts", c);
          throw e;
        }
      } });
      const { runSimulateCli } = await import(${JSON.stringify(new URL("./command.ts", import.meta.url).href)});
      await runSimulateCli(process.argv.slice(1));`;
    const child = spawn(
      process.execPath,
      [
        "--no-warnings",
        "--input-type=module",
        "-e",
        entry,
        "--",
        "--listen",
        "127.0.0.1:0",
        "--users",
        "15",
        "--groups",
        "2",
        "--seed",
        "9",
      ],
      { cwd: fileURLToPath(new URL("../..", import.meta.url)), stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      let stdout = "";
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      while (!stdout.includes("\n")) {
        const [d] = (await Promise.race([once(child.stdout, "data"), once(child, "exit")])) as [
          Buffer | number,
        ];
        if (typeof d === "number" || d === null) throw new Error(`child exited early: ${stderr}`);
        stdout += d.toString();
      }
      const sim = fromFlags(stdout);
      const res = await caller(sim, await getToken(sim))("GET", "/scim/v2/Groups?count=0");
      expect(res.body).toMatchObject({ totalResults: 2 });
      expect(stderr).toContain("Seismic simulator: 15 users, 2 groups, seed 9");
      const exited = once(child, "close");
      child.kill("SIGINT");
      expect(await exited).toEqual([0, null]);
      expect(stderr).toContain("Seismic simulator stopped.");
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });
});
