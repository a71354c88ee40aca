// `c1z FILE access --user` and `c1z FILE holders --entitlement` against a synced simulator: a
// user's entitlements are exactly their groups, Learning roles, licence and platform roles as the
// simulator holds them, each with how it is held; an entitlement's holders are exactly the
// group's members. Found by id and by email; unknown names get one line and exit 2; a reader
// that closes the pipe ends every view quietly.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runReviewCommand } from "../src/baton/cli/c1z-review-command.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { run, seismicBin, start } from "./helpers/run-bin.js";
import { runOk, targetOf } from "./helpers/seismic-e2e.js";
import {
  expectedLicence,
  type Json,
  LICENCES,
  roleId,
  roleValues,
} from "./helpers/seismic-expect.js";

const quiet = { BATON_LOG_LEVEL: "warn" };

interface AccessJson {
  sync: { syncId: string };
  user: { id: string; email: string; status: string };
  entitlements: { entitlementId: string; how: string; resourceId: string }[];
  count: number;
}

describe("c1z access and holders", () => {
  let sim: Simulator;
  let dir: string;
  let file: string;
  let user: Json;

  async function view(args: Parameters<typeof runReviewCommand>[0]) {
    let stdout = "";
    let stderr = "";
    const code = await runReviewCommand(
      args,
      { write: (t: string) => (stdout += t) },
      { write: (t: string) => (stderr += t) },
    );
    return { code, stdout, stderr };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "c1z-access-"));
    file = join(dir, "sync.c1z");
    sim = await startSimulator({ seed: 5, users: 40, groups: 6 });
    await runOk(targetOf(sim), ["--file", file], quiet);
    // A user with groups, a Learning role, a licence and a platform role.
    const assigned = new Set(sim.state.roleAssignments().map((a) => a.assigneeId));
    const found = sim.state
      .users()
      .find(
        (u) =>
          (sim.state.userGroupIds(String(u.id)) ?? []).length > 1 &&
          roleValues(u).some((r) => !LICENCES.includes(r)) &&
          expectedLicence(u) !== undefined &&
          assigned.has(String(u.id)),
      );
    if (!found) throw new Error("the seeded tenant has no user with every kind of access");
    user = found;
  }, 60_000);

  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("access --user EMAIL lists exactly the user's groups, roles, licence and platform roles", async () => {
    const email = (user.emails as { value: string }[])[0]?.value ?? "";
    const r = await run(
      seismicBin,
      ["c1z", file, "access", "--user", email.toUpperCase(), "-o", "json"],
      quiet,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout) as AccessJson;
    const id = String(user.id);
    expect(a.user.id).toBe(id);
    expect(a.user.email).toBe(email);
    const platform = sim.state
      .roleAssignments()
      .filter((x) => x.assigneeId === id)
      .map((x) => `platform_role:${x.roleId}:assigned`);
    const expected = [
      ...(sim.state.userGroupIds(id) ?? []).map((g) => `group:${g}:member`),
      ...roleValues(user)
        .filter((v) => !LICENCES.includes(v))
        .map((v) => `role:${roleId(v)}:assigned`),
      `license:${expectedLicence(user)}:assigned`,
      ...platform,
    ];
    expect(a.entitlements.map((e) => e.entitlementId).sort()).toEqual(expected.sort());
    expect(a.count).toBe(expected.length);
    const how = new Map(a.entitlements.map((e) => [e.entitlementId.split(":")[0], e.how]));
    expect(Object.fromEntries(how)).toEqual({
      group: "Group member",
      role: "Role assigned",
      license: "License assigned",
      platform_role: "Platform Role assigned",
    });
  });

  it("access --user ID finds the same user; console and markdown list the same rows", async () => {
    const id = String(user.id);
    const json = JSON.parse(
      (await view({ file, view: "access", user: id, output: "json" })).stdout,
    ) as AccessJson;
    const text = await view({ file, view: "access", user: id, output: "console" });
    expect(text.stdout.split("\n")[0]).toContain(`User user:${id}`);
    for (const e of json.entitlements) expect(text.stdout).toContain(e.entitlementId);
    expect(text.stdout).toContain(`\n${json.count} entitlements\n`);
    const md = await view({ file, view: "access", user: id, output: "markdown" });
    const rows = md.stdout.split("\n").filter((l) => /^\| [a-z_]+:/.test(l));
    expect(rows).toHaveLength(json.count);
  });

  it("holders --entitlement lists exactly the group's members", async () => {
    const group = sim.state
      .groups()
      .find((g) => (sim.state.groupMemberIds(String(g.id)) ?? []).length > 2);
    const gid = String(group?.id);
    const r = await run(
      seismicBin,
      ["c1z", file, "holders", "--entitlement", `group:${gid}:member`, "-o", "json"],
      quiet,
    );
    expect(r.code).toBe(0);
    const h = JSON.parse(r.stdout) as {
      entitlement: { id: string; resourceDisplayName: string };
      holders: { resourceType: string; id: string; email: string; status: string }[];
      count: number;
    };
    expect(h.entitlement.resourceDisplayName).toBe(group?.displayName);
    expect(h.holders.map((x) => x.id).sort()).toEqual(
      [...(sim.state.groupMemberIds(gid) ?? [])].sort(),
    );
    expect(h.count).toBe(h.holders.length);
    for (const x of h.holders) {
      const u = sim.state.user(x.id);
      expect(x.email).toBe((u?.emails as { value: string }[] | undefined)?.[0]?.value);
      expect(x.status).toBe(u?.active ? "enabled" : "disabled (locked)");
    }
  });

  it("a reader that closes the pipe at once ends each view quietly (`| head`), exit 0", async () => {
    const id = String(user.id);
    const views = [
      ["grants"],
      ["access", "--user", id],
      ["holders", "--entitlement", `license:${expectedLicence(user)}:assigned`],
    ];
    for (const view of views) {
      const { child, done } = start(seismicBin, ["c1z", file, ...view], quiet);
      // Closed before the process can have written: its first write meets EPIPE.
      child.stdout?.destroy();
      const r = await done;
      expect({ view: view[0], code: r.code, stderr: r.stderr }).toEqual({
        view: view[0],
        code: 0,
        stderr: "",
      });
    }
  });

  it("unknown names and missing flags get one line naming the flag and exit 2", async () => {
    const nobody = await view({
      file,
      view: "access",
      user: "nobody@example.com",
      output: "console",
    });
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toMatch(
      /^error: --user nobody@example\.com: no user with that id, email or login in sync \S+\n$/,
    );
    const none = await view({
      file,
      view: "holders",
      entitlement: "group:nope:member",
      output: "json",
    });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^error: --entitlement group:nope:member: no such entitlement/);
    expect(none.stdout).toBe("");
    const missing = await view({ file, view: "holders", output: "console" });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/holders needs --entitlement ID/);
  });
});
