import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import yargs from "yargs";
import { C1zStore } from "../c1z/store.js";
import { fixture } from "../c1z/test-support/fixtures.js";
import { tempDir } from "../c1z/test-support/temp-dir.js";
import { type C1zCommandArgs, c1zCommand, runC1zCommand, table } from "./c1z-command.js";

function capture() {
  const chunks: string[] = [];
  return { write: (chunk: string) => chunks.push(chunk), text: () => chunks.join("") };
}

async function run(args: Omit<C1zCommandArgs, "file"> & { file?: string }, file: string) {
  const stdout = capture();
  const stderr = capture();
  const code = await runC1zCommand({ file, ...args }, stdout, stderr);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe("c1z command", () => {
  let file: string;
  let syncId: string;

  beforeAll(async () => {
    // Its own directory: the per-test cleanup of tempDir() would remove it after the first test.
    const dir = mkdtempSync(join(tmpdir(), "c1z-cli-"));
    file = join(dir, "sync.c1z");
    const f = fixture();
    const store = await C1zStore.open(file);
    syncId = store.startSync("full");
    store.putResourceTypes(syncId, f.resourceTypes);
    store.putResources(syncId, f.resources);
    store.putEntitlements(syncId, f.entitlements);
    store.putGrants(syncId, f.grants);
    store.endSync(syncId);
    await store.save();
    return () => rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("prints resources as an aligned table", async () => {
    const out = await run({ view: "resources" }, file);
    expect(out).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        "ID      | Display Name  | Resource Type | Parent Resource",
        "alice   | Alice Liddell | user          |",
        "bob     | Bob Builder   | user          |",
        "eng     | Engineering   | group         |",
        "backend | Backend       | group         | group:eng",
        "",
      ].join("\n"),
    });
  });

  it("filters by resource type and prints the other views", async () => {
    expect((await run({ view: "resources", resourceType: "user" }, file)).stdout).toBe(
      [
        "ID    | Display Name  | Resource Type | Parent Resource",
        "alice | Alice Liddell | user          |",
        "bob   | Bob Builder   | user          |",
        "",
      ].join("\n"),
    );
    expect((await run({ view: "resource-types" }, file)).stdout).toBe(
      [
        "ID    | Display Name | Traits",
        "user  | User         | user",
        "group | Group        | group",
        "",
      ].join("\n"),
    );
    expect((await run({ view: "entitlements" }, file)).stdout).toBe(
      [
        "ID                   | Display Name | Resource Type | Resource ID | Purpose",
        "group:eng:member     | member       | group         | eng         | assignment",
        "group:backend:member | member       | group         | backend     | assignment",
        "",
      ].join("\n"),
    );
    expect((await run({ view: "grants" }, file)).stdout).toBe(
      [
        "Entitlement          | Principal Type | Principal ID",
        "group:eng:member     | user           | alice",
        "group:eng:member     | group          | backend",
        "group:backend:member | user           | bob",
        "",
      ].join("\n"),
    );
    expect((await run({ view: "grants", entitlement: "group:backend:member" }, file)).stdout).toBe(
      [
        "Entitlement          | Principal Type | Principal ID",
        "group:backend:member | user           | bob",
        "",
      ].join("\n"),
    );
    const syncs = (await run({ view: "syncs" }, file)).stdout.split("\n");
    expect(syncs[0]).toMatch(/^ID +\| Type \| Started +\| Ended$/);
    expect(syncs[1]).toMatch(
      new RegExp(
        `^${syncId} \\| full \\| \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\S* +\\| \\d{4}-`,
      ),
    );
    const stats = (await run({ view: "stats" }, file)).stdout;
    expect(stats).toContain(`Sync: ${syncId}\n`);
    expect(stats).toContain("resources      |               | 4\n");
    expect(stats).toContain("resources      | user          | 2\n");
    expect(stats).toContain("grants         | group         | 3\n");
  });

  it("prints one JSON document with proto-JSON messages and annotations", async () => {
    const resources = JSON.parse((await run({ view: "resources", output: "json" }, file)).stdout);
    expect(resources.resources.map((r: { id: { resource: string } }) => r.id.resource)).toEqual([
      "alice",
      "bob",
      "eng",
      "backend",
    ]);
    expect(resources.resources[0].annotations[0]["@type"]).toBe(
      "type.googleapis.com/c1.connector.v2.UserTrait",
    );
    const grants = JSON.parse((await run({ view: "grants", output: "json" }, file)).stdout);
    expect(grants.grants[1].annotations).toEqual([
      {
        "@type": "type.googleapis.com/c1.connector.v2.GrantExpandable",
        entitlementIds: ["group:backend:member"],
      },
    ]);
    const syncs = JSON.parse((await run({ view: "syncs", output: "json" }, file)).stdout);
    expect(syncs.syncs).toEqual([
      expect.objectContaining({ id: syncId, type: "full", parentSyncId: "", syncToken: "" }),
    ]);
    const stats = JSON.parse((await run({ view: "stats", output: "json" }, file)).stdout);
    expect(stats.counts).toEqual({ resourceTypes: 2, resources: 4, entitlements: 2, grants: 3 });
  });

  it("reports unreadable files in one line with exit code 1", async () => {
    const dir = tempDir();
    const missing = await run({ view: "resources" }, join(dir, "nope.c1z"));
    expect(missing).toEqual({
      code: 1,
      stdout: "",
      stderr: `error: ${join(dir, "nope.c1z")}: no such file\n`,
    });
    writeFileSync(join(dir, "bad.c1z"), "not a c1z");
    const bad = await run({ view: "grants" }, join(dir, "bad.c1z"));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      `error: ${join(dir, "bad.c1z")}: not a c1z file (expected C1ZF header)\n`,
    );
    const unknown = await run({ view: "grants", syncId: "x" }, file);
    expect(unknown.stderr).toBe("error: no sync with id x in this c1z\n");
  });

  it("is wired into yargs as `c1z <file> <view>` with its flags", async () => {
    let written = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      written += String(chunk);
      return true;
    });
    const previous = process.exitCode;
    // The harness also has a global `--file` (default sync.c1z); the positional must win.
    await yargs(["c1z", file, "grants", "-o", "json", "--entitlement", "group:eng:member"])
      .option("file", { alias: "f", type: "string", default: "sync.c1z" })
      .option("c1z-temp-dir", { type: "string" })
      .command(c1zCommand)
      .strict()
      .parseAsync();
    expect(process.exitCode).toBe(0);
    process.exitCode = previous;
    expect(JSON.parse(written).grants).toHaveLength(2);
  });
});

describe("table", () => {
  it("pads columns, trims line ends, and keeps cells on one line", () => {
    expect(
      table(
        ["A", "Long header"],
        [
          ["x\ny", ""],
          ["wide cell", "z"],
        ],
      ),
    ).toBe("A         | Long header\nx y       |\nwide cell | z\n");
  });
});
