// `--dry-run` on every one-shot change, end to end against the simulator through a recording
// proxy: group grant and revoke, role grant and revoke (PATCH roles), account creation (POST),
// deactivation (PATCH active), permanent deletion (DELETE) and an action (disable_user). Each dry run exits 0, no write
// reaches the simulator (its own call log), and the plan it prints is exactly what the real run
// then sends: the same reads in the same order, then the same write with the same body. A change
// that is already in place plans no write ("nothing to do"), and the real run makes none either.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import {
  callsSince,
  type ProxiedRequest,
  runOk,
  type SimProxy,
  startProxy,
  type Target,
  targetOf,
  writes,
} from "./helpers/seismic-e2e.js";
import { CUSTOM_ROLE, roleId, roleValues } from "./helpers/seismic-expect.js";

const quiet = { BATON_LOG_LEVEL: "warn" };
const LEARNER = "Learner";

interface Plan {
  reads: string[];
  write: { method: string; path: string; body: unknown } | undefined;
  nothingToDo: boolean;
  lines: string[];
}

/** Parses the printed plan: `read   GET path → …`, `write  METHOD path`, `       body {…}`. */
function parsePlan(stdout: string): Plan {
  const lines = stdout.trim().split("\n");
  const reads = lines
    .filter((l) => l.startsWith("read   "))
    .map((l) => l.slice(7).split(" → ")[0] ?? "");
  const w = lines.find((l) => l.startsWith("write  "));
  const body = lines.find((l) => l.startsWith("       body "));
  const [method = "", path = ""] = (w?.slice(7) ?? "").split(" ");
  return {
    reads,
    write: w ? { method, path, body: body ? JSON.parse(body.slice(12)) : undefined } : undefined,
    nothingToDo: lines.at(-1) === "nothing to do: no write is needed",
    lines,
  };
}

const asCall = (r: ProxiedRequest) => `${r.method} ${r.path}`;

describe("--dry-run", () => {
  let sim: Simulator;
  let proxy: SimProxy;
  let target: Target;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "dry-run-"));
    file = join(dir, "sync.c1z");
    sim = await startSimulator({ seed: 8, users: 30, groups: 4 });
    proxy = await startProxy(sim.apiUrl);
    target = targetOf(sim, { apiUrl: proxy.url });
    await runOk(target, ["--file", file], quiet);
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the change with --dry-run, then for real; returns the plan and what each run sent. */
  async function planThenRun(args: string[], env: Record<string, string> = {}) {
    const before = sim.state.calls();
    proxy.requests.length = 0;
    const dry = await runOk(target, ["--file", file, "--dry-run", ...args], { ...quiet, ...env });
    expect(dry.stderr).toBe("");
    expect(writes(callsSince(before, sim.state.calls())), "a dry run wrote").toEqual({});
    const planned = [...proxy.requests];
    const plan = parsePlan(dry.stdout);
    expect(plan.reads).toEqual(planned.map(asCall));
    expect(plan.lines[0]).toBe("dry run: nothing was changed");

    proxy.requests.length = 0;
    const real = await runOk(target, ["--provisioning", "--file", file, ...args], {
      ...quiet,
      ...env,
    });
    const sent = [...proxy.requests];
    return { plan, sent, real };
  }

  /** The real run sent the planned reads, then the planned write with the planned body. */
  function expectPlanFollowed(plan: Plan, sent: ProxiedRequest[]) {
    const firstWrite = sent.findIndex((r) => r.method !== "GET");
    expect(firstWrite).toBe(plan.reads.length);
    expect(sent.slice(0, firstWrite).map(asCall)).toEqual(plan.reads);
    const w = sent[firstWrite] as ProxiedRequest;
    expect({ method: w.method, path: w.path }).toEqual({
      method: plan.write?.method,
      path: plan.write?.path,
    });
    expect(w.body === "" ? undefined : JSON.parse(w.body)).toEqual(plan.write?.body);
    // After its one write, a real run only reads (to verify).
    expect(sent.slice(firstWrite + 1).filter((r) => r.method !== "GET")).toEqual([]);
  }

  const users = () =>
    sim.state.users().filter((u) => u.active === true && u.id !== sim.delegationUserId);

  it("group grant and revoke: POST and DELETE on the membership, as planned", async () => {
    const g = String(sim.state.groups()[0]?.id);
    const members = sim.state.groupMemberIds(g) ?? [];
    const joiner = String(users().find((u) => !members.includes(String(u.id)))?.id);
    const grant = await planThenRun([
      "--grant-entitlement",
      `group:${g}:member`,
      "--grant-principal",
      joiner,
      "--grant-principal-type",
      "user",
    ]);
    expect(grant.plan.write?.method).toBe("POST");
    expect(grant.plan.write?.path).toBe(`/scim/v2/Users/${joiner}/Groups/${g}`);
    expectPlanFollowed(grant.plan, grant.sent);
    expect(sim.state.groupMemberIds(g)).toContain(joiner);

    const leaver = String(members[0]);
    const revoke = await planThenRun(["--revoke-grant", `group:${g}:member:user:${leaver}`]);
    expect(revoke.plan.write?.method).toBe("DELETE");
    expectPlanFollowed(revoke.plan, revoke.sent);
    expect(sim.state.groupMemberIds(g)).not.toContain(leaver);
  });

  it("a grant already in place plans nothing, and the real run writes nothing", async () => {
    const g = String(
      sim.state
        .groups()
        .map((x) => String(x.id))
        .find((id) => (sim.state.groupMemberIds(id) ?? []).length > 0),
    );
    const member = String(sim.state.groupMemberIds(g)?.[0]);
    const r = await planThenRun([
      "--grant-entitlement",
      `group:${g}:member`,
      "--grant-principal",
      member,
      "--grant-principal-type",
      "user",
    ]);
    expect(r.plan.write).toBeUndefined();
    expect(r.plan.nothingToDo).toBe(true);
    expect(r.plan.lines).toContain(`already granted: group:${g}:member to user:${member}`);
    expect(r.sent.filter((x) => x.method !== "GET")).toEqual([]);
    expect(r.sent.map(asCall)).toEqual(r.plan.reads);
  });

  it("role grant and revoke: one PATCH of roles with the new full list", async () => {
    const gainer = users().find((u) => !roleValues(u).includes(CUSTOM_ROLE));
    const id = String(gainer?.id);
    const grant = await planThenRun([
      "--grant-entitlement",
      `role:${roleId(CUSTOM_ROLE)}:assigned`,
      "--grant-principal",
      id,
      "--grant-principal-type",
      "user",
    ]);
    expect(grant.plan.write?.method).toBe("PATCH");
    expect(grant.plan.write?.path).toBe(`/scim/v2/Users/${id}`);
    expectPlanFollowed(grant.plan, grant.sent);
    expect(roleValues(sim.state.user(id) ?? {})).toContain(CUSTOM_ROLE);

    // A role the last sync saw (revoke looks the grant up in --file).
    const loser = users().find((u) => u.id !== id && roleValues(u).includes(LEARNER));
    const loserId = String(loser?.id);
    const revoke = await planThenRun([
      "--revoke-grant",
      `role:${LEARNER}:assigned:user:${loserId}`,
    ]);
    expect(revoke.plan.write?.method).toBe("PATCH");
    expectPlanFollowed(revoke.plan, revoke.sent);
    expect(roleValues(sim.state.user(loserId) ?? {})).not.toContain(LEARNER);
  });

  it("create account: one POST /Users with the planned body", async () => {
    const login = "dry.run.user@example.com";
    const r = await planThenRun(["--create-account-login", login, "--create-account-email", login]);
    expect(r.plan.write?.method).toBe("POST");
    expect(r.plan.write?.path).toBe("/scim/v2/Users");
    expect(r.plan.write?.body).toMatchObject({ userName: login });
    expectPlanFollowed(r.plan, r.sent);
    expect(sim.state.users().some((u) => u.userName === login)).toBe(true);
  });

  it("delete: PATCH active=false by default, DELETE when configured", async () => {
    const [one, two] = users()
      .slice(-2)
      .map((u) => String(u.id));
    const deactivate = await planThenRun([
      "--delete-resource",
      String(one),
      "--delete-resource-type",
      "user",
    ]);
    expect(deactivate.plan.write?.method).toBe("PATCH");
    expect(deactivate.plan.write?.body).toMatchObject({
      Operations: [{ op: "replace", path: "active", value: false }],
    });
    expectPlanFollowed(deactivate.plan, deactivate.sent);
    expect(sim.state.user(String(one))?.active).toBe(false);

    const hard = await planThenRun(
      ["--delete-resource", String(two), "--delete-resource-type", "user"],
      { BATON_SEISMIC_DELETE_MODE: "delete" },
    );
    expect(hard.plan.write).toEqual({
      method: "DELETE",
      path: `/scim/v2/Users/${two}`,
      body: undefined,
    });
    expect(hard.plan.reads).toEqual([]);
    expectPlanFollowed(hard.plan, hard.sent);
    expect(sim.state.user(String(two))).toBeUndefined();
  });

  it("an action: disable_user plans one PATCH of active; a user already disabled plans nothing", async () => {
    const id = String(users()[0]?.id);
    const invoke = [
      "--invoke-action",
      "disable_user",
      "--invoke-action-args",
      JSON.stringify({ user_id: id }),
    ];
    const disable = await planThenRun(invoke);
    expect(disable.plan.write?.method).toBe("PATCH");
    expect(disable.plan.write?.body).toMatchObject({
      Operations: [{ op: "replace", path: "active", value: false }],
    });
    expectPlanFollowed(disable.plan, disable.sent);
    expect(sim.state.user(id)?.active).toBe(false);

    const again = await planThenRun(invoke);
    expect(again.plan.write).toBeUndefined();
    expect(again.plan.nothingToDo).toBe(true);
    expect(again.sent.filter((x) => x.method !== "GET")).toEqual([]);
  });
});
