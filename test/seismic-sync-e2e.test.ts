// End to end: the built binary syncs a simulated Seismic tenant (350 users, 25 groups: empty ones,
// groups of several hundred members, one of exactly 100) over loopback, and the c1z, read back,
// holds exactly the simulator's state: every user with status, email, login and profile; every
// group with exactly its members; every role (the custom "Field Sales: EMEA" included), platform
// role and licence with exactly its holders. The sync makes the fewest API calls the data needs.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import type { RunResult } from "./helpers/run-bin.js";
import { apiCalls, runOk, TOKEN_CALL, targetOf } from "./helpers/seismic-e2e.js";
import {
  type C1zContent,
  CUSTOM_ROLE,
  expectC1zMatchesSimulator,
  holders,
  readC1z,
  roleId,
} from "./helpers/seismic-expect.js";

/** The tenant: seed 7 gives empty groups, groups of 350 and 100 members, and 101-103. */
const TENANT = { seed: 7, users: 350, groups: 25 } as const;
const PAGE = 100;

describe("sync of a simulated tenant with the built binary", () => {
  let sim: Simulator;
  let dir: string;
  let content: C1zContent;
  let result: RunResult;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "seismic-sync-e2e-"));
    sim = await startSimulator(TENANT);
    const file = join(dir, "sync.c1z");
    result = await runOk(targetOf(sim), ["--file", file], { BATON_LOG_LEVEL: "warn" });
    content = await readC1z(file);
  });

  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the tenant has what the test is about", () => {
    const sizes = sim.state.groups().map((g) => sim.state.groupMemberIds(g.id as string)?.length);
    expect(sizes).toHaveLength(25);
    expect(sizes).toContain(0);
    expect(sizes).toContain(PAGE);
    expect(sizes.some((n) => (n ?? 0) >= 300)).toBe(true);
    expect(sizes.some((n) => (n ?? 0) > PAGE && (n ?? 0) < 2 * PAGE)).toBe(true);
    const users = sim.state.users();
    expect(users.some((u) => u.active === false)).toBe(true);
    expect(users.some((u) => u.userType === "NonSeismic")).toBe(true);
    expect(users.some((u) => u.userType === undefined && Array.isArray(u.roles))).toBe(true);
    expect(users.some((u) => u.name === undefined)).toBe(true);
    expect(
      users.some((u) =>
        (u.roles as { value: string }[] | undefined)?.some((r) => r.value === CUSTOM_ROLE),
      ),
    ).toBe(true);
    expect(sim.state.platformRoles().some((r) => r.isDeleted)).toBe(true);
  });

  it("exits 0, prints the summary and nothing on stderr at warn level", () => {
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^Synced into /);
    expect(result.stdout).toMatch(/user 350/);
  });

  it("the c1z holds exactly the simulator's users, groups, roles, platform roles and licences", () => {
    expectC1zMatchesSimulator(content, sim);
  });

  it("the custom role with ':' and a space keeps an unambiguous id and exactly its holders", () => {
    const id = roleId(CUSTOM_ROLE);
    expect(id).toBe("Field%20Sales%3A%20EMEA");
    const row = content.resources.find(
      (r) => r.id?.resourceType === "role" && r.id.resource === id,
    );
    expect(row?.displayName).toBe(CUSTOM_ROLE);
    const expected = sim.state
      .users()
      .filter((u) =>
        (u.roles as { value: string }[] | undefined)?.some((r) => r.value === CUSTOM_ROLE),
      )
      .map((u) => u.id as string)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(holders(content, `role:${id}:assigned`)).toEqual(expected);
    for (const g of content.grants.filter((g) => g.entitlement?.id === `role:${id}:assigned`)) {
      // <type>:<id>:<slug>:<principal type>:<principal id>: exactly five ':'-separated parts.
      expect(g.id.split(":")).toHaveLength(5);
    }
  });

  it("makes exactly the API calls the data needs", () => {
    const calls = sim.state.calls();
    // A listing costs one page per 100 items, and one more (empty) page to confirm the end when
    // the last page is full: floor(n / 100) + 1.
    const pages = (n: number) => Math.floor(n / PAGE) + 1;
    const memberPages = sim.state
      .groups()
      .map((g) => sim.state.groupMemberIds(g.id as string)?.length ?? 0)
      .reduce((n, size) => n + pages(size), 0);
    const expected = {
      // One token for the whole run (lifetime 3600 s).
      [TOKEN_CALL]: 1,
      // Validate's one cheap call (count=1), then the user pages.
      "GET /scim/v2/Users": 1 + pages(TENANT.users),
      "GET /scim/v2/Groups": pages(TENANT.groups),
      "GET /scim/v2/Groups/{id}/Users": memberPages,
      // Reporting: one call per table for the whole sync.
      "GET /reporting/v2/roles": 1,
      "GET /reporting/v2/userRoleAssignments": 1,
    };
    expect(
      Object.fromEntries(calls),
      "API calls per endpoint (Validate costs one GET /scim/v2/Users?count=1)",
    ).toEqual(expected);
    expect(apiCalls(calls)).toBe(sim.state.totalCalls() - 1);
    expect(sim.state.rateLimited()).toBe(0);
    expect(sim.state.tokensIssued()).toBe(1);
    // The summary counts the same calls the simulator saw.
    expect(result.stdout).toContain(`API calls ${apiCalls(calls)}, API retries 0`);
  });
});
