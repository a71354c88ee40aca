// End to end over every dialect the simulator offers: a full sync (the connector through the
// Baton runtime into a c1z, over real HTTP) of a tenant whose API differs from our notes in one
// way, or in all of them (`legacy`, also run with the built binary), and the c1z, read back,
// holds exactly the simulator's users, groups, memberships, roles, platform roles and licences.
// Each sync logs, once at info, which variant it chose for what it had to discover. Membership
// writes on a tenant without the per-user routes fail with one line naming the opt-in, and with
// it on take effect (read back from the simulator).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { C1zStore } from "../src/baton/c1z/store.js";
import { connectorClients, inProcessTransport } from "../src/baton/sync/clients.js";
import { runSync } from "../src/baton/sync/syncer.js";
import { closeAll, connectTo } from "../src/connector/test-support/sim-connector.js";
import {
  DIALECT_NAMES,
  type DialectName,
  type Simulator,
  startSimulator,
} from "../src/simulator/index.js";
import { logRecords, plainLines, runOk, runSeismic, targetOf } from "./helpers/seismic-e2e.js";
import { expectC1zMatchesSimulator, readC1z } from "./helpers/seismic-expect.js";

/** Seed 7 has empty groups, a group of more than 100 and users without a name. */
const TENANT = { seed: 7, users: 160, groups: 8 } as const;

/** What each dialect must make the sync choose (variant key → choice). */
const EXPECTED: Record<DialectName, Record<string, string>> = {
  default: {
    groupMembers: "members-endpoint",
    reportingTables: "roles",
    listingParameters: "projection",
  },
  "inline-members": { groupMembers: "inline-members", reportingTables: "roles" },
  "members-405": { groupMembers: "inline-members" },
  "no-member-routes": { groupMembers: "members-endpoint" },
  "entitlement-roles": { reportingTables: "entitlementRoles", groupMembers: "members-endpoint" },
  "no-active": { groupMembers: "members-endpoint" },
  "strict-parameters": { listingParameters: "no-projection", groupMembers: "members-endpoint" },
  legacy: {
    groupMembers: "inline-members",
    reportingTables: "entitlementRoles",
    listingParameters: "no-projection",
  },
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "seismic-dialects-e2e-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const open: Simulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  await closeAll();
});

/** A variant choice or warning, as a log line carries it. */
interface Logged {
  level: string | number;
  variant?: unknown;
  chosen?: unknown;
  groups?: unknown;
}

const isInfo = (l: Logged) => l.level === "info" || l.level === 30;
const isWarn = (l: Logged) => l.level === "warn" || (typeof l.level === "number" && l.level >= 40);

/** The variant checks of one sync's log lines. */
function expectChoices(lines: Logged[], dialect: DialectName, sim: Simulator): void {
  const choices = lines.filter((l) => typeof l.variant === "string" && isInfo(l));
  expect(Object.fromEntries(choices.map((l) => [l.variant, l.chosen]))).toMatchObject(
    EXPECTED[dialect],
  );
  // Each choice is logged once per sync.
  expect(new Set(choices.map((l) => l.variant)).size).toBe(choices.length);
  // Inline members: one warning with the number of groups read that way; else none at all.
  const warnings = lines.filter(isWarn);
  if (EXPECTED[dialect].groupMembers === "inline-members") {
    expect(warnings.map((w) => w.groups)).toEqual([sim.state.groupCount()]);
  } else {
    expect(warnings).toEqual([]);
  }
}

describe("a sync holds exactly the tenant, whatever its dialect", () => {
  it("every dialect is covered", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...DIALECT_NAMES].sort());
  });

  it.each(DIALECT_NAMES)("dialect %s", async (dialect) => {
    const sim = await startSimulator({ ...TENANT, dialect, rateLimit: false });
    open.push(sim);
    const h = connectTo(sim);
    const file = join(dir, `${dialect}.c1z`);
    const store = await C1zStore.open(file);
    const result = await runSync(connectorClients(inProcessTransport(h.connector)), store, {
      concurrency: 4,
    });
    await store.save();
    expect(result.warnings).toEqual([]);
    expectC1zMatchesSimulator(await readC1z(file), sim);
    expectChoices(
      h.logger.entries.map((e) => ({ level: e.level, ...(e.fields as object) })),
      dialect,
      sim,
    );
  });

  it("legacy (every difference at once) with the built binary", async () => {
    const sim = await startSimulator({ ...TENANT, dialect: "legacy" });
    open.push(sim);
    const file = join(dir, "legacy-bin.c1z");
    const r = await runOk(targetOf(sim), ["--file", file], { BATON_LOG_LEVEL: "info" });
    expectC1zMatchesSimulator(await readC1z(file), sim);
    expectChoices(logRecords(r.stderr) as Logged[], "legacy", sim);
  });
});

describe("membership writes on a tenant without the per-user routes", () => {
  it("fail in one line naming --seismic-membership-writes group-replace, and work with it", async () => {
    const sim = await startSimulator({ ...TENANT, dialect: "no-member-routes" });
    open.push(sim);
    const target = targetOf(sim);
    const file = join(dir, "writes.c1z");
    await runOk(target, ["--file", file], { BATON_LOG_LEVEL: "warn" });
    const group = sim.state
      .groups()
      .map((g) => g.id as string)
      .find((id) => (sim.state.groupMemberIds(id) ?? []).length > 3) as string;
    const before = sim.state.groupMemberIds(group) ?? [];
    const outsider = sim.state
      .users()
      .map((u) => u.id as string)
      .find((u) => !before.includes(u)) as string;
    const grant = [
      "--file",
      file,
      "--provisioning",
      "--grant-entitlement",
      `group:${group}:member`,
      "--grant-principal",
      outsider,
      "--grant-principal-type",
      "user",
    ];

    const refused = await runSeismic(target, grant, { BATON_LOG_LEVEL: "warn" });
    expect(refused.code, refused.stderr).toBe(1);
    const lines = plainLines(refused.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("--seismic-membership-writes group-replace");
    expect(lines[0]).toContain("POST /scim/v2/Users/{userId}/Groups/{groupId} answered 404");
    expect(sim.state.groupMemberIds(group)).toEqual(before);

    const opted = ["--seismic-membership-writes", "group-replace"];
    await runOk(target, [...grant, ...opted], { BATON_LOG_LEVEL: "warn" });
    expect(sim.state.groupMemberIds(group)).toEqual([...before, outsider]);

    const revoke = [
      "--file",
      file,
      "--provisioning",
      "--revoke-grant",
      `group:${group}:member:user:${before[0]}`,
      ...opted,
    ];
    await runOk(target, revoke, { BATON_LOG_LEVEL: "warn" });
    expect(sim.state.groupMemberIds(group)).toEqual([...before.slice(1), outsider]);
    // The group itself is untouched by the rewrites.
    expect(sim.state.group(group)?.displayName).toBeDefined();
  });
});
