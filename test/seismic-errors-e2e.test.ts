// End to end failures of the built binary against the simulator: a missing reporting scope fails
// the sync naming it (never an empty platform-role list); a wrong client secret, an unknown tenant, a locked delegation
// user and a malformed SCIM page each end the run non-zero with one line on stderr that names
// the cause, and no stack trace. Every case also runs at --log-level debug, and neither the
// client secret nor any access token the auth server issued (recorded by a proxy in front of it)
// appears in anything the binary writes.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, type SimulatorOptions, startSimulator } from "../src/simulator/index.js";
import type { RunResult } from "./helpers/run-bin.js";
import {
  expectNoSecrets,
  plainLines,
  type Rewrite,
  runSeismic,
  type SimProxy,
  startProxy,
  type Target,
  targetOf,
} from "./helpers/seismic-e2e.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "seismic-errors-e2e-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What one case starts: a simulator with a random secret and proxies in front of both origins. */
interface Setup {
  sim: Simulator;
  auth: SimProxy;
  api: SimProxy;
  target: Target;
  /** Tokens minted by the test itself (not by the binary); they must not leak either. */
  ownTokens: string[];
}

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((close) => close()));
});

async function setup(options: SimulatorOptions = {}, rewrite?: Rewrite): Promise<Setup> {
  const clientSecret = `cs-${randomBytes(24).toString("base64url")}`;
  const sim = await startSimulator({ seed: 5, users: 150, groups: 4, clientSecret, ...options });
  open.push(() => sim.close());
  const auth = await startProxy(sim.authUrl);
  open.push(() => auth.close());
  const api = await startProxy(sim.apiUrl, rewrite);
  open.push(() => api.close());
  return {
    sim,
    auth,
    api,
    target: targetOf(sim, { authUrl: auth.url, apiUrl: api.url }),
    ownTokens: [],
  };
}

/** Every secret of a case: the client secret and each token the auth server issued. */
function secretsOf(s: Setup): string[] {
  return [s.sim.clientSecret, ...s.auth.tokens, ...s.ownTokens];
}

/** Runs a sync at the default level and at debug level. */
async function syncTwice(s: Setup, target: Target = s.target) {
  const info = await runSeismic(target, [
    "--file",
    join(dir, `${randomBytes(4).toString("hex")}.c1z`),
  ]);
  const debug = await runSeismic(target, [
    "--file",
    join(dir, `${randomBytes(4).toString("hex")}.c1z`),
    "--log-level",
    "debug",
  ]);
  return { info, debug };
}

/**
 * A failed run: exit code 1, nothing on stdout, and exactly one human-readable line on stderr
 * (the rest are JSON log records), without a stack trace; returns that line.
 */
function oneErrorLine(r: RunResult): string {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toBe("");
  const lines = plainLines(r.stderr);
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/\\n\s+at /);
  const line = lines[0] ?? "";
  expect(line).toMatch(/^error: /);
  return line;
}

/** At debug level the same error line comes first; secrets appear nowhere. */
function expectDebugRun(r: RunResult, line: string, s: Setup, what: string): void {
  expect(r.code).toBe(1);
  expect(plainLines(r.stderr)[0]).toBe(line);
  expect(r.stderr).toMatch(/"levelName":"debug"/);
  expectNoSecrets(`${r.stdout}\n${r.stderr}`, secretsOf(s), what);
}

describe("errors of the built binary against the simulator", () => {
  it("without the seismic.reporting scope: exit 1 in one line naming the scope and both ways out, previous c1z untouched", async () => {
    const s = await setup({ grantedScopes: ["seismic.user.view", "seismic.user.manage"] });
    const file = join(dir, "no-reporting.c1z");
    // A good sync first (platform roles left out on purpose), then one that cannot read them.
    const good = await runSeismic(s.target, ["--file", file, "--seismic-skip-platform-roles"]);
    expect(good.code, good.stderr).toBe(0);
    const before = readFileSync(file);

    const r = await runSeismic(s.target, ["--file", file]);
    const line = oneErrorLine(r);
    expect(line).toMatch(/ListResources for platform_role failed: PermissionDenied/);
    expect(line).toContain("seismic.reporting");
    expect(line).toContain("--seismic-skip-platform-roles");
    expect(line).toContain("--sync-resource-types");
    expect(readFileSync(file).equals(before)).toBe(true);
    // Not one Reporting call: the refused scope was known from the token request.
    const calls = s.sim.state.calls();
    expect([...calls.keys()].filter((k) => k.includes("/reporting/"))).toEqual([]);

    const debug = await runSeismic(s.target, ["--file", file, "--log-level", "debug"]);
    expectDebugRun(debug, line, s, "no-scope sync");
    expect(s.auth.tokens.size).toBeGreaterThanOrEqual(1);
    expectNoSecrets(`${r.stdout}\n${r.stderr}`, secretsOf(s), "no-scope sync");
  });

  it("a wrong client secret: one line naming the client id/secret (invalid_client)", async () => {
    const s = await setup();
    const wrong = `wrong-${randomBytes(16).toString("base64url")}`;
    const target = { ...s.target, clientSecret: wrong };
    const { info, debug } = await syncTwice(s, target);
    const line = oneErrorLine(info);
    expect(line).toMatch(/Unauthenticated/);
    expect(line).toMatch(/invalid_client/);
    expect(line).toContain("--seismic-client-secret");
    expectDebugRun(debug, line, s, "wrong secret");
    expectNoSecrets(
      `${info.stdout}\n${info.stderr}\n${debug.stdout}\n${debug.stderr}`,
      [wrong],
      "wrong secret",
    );
    expect(s.auth.tokens.size).toBe(0);
    expect(s.sim.state.totalCalls()).toBe(
      s.sim.state.calls().get("POST /tenants/{tenant}/connect/token"),
    );
  });

  it("an unknown tenant: one line naming the tenant and --seismic-tenant", async () => {
    const s = await setup();
    const target = { ...s.target, tenant: "no-such-tenant" };
    const { info, debug } = await syncTwice(s, target);
    const line = oneErrorLine(info);
    expect(line).toMatch(/Unauthenticated/);
    expect(line).toContain("no-such-tenant");
    // The auth server answers invalid_client for a tenant it does not know (as IdentityServer
    // does for a client not registered there), so the line must point at the tenant too.
    expect(line).toContain("--seismic-tenant");
    expectDebugRun(debug, line, s, "unknown tenant");
  });

  it("a locked delegation user: one line naming the user and that it is locked", async () => {
    const s = await setup();
    // Lock the delegation user through the SCIM API, with a token minted before the lock.
    const form = new URLSearchParams({
      grant_type: "delegation",
      client_id: s.sim.clientId,
      client_secret: s.sim.clientSecret,
      user_id: s.sim.delegationUserId,
      scope: "seismic.user.manage",
    });
    const minted = await fetch(`${s.sim.authUrl}/tenants/${s.sim.tenant}/connect/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form,
    });
    const token = ((await minted.json()) as { access_token: string }).access_token;
    s.ownTokens.push(token);
    const locked = await fetch(`${s.sim.apiUrl}/scim/v2/Users/${s.sim.delegationUserId}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" },
      body: JSON.stringify({
        schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        Operations: [{ op: "replace", path: "active", value: false }],
      }),
    });
    expect(locked.status).toBe(200);
    expect(s.sim.state.user(s.sim.delegationUserId)?.active).toBe(false);

    const { info, debug } = await syncTwice(s);
    const line = oneErrorLine(info);
    expect(line).toMatch(/Unauthenticated/);
    expect(line).toContain(s.sim.delegationUserId);
    expect(line).toMatch(/invalid_grant/);
    expect(line).toMatch(/user is locked/);
    expect(line).toContain("--seismic-delegation-user-id");
    expectDebugRun(debug, line, s, "locked delegation user");
    expect(s.auth.tokens.size).toBe(0);
  });

  it("a malformed /scim/v2/Users page (a user without id): one line naming the endpoint and field", async () => {
    // Every full page of the listing (not Validate's count=1 call) loses the `id` of its fourth
    // user.
    const s = await setup({}, ({ method, url }, body) => {
      if (method !== "GET" || url.pathname !== "/scim/v2/Users") return undefined;
      if (url.searchParams.get("count") !== "100") return undefined;
      const page = JSON.parse(body) as { Resources: Record<string, unknown>[] };
      delete page.Resources[3]?.id;
      return JSON.stringify(page);
    });
    const { info, debug } = await syncTwice(s);
    const line = oneErrorLine(info);
    expect(line).toContain("GET /scim/v2/Users");
    expect(line).toContain("Resources[3].id");
    expect(line).toMatch(/malformed/);
    expectDebugRun(debug, line, s, "malformed response");
    expect(s.auth.tokens.size).toBeGreaterThanOrEqual(2);
  });
});
