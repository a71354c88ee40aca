// End to end with the built binary: leaving platform roles out on purpose (the dedicated flag, or
// --sync-resource-types without platform_role) succeeds and the c1z has no platform_role type at
// all; a Reporting table the tenant does not have fails the sync naming both endpoints; and a
// wrong address fails after one attempt, naming the flag: a closed API port, a host name that
// does not resolve, and a token service that is not there while a static SCIM token serves SCIM.
// Times are not measured: the debug log says how many requests each run made and whether it
// retried (the silent-host budget is tested in src/seismic/first-contact.test.ts with a short
// configured timeout).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../src/seismic/test-support/fake-seismic.js";
import { type Simulator, type SimulatorOptions, startSimulator } from "../src/simulator/index.js";
import {
  logRecords,
  plainLines,
  runOk,
  runSeismic,
  type Target,
  TOKEN_CALL,
  targetOf,
} from "./helpers/seismic-e2e.js";
import { expectC1zMatchesSimulator, readC1z } from "./helpers/seismic-expect.js";

const NO_REPORTING = { grantedScopes: ["seismic.user.view", "seismic.user.manage"] };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "seismic-no-prune-e2e-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const open: Simulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function sim(options: SimulatorOptions = {}): Promise<Simulator> {
  const s = await startSimulator({ seed: 5, users: 120, groups: 5, ...options });
  open.push(s);
  return s;
}

/** A failed run: exit 1, one human line on stderr (returned), no stack trace. */
function oneLine(r: { code: number | null; stderr: string; stdout: string }): string {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toBe("");
  const lines = plainLines(r.stderr);
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  return lines[0] ?? "";
}

/** Requests the client sent and retries it logged, from a debug-level run. */
function attempts(stderr: string) {
  const records = logRecords(stderr);
  return {
    api: records.filter((l) => l.msg === "seismic request").length,
    retries: records.filter((l) => /^retrying/.test(l.msg)).length,
  };
}

describe("platform roles left out on purpose", () => {
  it("--seismic-skip-platform-roles: exit 0, no platform_role type, the scope never requested", async () => {
    const s = await sim(NO_REPORTING);
    const file = join(dir, "skip.c1z");
    const r = await runOk(targetOf(s), ["--file", file, "--seismic-skip-platform-roles"], {
      BATON_LOG_LEVEL: "warn",
    });
    expect(r.stderr).toBe("");
    const c = await readC1z(file);
    expectC1zMatchesSimulator(c, s, { platformRolesLeftOut: true });
    // One token, asked without seismic.reporting: nothing was refused.
    expect(s.state.calls().get(TOKEN_CALL)).toBe(1);
    expect([...s.state.calls().keys()].filter((k) => k.includes("/reporting/"))).toEqual([]);
  });

  it("--sync-resource-types without platform_role: exit 0 although the scope is missing", async () => {
    const s = await sim(NO_REPORTING);
    const file = join(dir, "types.c1z");
    await runOk(targetOf(s), ["--file", file, "--sync-resource-types", "user,group,role,license"], {
      BATON_LOG_LEVEL: "warn",
    });
    const c = await readC1z(file);
    expectC1zMatchesSimulator(c, s, { platformRolesLeftOut: true });
  });
});

describe("a missing listing fails the sync", () => {
  it("neither pair of Reporting tables: exit 1 naming both, previous c1z untouched", async () => {
    const s = await sim({ reportingTables: "none" });
    const file = join(dir, "no-tables.c1z");
    await runOk(targetOf(s), ["--file", file, "--seismic-skip-platform-roles"], {
      BATON_LOG_LEVEL: "warn",
    });
    const before = readFileSync(file);
    const line = oneLine(await runSeismic(targetOf(s), ["--file", file]));
    expect(line).toContain("ListResources for platform_role failed: FailedPrecondition");
    expect(line).toContain("GET /reporting/v2/roles nor GET /reporting/v2/entitlementRoles");
    expect(line).toContain("--seismic-skip-platform-roles");
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});

describe("a wrong address fails after one attempt, naming the flag", () => {
  async function target(overrides: Partial<Target>): Promise<Target> {
    return targetOf(await sim(), overrides);
  }

  it("a closed API port (connection refused)", async () => {
    const port = await freePort();
    const t = await target({ apiUrl: `http://127.0.0.1:${port}` });
    const r = await runSeismic(t, ["--file", join(dir, "refused.c1z"), "--log-level", "debug"]);
    const line = plainLines(r.stderr)[0] ?? "";
    expect(r.code).toBe(1);
    expect(line).toContain("ECONNREFUSED");
    expect(line).toContain("--seismic-api-url");
    expect(line).not.toMatch(/try again later/);
    // One request, no retry: neither the client nor Validate's host-side retries.
    expect(attempts(r.stderr)).toEqual({ api: 1, retries: 0 });
  });

  it("an API host name that does not resolve", async () => {
    const t = await target({ apiUrl: "http://seismic-api.invalid" });
    const r = await runSeismic(t, ["--file", join(dir, "dns.c1z"), "--log-level", "debug"]);
    expect(r.code).toBe(1);
    expect(plainLines(r.stderr)[0]).toContain("--seismic-api-url");
    expect(attempts(r.stderr)).toEqual({ api: 1, retries: 0 });
  });

  it("a closed token-service port with a static SCIM token: the platform-role listing fails at once", async () => {
    const s = await sim({ scimToken: "scim-static-TOKEN-e2e" });
    const port = await freePort();
    const t = targetOf(s, { authUrl: `http://127.0.0.1:${port}` });
    const r = await runSeismic(t, [
      "--file",
      join(dir, "scim-token.c1z"),
      "--seismic-scim-token",
      "scim-static-TOKEN-e2e",
      "--log-level",
      "debug",
    ]);
    const line = plainLines(r.stderr)[0] ?? "";
    expect(r.code, r.stderr).toBe(1);
    expect(line).toContain("--seismic-auth-url");
    expect(line).toContain("platform_role");
    // The token was asked for once, not five times per attempt.
    const tokenRetries = logRecords(r.stderr).filter(
      (l) => l.msg === "retrying Seismic token request",
    );
    expect(tokenRetries).toEqual([]);
    expect(logRecords(r.stderr).filter((l) => /^retrying /.test(l.msg))).toEqual([]);
  });
});
