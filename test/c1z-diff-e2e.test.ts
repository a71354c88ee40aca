// `c1z diff` end to end: sync the simulator, change it through its own API (add and remove a
// member, lock a user, change a title, add a user), sync again, and check that the diff reports
// exactly those changes, in JSON, console and markdown, within one file and across two files;
// and that a sync compared with itself is empty. The clock is the simulator's own, moved by hand,
// so every lastModified value is known.
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { C1zReader } from "../src/baton/c1z/reader.js";
import { runReviewCommand } from "../src/baton/cli/c1z-review-command.js";
import { caller, getToken, URN } from "../src/simulator/harness.js";
import { type Simulator, startSimulator } from "../src/simulator/index.js";
import { run, seismicBin } from "./helpers/run-bin.js";
import { runOk, targetOf } from "./helpers/seismic-e2e.js";

const quiet = { BATON_LOG_LEVEL: "warn" };

interface DiffJson {
  version: number;
  from: { syncId: string; file: string };
  to: { syncId: string; file: string };
  counts: {
    resources: { added: number; removed: number; changed: number };
    grants: { added: number; removed: number };
    entitlements: { added: number; removed: number };
  };
  resources: {
    change: string;
    resourceType: string;
    id: string;
    changes?: { field: string; old: string; new: string }[];
  }[];
  entitlements: { change: string; id: string }[];
  grants: {
    entitlement: { id: string };
    counts: { added: number; removed: number };
    added: { resourceType: string; id: string }[];
    removed: { resourceType: string; id: string }[];
  }[];
}

const iso = (ms: number) => new Date(ms).toISOString();

describe("c1z diff", () => {
  let sim: Simulator;
  let dir: string;
  let file: string;
  let oldFile: string;
  let now = Date.parse("2025-03-01T10:00:00.000Z");
  const fx = {} as {
    joiner: string;
    joinGroup: string;
    leaver: string;
    leaveGroup: string;
    locked: string;
    retitled: string;
    oldTitle: string;
    newUser: string;
    t1: number;
  };

  const c1z = (args: string[]) => run(seismicBin, ["c1z", ...args], quiet);
  /** The diff view run in this process (the binary is run where the CLI wiring is the point). */
  const diffOf = async (
    files: [string] | [string, string],
    output: "console" | "json" | "markdown",
    ids: { from?: string; to?: string } = {},
  ) => {
    let stdout = "";
    let stderr = "";
    const code = await runReviewCommand(
      { file: files[0], newer: files[1], view: "diff", output, ...ids },
      { write: (t: string) => (stdout += t) },
      { write: (t: string) => (stderr += t) },
    );
    return { code, stdout, stderr };
  };
  const lastModifiedBefore = new Map<string, unknown>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "c1z-diff-"));
    file = join(dir, "sync.c1z");
    oldFile = join(dir, "old.c1z");
    sim = await startSimulator({ seed: 11, users: 40, groups: 5, now: () => now });
    const target = targetOf(sim);
    await runOk(target, ["--file", file], quiet);
    copyFileSync(file, oldFile);

    const users = sim.state
      .users()
      .filter((u) => u.active === true && u.id !== sim.delegationUserId);
    const groups = sim.state.groups().map((g) => String(g.id));
    const members = (g: string) => sim.state.groupMemberIds(g) ?? [];
    const outsider = (g: string) => users.find((u) => !members(g).includes(String(u.id)));
    fx.joinGroup = String(groups.find((g) => outsider(g)));
    fx.joiner = String(outsider(fx.joinGroup)?.id);
    fx.leaveGroup = String(
      groups.find((g) => g !== fx.joinGroup && members(g).some((m) => m !== fx.joiner)),
    );
    fx.leaver = String(
      users.find((u) => members(fx.leaveGroup).includes(String(u.id)) && u.id !== fx.joiner)?.id,
    );
    const rest = users.filter((u) => ![fx.joiner, fx.leaver].includes(String(u.id)));
    fx.locked = String(rest[0]?.id);
    const retitled = rest.find((u) => typeof u.title === "string" && u.id !== fx.locked);
    fx.retitled = String(retitled?.id);
    fx.oldTitle = String(retitled?.title);
    // lastModified of the users to change, as the first sync saw them.
    const before = await C1zReader.open(oldFile);
    try {
      for (const id of [fx.locked, fx.retitled]) {
        const r = before.resource({ resourceType: "user", resource: id });
        lastModifiedBefore.set(id, r?.profile?.lastModified);
      }
    } finally {
      before.close();
    }

    now += 60_000;
    fx.t1 = now;
    const call = caller(sim, await getToken(sim));
    const ok = async (p: Promise<{ status: number; body: unknown }>) => {
      const r = await p;
      expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
      return r;
    };
    await ok(call("POST", `/scim/v2/Users/${fx.joiner}/Groups/${fx.joinGroup}`));
    await ok(call("DELETE", `/scim/v2/Users/${fx.leaver}/Groups/${fx.leaveGroup}`));
    const patch = (path: string, value: unknown) => ({
      schemas: [URN.PATCH],
      Operations: [{ op: "replace", path, value }],
    });
    await ok(call("PATCH", `/scim/v2/Users/${fx.locked}`, patch("active", false)));
    await ok(call("PATCH", `/scim/v2/Users/${fx.retitled}`, patch("title", "Chief Reviewer")));
    const created = await ok(
      call("POST", "/scim/v2/Users", {
        schemas: [URN.USER],
        userName: "new.joiner@example.com",
        name: { givenName: "New", familyName: "Joiner" },
        emails: [{ value: "new.joiner@example.com", type: "work", primary: true }],
        userType: "Business",
        active: true,
      }),
    );
    fx.newUser = String((created.body as { id: string }).id);
    now += 60_000;
    await runOk(target, ["--file", file], quiet);
  }, 60_000);

  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The grants the newer sync gives the new user, read back from the file. */
  async function newUserGrants(): Promise<string[]> {
    const reader = await C1zReader.open(file);
    try {
      return reader
        .grants({ principal: { resourceType: "user", resource: fx.newUser } })
        .map((g) => String(g.entitlement?.id));
    } finally {
      reader.close();
    }
  }

  function expectExactChanges(diff: DiffJson, grantsOfNewUser: string[]) {
    const byKey = new Map(diff.resources.map((r) => [`${r.change} ${r.resourceType}:${r.id}`, r]));
    expect([...byKey.keys()].sort()).toEqual(
      [
        `added user:${fx.newUser}`,
        `changed user:${fx.locked}`,
        `changed user:${fx.retitled}`,
        `changed group:${fx.joinGroup}`,
        `changed group:${fx.leaveGroup}`,
      ].sort(),
    );
    const lockedBefore = Date.parse(String(lastModifiedBefore.get(fx.locked)));
    expect(byKey.get(`changed user:${fx.locked}`)?.changes).toEqual([
      { field: "status", old: "enabled", new: "disabled (locked)" },
      { field: "profile.active", old: "true", new: "false" },
      { field: "profile.lastModified", old: iso(lockedBefore), new: iso(fx.t1) },
    ]);
    expect(byKey.get(`changed user:${fx.retitled}`)?.changes).toEqual([
      {
        field: "profile.lastModified",
        old: iso(Date.parse(String(lastModifiedBefore.get(fx.retitled)))),
        new: iso(fx.t1),
      },
      { field: "profile.title", old: fx.oldTitle, new: "Chief Reviewer" },
    ]);
    for (const g of [fx.joinGroup, fx.leaveGroup]) {
      expect(byKey.get(`changed group:${g}`)?.changes?.map((c) => c.field)).toEqual([
        "profile.lastModified",
      ]);
    }
    expect(diff.entitlements).toEqual([]);
    const added = diff.grants.flatMap((g) =>
      g.added.map((p) => `${g.entitlement.id} ${p.resourceType}:${p.id}`),
    );
    const removed = diff.grants.flatMap((g) =>
      g.removed.map((p) => `${g.entitlement.id} ${p.resourceType}:${p.id}`),
    );
    expect(grantsOfNewUser.length).toBeGreaterThan(0);
    expect(added.sort()).toEqual(
      [
        `group:${fx.joinGroup}:member user:${fx.joiner}`,
        ...grantsOfNewUser.map((e) => `${e} user:${fx.newUser}`),
      ].sort(),
    );
    expect(removed).toEqual([`group:${fx.leaveGroup}:member user:${fx.leaver}`]);
    expect(diff.counts.resources).toEqual({ added: 1, removed: 0, changed: 4 });
    expect(diff.counts.grants).toEqual({ added: added.length, removed: 1 });
    for (const g of diff.grants) {
      expect(g.counts).toEqual({ added: g.added.length, removed: g.removed.length });
    }
  }

  it("-o json reports exactly the changes made between the two syncs of one file", async () => {
    const r = await c1z([file, "diff", "-o", "json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const diff = JSON.parse(r.stdout) as DiffJson;
    expect((await diffOf([file], "json")).stdout).toBe(r.stdout);
    expect(diff.version).toBe(1);
    expect(diff.from.syncId).not.toBe(diff.to.syncId);
    expectExactChanges(diff, await newUserGrants());
  });

  it("c1z diff OLD NEW compares the latest syncs of two files the same way", async () => {
    const inFile = JSON.parse((await diffOf([file], "json")).stdout) as DiffJson;
    const r = await c1z(["diff", oldFile, file, "-o", "json"]);
    expect(r.stderr).toBe("");
    const across = JSON.parse(r.stdout) as DiffJson;
    expect(across.from).toEqual({ ...inFile.from, file: oldFile });
    expect(across.to).toEqual(inFile.to);
    expect(across.resources).toEqual(inFile.resources);
    expect(across.grants).toEqual(inFile.grants);
    expect(across.counts).toEqual(inFile.counts);
  });

  it("-o console leads with the counts and lists every change", async () => {
    const r = await diffOf([file], "console");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^From sync \S+ \(full, ended /);
    expect(lines.find((l) => /^\s+resources\s/.test(l))).toMatch(/resources\s+1\s+0\s+4$/);
    expect(lines.find((l) => /^\s+grants\s/.test(l))).toMatch(/grants\s+\d+\s+1$/);
    expect(r.stdout).toContain(`  + user:${fx.newUser}  New Joiner <new.joiner@example.com>`);
    expect(r.stdout).toMatch(
      new RegExp(`~ user:${fx.locked} .*\\n\\s+status: enabled → disabled \\(locked\\)`),
    );
    expect(r.stdout).toContain(`profile.title: ${fx.oldTitle} → Chief Reviewer`);
    expect(r.stdout).toContain(`Grants of group:${fx.leaveGroup}:member`);
    expect(r.stdout).toMatch(new RegExp(`\\n  - user:${fx.leaver}\\b`));
    expect(r.stdout).toMatch(new RegExp(`\\n  \\+ user:${fx.joiner}\\b`));
    // Largest first: the user section (5 changes) comes before the groups (2).
    expect(r.stdout.indexOf("Resources: user")).toBeLessThan(r.stdout.indexOf("Resources: group"));
  });

  it("-o markdown has one table row per change, the same set as JSON", async () => {
    const json = JSON.parse((await diffOf([file], "json")).stdout) as DiffJson;
    const r = await diffOf([file], "markdown");
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith("## Access changes\n")).toBe(true);
    const rows = r.stdout
      .split("\n")
      .filter((l) => /^\| (added|removed|changed) \| `/.test(l))
      .map((l) => l.split(" | ").slice(0, 2).join(" ").replace(/^\| /, "").replace(/`/g, ""));
    const expected = [
      ...json.resources.map((x) => `${x.change} ${x.resourceType}:${x.id}`),
      ...json.grants.flatMap((g) => [
        ...g.added.map((p) => `added ${p.resourceType}:${p.id}`),
        ...g.removed.map((p) => `removed ${p.resourceType}:${p.id}`),
      ]),
    ];
    expect(rows.sort()).toEqual(expected.sort());
    expect(r.stdout).toContain("status: `enabled` → `disabled (locked)`");
  });

  it("a sync compared with itself is empty, in every format", async () => {
    const reader = await C1zReader.open(file);
    const id = reader.syncs().at(-1)?.syncId ?? "";
    reader.close();
    const self = { from: id, to: id };
    const json = JSON.parse((await diffOf([file], "json", self)).stdout) as DiffJson;
    expect(json.resources).toEqual([]);
    expect(json.entitlements).toEqual([]);
    expect(json.grants).toEqual([]);
    expect(json.counts.resources).toEqual({ added: 0, removed: 0, changed: 0 });
    expect(json.counts.grants).toEqual({ added: 0, removed: 0 });
    const text = await diffOf([file], "console", self);
    expect(text.stdout).toContain("No changes");
    const md = await diffOf([file], "markdown", self);
    expect(md.stdout).toContain("No changes");
    const across = await diffOf([file, file], "json");
    expect((JSON.parse(across.stdout) as DiffJson).counts.grants).toEqual({ added: 0, removed: 0 });
  });

  it("bad input gets one line and exit 2; a file with one sync says what to do", async () => {
    const unknown = await c1z([file, "diff", "--from", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: --from nope: no such sync in .*sync\.c1z/);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
    const single = await diffOf([oldFile], "console");
    expect(single.code).toBe(2);
    expect(single.stderr).toMatch(/holds only one finished full sync .*c1z diff OLD\.c1z NEW\.c1z/);
    const oneFile = await c1z(["diff", oldFile]);
    expect(oneFile.code).toBe(2);
    expect(oneFile.stderr).toMatch(/^error: c1z diff compares two files/);
    const missing = await diffOf([oldFile, join(dir, "missing.c1z")], "console");
    // A file that is not there is bad input, like any other wrong argument.
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing\.c1z: no such file/);
  });
});
